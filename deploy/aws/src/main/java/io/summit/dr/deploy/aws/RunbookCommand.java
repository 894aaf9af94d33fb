package io.summit.dr.deploy.aws;

import io.summit.dr.cloud.aws.AwsTargets;
import io.summit.dr.cloud.aws.Runbook;
import io.summit.dr.cloud.aws.RunbookFormat;
import io.summit.dr.orchestrator.plan.PlanKind;
import io.summit.dr.topology.Topology;
import io.summit.dr.topology.TopologyLoader;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code summit-dr aws runbook --config FILE --from REGION --to REGION [--kind KIND] --dry-run
 * [--json]}: the ordered AWS API calls of a plan with their parameters, printed and not made. Runs
 * offline with no credentials; a real run is the orchestrator's, through the same adapters.
 */
@Command(
    name = "runbook",
    mixinStandardHelpOptions = true,
    description = {
      "Print the ordered AWS API calls of a failover, switchover or failback (dry run: nothing is"
          + " called, no credentials needed).",
      "Calls marked * change something; the others observe. Each store step acts only when what"
          + " it observes is not already the target state."
    })
final class RunbookCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--config", required = true, paramLabel = "FILE", description = "Topology file.")
  Path config;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "REGION",
      description = "Current writer region.")
  String from;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "REGION",
      description = "New writer region.")
  String to;

  @Option(
      names = "--kind",
      paramLabel = "KIND",
      defaultValue = "failover",
      description = "failover (default), switchover or failback.")
  String kind = "failover";

  @Option(names = "--dry-run", description = "Print the calls without making them (required).")
  boolean dryRun;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Option(
      names = "--account",
      paramLabel = "ID",
      description = "AWS account id of the resources (ARNs).")
  @Nullable String account;

  @Option(
      names = "--hosted-zone-id",
      paramLabel = "ID",
      description = "Route 53 zone id (else looked up by name).")
  @Nullable String hostedZoneId;

  @Option(
      names = "--aurora",
      paramLabel = "STORE",
      split = ",",
      description = "Postgres stores that are Aurora Global Databases.")
  List<String> aurora = List.of();

  @Override
  public Integer call() {
    if (!dryRun) {
      throw new IllegalArgumentException(
          "--dry-run: missing (expected: --dry-run; a real run is the orchestrator's, it is not"
              + " started from here)");
    }
    PlanKind k = kind(kind);
    Topology topology = TopologyLoader.load(config);
    AwsTargets targets = AwsTargets.defaults(topology).withHostedZoneId(hostedZoneId);
    if (account != null) {
      targets =
          new AwsTargets(
              topology,
              account,
              targets.zoneName(),
              hostedZoneId,
              targets.writeHost(),
              targets.bucketPrefix(),
              targets.namespace(),
              targets.aurora(),
              null);
    }
    targets = targets.withAurora(new LinkedHashSet<>(aurora));
    Runbook runbook = Runbook.of(targets, k, from, to);
    spec.commandLine()
        .getOut()
        .print(
            json
                ? RunbookFormat.json(runbook) + System.lineSeparator()
                : RunbookFormat.text(runbook));
    spec.commandLine().getOut().flush();
    return 0;
  }

  static PlanKind kind(String text) {
    try {
      return PlanKind.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--kind: '" + text + "' (expected: failover, switchover or failback)", e);
    }
  }
}
