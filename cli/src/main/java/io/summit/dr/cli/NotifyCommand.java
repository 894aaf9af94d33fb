package io.summit.dr.cli;

import io.summit.dr.orchestrator.notify.Notifier;
import io.summit.dr.topology.Topology;
import io.summit.dr.topology.TopologyLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code summit-dr notify test}: checks that every receiver of a topology takes a notice. */
@Command(
    name = "notify",
    mixinStandardHelpOptions = true,
    description = {"The topology's notification receivers (docs/notifications.md)."},
    subcommands = {NotifyCommand.Test.class})
final class NotifyCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a subcommand is required (expected: test)");
  }

  /** {@code summit-dr notify test --config FILE [--event TYPE] [--region R]}. */
  @Command(
      name = "test",
      mixinStandardHelpOptions = true,
      description = {
        "Send every receiver of the topology a test notice now, with the topology's timeout and"
            + " retries, then its resolution (so no incident stays open), and print what each"
            + " receiver answered. The notice is an event of the given type marked [TEST], under"
            + " an incident key of its own. Exit 1 when a receiver did not take it."
      })
  static final class Test implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--config",
        required = true,
        paramLabel = "FILE",
        description = "The topology file whose notifications.receivers are tried.")
    Path config;

    @Option(
        names = "--event",
        paramLabel = "TYPE",
        defaultValue = "region-failed",
        description = "The event the test notice stands for (default: ${DEFAULT-VALUE}).")
    String event;

    @Option(
        names = "--region",
        paramLabel = "R",
        description = "The region the test notice names (default: the primary region).")
    String region;

    @Option(
        names = "--json",
        description =
            "Print the answers as a JSON array: receiver, action, delivered, attempts, detail.")
    boolean json;

    @Option(
        names = "--ca-file",
        paramLabel = "FILE",
        description =
            "A certificate authority (PEM) trusted for https:// receivers besides the JDK's own,"
                + " e.g. a lab's .lab/tls/ca.crt for the lab's pager.")
    java.nio.file.@org.jspecify.annotations.Nullable Path caFile;

    @Override
    public Integer call() throws com.fasterxml.jackson.core.JsonProcessingException {
      javax.net.ssl.SSLContext trust =
          caFile == null ? null : io.summit.dr.access.Tls.trustingAlso(caFile);
      Topology t = TopologyLoader.load(config);
      if (t.notifications().receivers().isEmpty()) {
        throw new IllegalArgumentException(
            "--config: " + config + " has no notifications.receivers (expected: at least one)");
      }
      String r = region == null ? t.primary().name() : region;
      if (t.regions().stream().noneMatch(x -> x.name().equals(r))) {
        throw new IllegalArgumentException(
            "--region: '"
                + r
                + "' (expected: one of "
                + String.join(", ", t.regions().stream().map(x -> x.name()).toList())
                + ")");
      }
      String other = t.servingRegions().stream().filter(x -> !x.equals(r)).findFirst().orElse(r);
      Map<String, Object> data =
          Map.of(
              "region", r,
              "observers", List.of("summit-dr notify test"),
              "reason", "a test notice",
              "plan", "test",
              "kind", "failover",
              "from", r,
              "to", other,
              "by", "summit-dr notify test",
              "detail", "a test notice");
      Path dir = config.toAbsolutePath().getParent();
      List<Notifier.Sent> sent =
          Notifier.sendTest(
              t.notifications(),
              t.name(),
              "summit-dr notify test",
              dir == null ? Path.of(".") : dir,
              event,
              data,
              trust);
      PrintWriter out = spec.commandLine().getOut();
      long failed = sent.stream().filter(s -> !s.delivered()).count();
      if (json) {
        out.println(
            new com.fasterxml.jackson.databind.ObjectMapper()
                .writerWithDefaultPrettyPrinter()
                .writeValueAsString(sent));
        return failed == 0 ? 0 : Main.FAILED;
      }
      for (Notifier.Sent s : sent) {
        out.printf(
            "%-16s %-8s %s after %d attempt(s): %s%n",
            s.receiver(),
            s.action(),
            s.delivered() ? "delivered" : "NOT delivered",
            s.attempts(),
            s.detail());
      }
      out.printf(
          "%d of %d notices delivered to %d receiver(s)%n",
          sent.size() - failed, sent.size(), t.notifications().receivers().size());
      return failed == 0 ? 0 : Main.FAILED;
    }
  }
}
