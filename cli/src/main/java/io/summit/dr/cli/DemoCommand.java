package io.summit.dr.cli;

import io.summit.dr.drill.Drill;
import io.summit.dr.drill.DrillResult;
import io.summit.dr.drill.Scenario;
import io.summit.dr.lab.Lab;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code summit-dr demo}: the whole story on this machine: the two-region lab up (when it is not),
 * the canary, a region-failure drill, a failback drill, and a summary with the reports' paths.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Start the two-region lab (if it is not up), run the canary through the edge router, kill"
          + " the writer region and measure the automatic failover (write RTO, RPO, read"
          + " availability, split brain), then fail back and measure that, and print a summary"
          + " with the reports' paths. The lab stays up afterwards ('summit-dr lab down' stops"
          + " it).",
      ""
    })
final class DemoCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin LabCommand.DirOption dir = new LabCommand.DirOption();

  @CommandLine.Mixin DrillOptions drill = new DrillOptions();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    // Options first: a bad one is refused before anything starts.
    Drill.Options failoverOptions = drill.options(Scenario.REGION_FAILURE);
    Drill.Options failbackOptions = drill.options(Scenario.FAILBACK);
    long start = System.nanoTime();
    DrillCommand.Progress progress = DrillCommand.Progress.to(out);
    Lab lab = dir.lab();
    progress.step("== 1/3  the lab: two regions on this machine");
    DrillCommand.ensureUp(lab, drill.config, progress);
    if (lab.state().isPresent() && lab.isUp()) {
      progress.step("lab: up in " + lab.dir() + " (summit-dr lab status shows every component)");
    }
    progress.step("== 2/3  region failure: kill the writer region under load");
    DrillResult failover = new Drill(lab, failoverOptions, progress).run(1);
    DrillCommand.printRun(out, failover);
    progress.step("== 3/3  failback: return the writer to its home region");
    DrillResult failback = new Drill(lab, failbackOptions, progress).run(1);
    DrillCommand.printRun(out, failback);
    summary(out, failover, failback, (System.nanoTime() - start) / 1e9);
    return DrillCommand.safe(failover) && DrillCommand.safe(failback) ? 0 : Main.FAILED;
  }

  private static void summary(
      PrintWriter out, DrillResult failover, DrillResult failback, double seconds) {
    var f = failover.metrics();
    var b = failback.metrics();
    out.println();
    out.println(
        String.format(
            Locale.ROOT,
            "Summit DR demo: done in %dm%02ds",
            (int) seconds / 60,
            (int) seconds % 60));
    out.println(
        String.format(
            Locale.ROOT,
            "  region failure (%s killed, writer -> %s): write RTO %s, read availability %.3f %%,"
                + " lost %d of %d acknowledged writes (RPO window %.3f s), split brain %d",
            failover.writerBefore(),
            failover.writerAfter(),
            rto(f.rtoWriteS()),
            100 * f.readAvailability(),
            f.lostWrites(),
            f.ackedWrites(),
            f.rpoWindowS(),
            f.splitBrainWrites()));
    out.println(
        String.format(
            Locale.ROOT,
            "  failback (writer %s -> %s): write pause %.3f s (RTO %s, counting the rejoin before it),"
                + " read availability %.3f %%, lost %d of %d, split brain %d",
            failback.writerBefore(),
            failback.writerAfter(),
            b.writePauseS(),
            rto(b.rtoWriteS()),
            100 * b.readAvailability(),
            b.lostWrites(),
            b.ackedWrites(),
            b.splitBrainWrites()));
    out.println("  targets: write RTO <= 2 s, RPO window <= 0.5 s, reads >= 99.9 %, split brain 0");
    out.println("  reports: " + failover.reportHtml());
    out.println("           " + failback.reportHtml());
    out.println("  the lab is still up: ./summit-dr lab status | ./summit-dr lab down");
    out.flush();
  }

  private static String rto(@org.jspecify.annotations.Nullable Double s) {
    return s == null ? "not recovered" : String.format(Locale.ROOT, "%.3f s", s);
  }
}
