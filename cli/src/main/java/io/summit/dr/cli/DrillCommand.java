package io.summit.dr.cli;

import io.summit.dr.drill.ChaosDrill;
import io.summit.dr.drill.ChaosReport;
import io.summit.dr.drill.Drill;
import io.summit.dr.drill.DrillMetrics;
import io.summit.dr.drill.DrillReport;
import io.summit.dr.drill.DrillResult;
import io.summit.dr.drill.Scenario;
import io.summit.dr.drill.check.CheckResult;
import io.summit.dr.drill.check.HistoryChecks;
import io.summit.dr.drill.check.Linearizability;
import io.summit.dr.drill.check.SplitBrain;
import io.summit.dr.lab.Lab;
import io.summit.dr.topology.TopologyLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code summit-dr drill}: injects a failure into the lab and measures write RTO, RPO, read
 * availability and split brain. Exit 1 when a safety result fails (a split-brain write, an
 * acknowledged write lost by a switchover or a failback, or one the surviving writer acknowledged,
 * a data residency violation), 0 otherwise: timing targets are reported, not enforced.
 */
@Command(
    name = "drill",
    mixinStandardHelpOptions = true,
    description = {
      "Run a drill against the lab in --dir (starting one from --config if none is up): the canary"
          + " writes and reads through the edge router, the fault is injected at T0, every"
          + " acknowledged write is checked in every store afterwards, and a JSON and an HTML"
          + " report are written per run under --reports.",
      "",
      "Scenarios: region-failure (SIGKILL the writer region, cut its links), zone-failure"
          + " (SIGKILL the writer region's writer zone: a multi-AZ store fails over inside the"
          + " region, examples/lab-zones.yaml), partition (cut the"
          + " link between the regions for half the window), switchover (planned), failback"
          + " (after a region failure it sets up first), isolate (cut the writer region from"
          + " every location for half the window), edge-isolation (cut it from the edge and the"
          + " witness, still linked to the other region), chaos (--schedules random fault"
          + " schedules from --seed).",
      "",
      "Every run records a history (JSON lines beside the report: invoke then ok/fail/info of"
          + " every canary and register operation, from the edge and from inside each region)"
          + " and checks it: lost acknowledged writes, split brain, linearizability of each"
          + " register key, stale reads beyond --stale-bound.",
      ""
    })
