package io.summit.dr.cli;

import io.summit.dr.lab.LabSnapshots;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code summit-dr lab snapshot STORE [--restore ID [--region R]]}: takes a snapshot of a Neo4j
 * store on its primary, or restores one onto its replicas (then they replay from its sequence).
 */
@Command(
    name = "snapshot",
    mixinStandardHelpOptions = true,
    description =
        "Take a snapshot of a Neo4j store on its primary, or restore one onto its replicas"
            + " (--restore ID), which then replay the primary's changes from it.")
final class LabSnapshotCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin LabCommand.DirOption dir = new LabCommand.DirOption();
  @CommandLine.Mixin JsonOption json = new JsonOption();

  @Parameters(index = "0", paramLabel = "STORE", description = "A neo4j store, e.g. neo4j.")
  String store = "";

  @Option(names = "--restore", paramLabel = "ID", description = "Restore this snapshot.")
  @Nullable String restore;

  @Option(
      names = "--region",
      paramLabel = "REGION",
      description = "With --restore: only this region's node (default: every replica).")
  @Nullable String region;

  @Override
  public Integer call() {
    LabSnapshots snapshots = new LabSnapshots(dir.lab());
    PrintWriter out = spec.commandLine().getOut();
    if (restore == null) {
      if (region != null) {
        throw new IllegalArgumentException("--region: only with --restore");
      }
      LabSnapshots.Answer taken = snapshots.take(store);
      if (json.enabled) {
        JsonOption.print(spec, new Report(store, "take", null, List.of(taken)));
      } else {
        out.println(taken.component() + ": " + taken.body());
      }
    } else {
      List<LabSnapshots.Answer> restored = snapshots.restore(store, restore, region);
      if (json.enabled) {
        JsonOption.print(spec, new Report(store, "restore", restore, restored));
      } else {
        restored.forEach(a -> out.println(a.component() + ": restored " + a.body()));
      }
    }
    return 0;
  }

  /**
   * What {@code lab snapshot --json} prints: the store, the action ({@code take} or {@code
   * restore}), the snapshot restored (null for take), and each node's answer: the component and
   * what its admin API said (the snapshot's manifest, or what the restore did), as JSON.
   */
  record Report(
      String store, String action, @Nullable String snapshot, List<LabSnapshots.Answer> nodes) {}
}
