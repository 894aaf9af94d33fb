package io.summit.dr.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.summit.dr.lab.pager.LabPager;
import io.summit.dr.lab.pager.PagerLog;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code summit-dr lab pages}: what the lab's pager received, and its incidents. */
@Command(
    name = "pages",
    mixinStandardHelpOptions = true,
    description = {
      "Show what the lab's pager received from the orchestrators (PagerDuty, Slack and webhook"
          + " notices, each payload checked as the service documents it) and the PagerDuty"
          + " incidents they opened and resolved (docs/notifications.md)."
    })
final class LabPagesCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin LabCommand.DirOption dir = new LabCommand.DirOption();

  @Option(
      names = "--last",
      paramLabel = "N",
      defaultValue = "20",
      description = "How many of the latest notices to list (default: ${DEFAULT-VALUE}).")
  int last;

  @Option(names = "--json", description = "Print {\"incidents\": [...], \"notices\": [...]}.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (last < 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--last: " + last + " (expected: 0 or more)");
    }
    PrintWriter out = spec.commandLine().getOut();
    if (!Files.isDirectory(LabPager.dir(dir.dir))) {
      spec.commandLine()
          .getErr()
          .println(
              "lab: no pager in "
                  + dir.dir.toAbsolutePath()
                  + " (expected: a lab started by 'summit-dr lab up' from a topology without"
                  + " notifications of its own)");
      return 1;
    }
    List<PagerLog.Notice> notices = PagerLog.read(LabPager.received(dir.dir));
    List<PagerLog.Incident> incidents = PagerLog.incidents(notices);
    List<PagerLog.Notice> latest =
        notices.subList(Math.max(0, notices.size() - last), notices.size());
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("received", LabPager.received(dir.dir).toAbsolutePath().toString());
      doc.put("notices_total", notices.size());
      doc.put("incidents", incidents);
      doc.put("notices", latest);
      out.println(
          new ObjectMapper()
              .registerModule(new JavaTimeModule())
              .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
              .writerWithDefaultPrettyPrinter()
              .writeValueAsString(doc));
      return 0;
    }
    long open = incidents.stream().filter(i -> !i.status().equals("resolved")).count();
    out.printf(
        Locale.ROOT,
        "pager: %d notices received, %d incidents (%d open) in %s%n",
        notices.size(),
        incidents.size(),
        open,
        LabPager.received(dir.dir));
    if (!incidents.isEmpty()) {
      out.println("incidents (PagerDuty, by dedup key):");
      for (PagerLog.Incident i : incidents) {
        out.printf(
            Locale.ROOT,
            "  %-9s %-8s %s .. %s  %2d notices  %s%n",
            i.status(),
            i.severity(),
            TIME.format(i.openedAt()),
            TIME.format(i.lastAt()),
            i.notices(),
            i.summary());
      }
    }
    if (!latest.isEmpty()) {
      out.println("latest notices:");
      for (PagerLog.Notice n : latest) {
        out.printf(
            Locale.ROOT,
            "  %s  %-9s %-11s %-22s %s%n",
            TIME.format(n.receivedAt()),
            n.receiver(),
            n.action(),
            n.type().isEmpty() ? "-" : n.type(),
            n.summary().isEmpty() ? "incident " + n.dedupKey() : n.summary());
      }
    }
    return 0;
  }
}
