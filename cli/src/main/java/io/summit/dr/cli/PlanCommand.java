package io.summit.dr.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.topology.Durations;
import io.summit.dr.topology.FailoverOutline;
import io.summit.dr.topology.PlannedStep;
import io.summit.dr.topology.Topology;
import io.summit.dr.topology.TopologyLoader;
import io.summit.dr.topology.TopologyWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code summit-dr plan FILE}: prints, step by step, the failover plan that would run, with the
 * region and store each step acts on. Reads the file only; touches nothing.
 */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = {
      "Print the failover plan that would run for a region failure, step by step, with the region"
          + " and store each step acts on. Touches nothing."
    })
final class PlanCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "The topology file (YAML).")
  Path file;

  @Option(
      names = "--from",
      paramLabel = "REGION",
      description = "The failed region (default: the primary).")
  @Nullable String from;

  @Option(
      names = "--to",
      paramLabel = "REGION",
      description = "The region that takes over (default: the first secondary).")
  @Nullable String to;

  @Option(names = "--json", description = "Print the plan as JSON.")
  boolean json;

  @Override
  public Integer call() throws JsonProcessingException {
    Topology t = TopologyLoader.load(file);
    String failed = from == null ? t.primary().name() : from;
    String target = to == null ? t.secondaries().get(0).name() : to;
    List<PlannedStep> steps = FailoverOutline.of(t, failed, target);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("topology", t.name());
      doc.put("failed_region", failed);
      doc.put("target_region", target);
      doc.put("trigger", TopologyWriter.plain(t.failover().trigger()));
      doc.put("steps", TopologyWriter.plain(steps));
      doc.put("residency", t.residencyOnRegionFailure(failed, target));
      out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(doc));
      return 0;
    }
    out.printf(
        "Failover plan of '%s': %s fails, %s takes over (trigger: %s, cooldown %s)%n%n",
        t.name(),
        failed,
        target,
        TopologyWriter.plain(t.failover().trigger()),
        Durations.format(t.failover().cooldown()));
    Table table =
        new Table(
            "#", "step", "action", "region", "store", "parallel", "timeout", "retries", "gate");
    for (PlannedStep s : steps) {
      table.row(
          Integer.toString(s.order()),
          s.name(),
          String.valueOf(TopologyWriter.plain(s.action())),
          s.region(),
          storeLabel(s),
          s.group() == null ? "-" : s.group(),
          Durations.format(s.timeout()),
          Integer.toString(s.retries()),
          s.approval() ? "approval" : "-");
    }
    table.print(out);
    List<String> residency = t.residencyOnRegionFailure(failed, target);
    if (!residency.isEmpty()) {
      out.printf("%nData residency (what the failure of %s means for each class):%n", failed);
      residency.forEach(line -> out.println("  " + line));
    }
    out.printf(
        "%n%d steps; objectives: RPO %s, RTO %s. Nothing was changed.%n",
        steps.size(),
        Durations.format(t.objectives().rpo()),
        Durations.format(t.objectives().rto()));
    return 0;
  }

  private static String storeLabel(PlannedStep s) {
    return s.store() == null || s.storeKind() == null
        ? "-"
        : s.store() + " (" + TopologyWriter.plain(s.storeKind()) + ")";
  }
}