final class DrillCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin LabCommand.DirOption dir = new LabCommand.DirOption();

  @Option(
      names = "--scenario",
      required = true,
      paramLabel = "NAME",
      description =
          "region-failure, zone-failure, partition, switchover, failback, isolate,"
              + " edge-isolation or chaos.")
  String scenario;

  @Option(names = "--runs", paramLabel = "N", defaultValue = "1", description = "Runs (default 1).")
  int runs;

  @Option(
      names = "--json",
      description =
          "Print one JSON object per run on stdout (and a summary object after several runs);"
              + " progress goes to stderr.")
  boolean json;

  @CommandLine.Mixin DrillOptions drill = new DrillOptions();

  @Option(
      names = "--warmup",
      paramLabel = "DURATION",
      defaultValue = "5s",
      description =
          "Least canary time before T0; it runs on until write latency is steady, at most 60s"
              + " (default 5s).")
  String warmup;

  @Option(
      names = "--ramp-up",
      paramLabel = "DURATION",
      defaultValue = "0s",
      description =
          "Start the canary at a quarter of its rates, rising to the full rates over DURATION;"
              + " steadiness is judged after it (default 0s: full rates at once). For a lab whose"
              + " JVMs are cold.")
  String rampUp;

  @Option(
      names = "--write-rate",
      paramLabel = "N",
      defaultValue = "200",
      description = "Canary writes per second (default 200).")
  double writeRate;

  @Option(
      names = "--read-rate",
      paramLabel = "N",
      defaultValue = "200",
      description = "Canary reads per second (default 200).")
  double readRate;

  @Option(
      names = "--schedules",
      paramLabel = "N",
      defaultValue = "10",
      description = "chaos: how many random schedules (default 10).")
  int schedules;

  @Option(
      names = "--seed",
      paramLabel = "S",
      description = "chaos: the seed; the same seed replays the same schedules (default: random).")
  @Nullable Long seed;

  @Option(
      names = "--max-faults",
      paramLabel = "N",
      defaultValue = "3",
      description = "chaos: the most faults per schedule (default 3).")
  int maxFaults;

  @Option(
      names = "--kill-leader-at",
      paramLabel = "STEP",
      description =
          "region-failure: SIGKILL the orchestrator leader when the failover's step STEP starts"
              + " (as `summit-dr plan` names it: stop-writes, fence/postgres, promote/redis...);"
              + " the run fails unless the next leader finishes the plan, no ended step starts"
              + " again and no promotion is applied twice.")
  @Nullable String killLeaderAt;

  @Option(
      names = "--stale-bound",
      paramLabel = "DURATION",
      defaultValue = "5s",
      description = "A read behind the latest write by more than this is stale (default 5s).")
  String staleBound;

  @Override
  public Integer call() {
    Scenario s = Scenario.parse(scenario);
    if (s == Scenario.CHAOS) {
      return chaos();
    }
    if (runs < 1) {
      throw new IllegalArgumentException("--runs: " + runs + " (expected: >= 1)");
    }
    Drill.Options options = options(s);
    java.time.Duration ramp = DrillOptions.duration("--ramp-up", rampUp);
    if (ramp.isNegative()) {
      throw new IllegalArgumentException(
          "--ramp-up: '" + rampUp + "' (expected: a duration >= 0, such as 8s)");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter progressOut = json ? spec.commandLine().getErr() : out;
    Drill.Progress progress = Progress.to(progressOut);
    Lab lab = dir.lab();
    if (killLeaderAt != null) {
      // refused before a lab starts or a drill prepares
      Drill.requireFailoverStep(
          lab.state().isPresent() ? lab.topology() : TopologyLoader.load(drill.config),
          killLeaderAt);
    }
    ensureUp(lab, drill.config, progress);
    List<DrillResult> results = new ArrayList<>();
    for (int run = 1; run <= runs; run++) {
      progress.step("drill: " + s.wireName() + ", run " + run + " of " + runs);
      DrillResult r = new Drill(lab, options, progress).rampingUp(ramp).run(run);
      results.add(r);
      if (json) {
        out.println(DrillReport.summary(r).toString());
        out.flush();
      } else {
        printRun(out, r);
      }
    }
    if (runs > 1) {
      if (json) {
        out.println(DrillReport.summary(results).toString());
      } else {
        out.println(DrillReport.summary(results).toPrettyString());
      }
    }
    out.flush();
    return results.stream().allMatch(DrillCommand::safe) ? 0 : Main.FAILED;
  }

  private Drill.Options options(Scenario s) {
    return drill
        .options(s, DrillOptions.duration("--warmup", warmup), writeRate, readRate)
        .withChecks(checks())
        .withKillLeaderAt(killLeaderAt);
  }

  private HistoryChecks.Settings checks() {
    Duration bound = DrillOptions.duration("--stale-bound", staleBound);
    if (bound.isNegative() || bound.isZero()) {
      throw new IllegalArgumentException("--stale-bound: " + staleBound + " (expected: > 0)");
    }
    return new HistoryChecks.Settings(bound, HistoryChecks.Settings.defaults().limit());
  }

  /** {@code --scenario chaos}: exit 1 when a schedule shows a violation. */
  private Integer chaos() {
    long s = seed != null ? seed : new java.security.SecureRandom().nextLong() >>> 1;
    ChaosDrill.Options o =
        new ChaosDrill.Options(
            schedules,
            s,
            maxFaults,
            spec.commandLine().getParseResult().hasMatchedOption("--write-rate") ? writeRate : 50,
            spec.commandLine().getParseResult().hasMatchedOption("--read-rate") ? readRate : 50,
            Duration.ofSeconds(90),
            drill.reports,
            checks());
    PrintWriter out = spec.commandLine().getOut();
    Drill.Progress progress = Progress.to(json ? spec.commandLine().getErr() : out);
    Lab lab = dir.lab();
    ensureUp(lab, drill.config, progress);
    ChaosDrill chaos = new ChaosDrill(lab, o, progress);
    List<ChaosDrill.ScheduleResult> results =
        chaos.run(
            r -> {
              if (json) {
                out.println(ChaosReport.schedule(r).toString());
                out.flush();
              }
            });
    Path html = ChaosReport.write(drill.reports, s, chaos.faults(), results);
    var summary = ChaosReport.summary(s, chaos.faults(), results);
    summary.put("report", html.toString());
    out.println(json ? summary.toString() : summary.toPrettyString());
    out.flush();
    return results.stream().anyMatch(ChaosDrill.ScheduleResult::violated) ? Main.FAILED : 0;
  }

  /**
   * Starts a lab from {@code config} when none is up in the directory; brings back the components
   * of a lab that is partly down (a region the demo or a drill killed): its WAN links healed, every
   * component that is not running restarted, as a drill's preparation does.
   */
  static void ensureUp(Lab lab, Path config, Drill.Progress progress) {
    if (lab.isUp()) {
      return;
    }
    if (lab.state().isPresent()) {
      progress.step("lab: " + lab.dir() + " is partly down; healing the WAN links");
      long t = System.nanoTime();
      List<String> restarted = lab.restartStopped();
      progress.step(
          String.format(
              Locale.ROOT, "lab: restarted %s in %.1fs", restarted, (System.nanoTime() - t) / 1e9));
      return;
    }
    progress.step("lab: none is up in " + lab.dir() + "; starting one from " + config);
    lab.up(config, progress::step);
  }

  static boolean safe(DrillResult r) {
    return r.audited()
        && r.checks().violations(SplitBrain.NAME) == 0
        && r.checks().violations(Linearizability.NAME) == 0
        && r.metrics().splitBrainWrites() == 0
        && r.metrics().lostAckedBySurvivingWriter() == 0
        && (r.scenario() != Scenario.SWITCHOVER || r.metrics().lostWrites() == 0)
        && (r.scenario() != Scenario.FAILBACK || r.metrics().lostWrites() == 0)
        && (r.leaderKill() == null || r.leaderKill().problems().isEmpty())
        && (r.residency() == null || r.residency().violations() == 0);
  }

  static void printRun(PrintWriter out, DrillResult r) {
    var m = r.metrics();
    out.println();
    out.println(
        String.format(
            Locale.ROOT,
            "%s run %d: writer %s -> %s%s",
            r.scenario().wireName(),
            r.run(),
            r.writerBefore(),
            r.writerAfter(),
            r.plan() == null ? ", no plan" : ", plan " + r.plan().id() + " " + r.plan().state()));
    out.println(
        String.format(
            Locale.ROOT,
            "  write RTO          %s   (target <= 2 s; longest write pause %.3f s)",
            m.rtoWriteS() == null
                ? "not recovered"
                : String.format(Locale.ROOT, "%.3f s", m.rtoWriteS()),
            m.writePauseS()));
    out.println(
        String.format(
            Locale.ROOT,
            "  read availability  %.3f %%   (%d reads in the %.0f s window, %d failed; target >= 99.9 %%)",
            100 * m.readAvailability(),
            m.readsInWindow(),
            r.settings().windowS(),
            m.readsFailedInWindow()));
    out.println(
        String.format(
            Locale.ROOT,
            "  lost writes        %d of %d acknowledged writes missing afterwards %s",
            m.lostWrites(),
            m.ackedWrites(),
            m.lostByStore()));
    if (m.lostWrites() > 0) {
      out.println(
          String.format(
              Locale.ROOT,
              "                     acknowledged at %s s from T0 (%d of them after T0)",
              ackTimes(m),
              m.lostAckedAfterT0()));
    }
    out.println(
        String.format(
            Locale.ROOT,
            "  RPO window         %.3f s   (T0 minus the oldest lost acknowledgement; target <= 0.5 s)",
            m.rpoWindowS()));
    out.println(
        String.format(
            Locale.ROOT,
            "  split brain        %d writes   lost writes the surviving writer acknowledged %d"
                + "   (both must be 0)",
            m.splitBrainWrites(),
            m.lostAckedBySurvivingWriter()));
    for (DrillResult.Step s : r.steps()) {
      out.println(
          String.format(
              Locale.ROOT,
              "    %-22s %8s -> %8s  %s",
              s.name(),
              s.startS() == null ? "-" : String.format(Locale.ROOT, "%+.3fs", s.startS()),
              s.endS() == null ? "-" : String.format(Locale.ROOT, "%+.3fs", s.endS()),
              s.outcome() == null ? "" : s.outcome()));
    }
    for (DrillResult.Failure f : r.failures().stream().limit(6).toList()) {
      out.println(
          String.format(
              Locale.ROOT,
              "  failed %-5s x%-5d %+7.3fs .. %+7.3fs  %s",
              f.kind(),
              f.count(),
              f.firstS(),
              f.lastS(),
              f.error().length() > 110 ? f.error().substring(0, 110) + "..." : f.error()));
    }
    for (CheckResult c : r.checks().results()) {
      out.println(
          String.format(
              Locale.ROOT, "  check %-12s %-8s %s", c.checker(), c.verdict(), c.summary()));
    }
    r.notes().forEach(n -> out.println("  note               " + n));
    if (r.checks().history() != null) {
      out.println("  history            " + r.checks().history());
    }
    out.println("  report             " + r.reportHtml());
    out.flush();
  }

  /** The lost writes' acknowledgement times from T0, the first and last few when there are many. */
  static String ackTimes(DrillMetrics m) {
    List<String> all =
        m.lost().stream().map(l -> String.format(Locale.ROOT, "%+.3f", l.ackedS())).toList();
    if (all.size() <= 10) {
      return String.join(", ", all);
    }
    return String.join(", ", all.subList(0, 5))
        + ", ... "
        + String.join(", ", all.subList(all.size() - 5, all.size()));
  }

  /** Progress lines, and live lines: overwritten in a terminal, one in five printed otherwise. */
  static final class Progress implements Drill.Progress {
    private final PrintWriter out;
    private final boolean terminal = System.console() != null;
    private int lives;
    private boolean pending;

    private Progress(PrintWriter out) {
      this.out = out;
    }

    static Progress to(PrintWriter out) {
      return new Progress(out);
    }

    @Override
    public synchronized void step(String line) {
      if (pending) {
        out.print("\r\033[K");
        pending = false;
      }
      out.println(line);
      out.flush();
    }

    @Override
    public synchronized void live(String line) {
      if (terminal) {
        out.print("\r\033[K  " + line);
        pending = true;
        out.flush();
      } else if (lives++ % 5 == 0) {
        out.println("  " + line);
        out.flush();
      }
    }
  }
}
