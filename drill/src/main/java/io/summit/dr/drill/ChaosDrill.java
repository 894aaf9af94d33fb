package io.summit.dr.drill;

import io.summit.dr.drill.canary.Canary;
import io.summit.dr.drill.canary.RegisterWorkload;
import io.summit.dr.drill.chaos.FaultSet;
import io.summit.dr.drill.chaos.Schedule;
import io.summit.dr.drill.check.CheckResult;
import io.summit.dr.drill.check.HistoryChecks;
import io.summit.dr.drill.history.History;
import io.summit.dr.drill.history.HistoryFile;
import io.summit.dr.drill.history.Op;
import io.summit.dr.lab.Lab;
import io.summit.dr.lab.LabComponent;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The chaos drill: {@link Options#schedules} random schedules ({@link Schedule#draw}) against a
 * running lab. Each schedule starts from the drill's starting state (home region writing, every
 * component up: {@link Drill#prepare}), runs the canary and the register workload (recorded as a
 * history), injects its faults at their offsets, then heals every link and restarts every killed
 * component, waits for writes to recover and for plans to end, audits every store of the writer
 * region, and runs the history checkers. A violation prints the schedule, the seed and the window
 * of history that shows it.
 *
 * <p>Not thread-safe: one drill at a time per lab.
 */
public final class ChaosDrill {
  /**
   * @param maxFaults the most faults per schedule (each schedule draws 1..maxFaults)
   * @param recoveryLimit how long after the heal writes may take to recover before the schedule is
   *     reported as not recovered
   */
  public record Options(
      int schedules,
      long seed,
      int maxFaults,
      double writesPerSecond,
      double readsPerSecond,
      Duration recoveryLimit,
      Path reports,
      HistoryChecks.Settings checks) {
    public Options {
      if (schedules < 1) {
        throw new IllegalArgumentException("--schedules: " + schedules + " (expected: >= 1)");
      }
      if (maxFaults < 1 || maxFaults > 10) {
        throw new IllegalArgumentException("--max-faults: " + maxFaults + " (expected: 1..10)");
      }
    }

    public static Options defaults(int schedules, long seed) {
      return new Options(
          schedules,
          seed,
          3,
          50,
          50,
          Duration.ofSeconds(90),
          Path.of("reports"),
          HistoryChecks.Settings.defaults());
    }
  }

  /**
   * One fault of a schedule as it ran, and whether the lab refused it.
   *
   * @param atS when it took effect, in seconds from the schedule's start (the first link cut or
   *     kill, as the lab stamps it; a slowed link when the call returned)
   */
  public record FaultRun(double atS, String fault, @Nullable String error) {}

  /**
   * One schedule's run.
   *
   * @param healS when every link was healed and every killed component restarted
   * @param recoveredS when writes through the edge were acknowledged again after the heal (null:
   *     not within the recovery limit)
   * @param lostByCause the lost acknowledged writes by what explains them ({@code unexplained} when
   *     no fault of the schedule does)
   */
  public record ScheduleResult(
      int index,
      long seed,
      String schedule,
      List<FaultRun> faults,
      double healS,
      @Nullable Double recoveredS,
      double durationS,
      String writerBefore,
      String writerAfter,
      long ackedWrites,
      long lostWrites,
      Map<String, Long> lostByCause,
      HistoryChecks checks,
      List<String> notes) {
    public ScheduleResult {
      faults = List.copyOf(faults);
      lostByCause = Map.copyOf(lostByCause);
      notes = List.copyOf(notes);
    }

    /** Whether a checker found a violation (lost writes only when unexplained). */
    public boolean violated() {
      return lostByCause.getOrDefault(UNEXPLAINED, 0L) > 0
          || checks.results().stream()
              .anyMatch(c -> c.invalid() && !c.checker().equals("lost-writes"));
    }
  }

  static final String UNEXPLAINED = "unexplained";

  private final Lab lab;
  private final Options options;
  private final Drill.Progress progress;
  private final Drill drill;
  private final FaultSet faultSet;

  public ChaosDrill(Lab lab, Options options, Drill.Progress progress) {
    this.lab = lab;
    this.options = options;
    this.progress = progress;
    this.drill =
        new Drill(
            lab,
            new Drill.Options(
                Scenario.CHAOS,
                Duration.ofSeconds(5),
                Duration.ZERO,
                options.writesPerSecond(),
                options.readsPerSecond(),
                5,
                Duration.ofSeconds(2),
                options.reports(),
                10,
                options.checks()),
            progress);
    this.faultSet = faultSet(lab);
  }

  /** The faults this lab offers, from its components. */
  public static FaultSet faultSet(Lab lab) {
    List<LabComponent> all = lab.requireState().components();
    return new FaultSet(
        lab.layout().regions(),
        lab.layout().locations(),
        names(all, "postgres", "redis"),
        names(all, "etcd"),
        names(all, "agent"),
        all.stream().anyMatch(c -> c.kind().equals("orchestrator")),
        zones(lab));
  }

  /** By region, the two zones of the lab's multi-AZ stores (writer zone first). */
  private static Map<String, List<String>> zones(Lab lab) {
    Map<String, List<String>> out = new java.util.TreeMap<>();
    for (io.summit.dr.topology.Store st : lab.topology().stores()) {
      io.summit.dr.topology.MultiAz multiAz = st.multiAz();
      if (multiAz != null) {
        for (String region : multiAz.zones().keySet()) {
          out.putIfAbsent(region, List.of(multiAz.writerZone(region), multiAz.standbyZone(region)));
        }
      }
    }
    return out;
  }

  private static List<String> names(List<LabComponent> all, String... kinds) {
    Set<String> wanted = Set.of(kinds);
    return all.stream()
        .filter(c -> wanted.contains(c.kind()))
        .map(LabComponent::name)
        .sorted()
        .toList();
  }

  public FaultSet faults() {
    return faultSet;
  }

  /** Runs every schedule; {@code each} sees each result as it ends. */
  public List<ScheduleResult> run(Consumer<ScheduleResult> each) {
    drill.say(
        "chaos: seed "
            + options.seed()
            + ", "
            + options.schedules()
            + " schedules of 1.."
            + options.maxFaults()
            + " faults drawn from "
            + faultSet.kinds().stream().map(FaultSet.Kind::wireName).toList()
            + " (no zone faults: the lab has no zones)");
    List<ScheduleResult> out = new ArrayList<>();
    int failedPrepares = 0;
    for (int i = 1; i <= options.schedules(); i++) {
      Schedule s = Schedule.draw(options.seed(), i, faultSet, options.maxFaults());
      drill.say(s.describe());
      ScheduleResult r;
      try {
        r = runOne(s);
        failedPrepares = 0;
      } catch (DrillException e) {
        drill.say("chaos: schedule " + i + " could not run: " + e.getMessage());
        r = notRun(s, e.getMessage());
        if (++failedPrepares >= 2) {
          out.add(r);
          each.accept(r);
          drill.say("chaos: two schedules in a row could not run; stopping");
          break;
        }
      }
      out.add(r);
      each.accept(r);
    }
    return out;
  }

  private ScheduleResult notRun(Schedule s, @Nullable String why) {
    return new ScheduleResult(
        s.index(),
        s.seed(),
        s.describe(),
        List.of(),
        0,
        null,
        0,
        "",
        "",
        0,
        0,
        Map.of(),
        HistoryChecks.none(),
        List.of("NOT RUN: " + why));
  }

  private ScheduleResult runOne(Schedule s) {
    long started = System.nanoTime();
    drill.prepare();
    String runId = "chaos" + s.seed() + "s" + s.index() + "t" + Instant.now().toEpochMilli();
    History history = new History();
    List<String> notes = new ArrayList<>();
    try (Canary canary =
            new Canary(
                new Canary.Settings(
                    URI.create("http://" + lab.layout().edgeRouter()),
                    runId,
                    options.writesPerSecond(),
                    options.readsPerSecond(),
                    Duration.ofSeconds(2)),
                history);
        RegisterWorkload registers = new RegisterWorkload(drill.registerSettings(runId), history)) {
      drill.awaitSeedsEverywhere(canary.seed(5, Duration.ofSeconds(30)), canary.documentIds());
      canary.start();
      registers.start();
      park(2_000_000_000L);
      String writerBefore = drill.api().status().writerRegion();
      long t0 = System.nanoTime();
      Instant t0At = Instant.now();
      List<FaultRun> faults = inject(s, t0);
      parkUntil(t0 + (long) (s.endS() * 1e9));
      double healS = heal(t0, notes);
      Double recoveredS = awaitRecovery(canary, t0);
      if (recoveredS == null) {
        notes.add("writes did not recover within " + options.recoveryLimit().toSeconds() + "s");
      }
      park(2_000_000_000L);
      registers.stop();
      canary.stop();
      List<Op> ops = history.ops();
      String writerAfter = writer();
      List<String> problems = new ArrayList<>();
      Map<String, Set<String>> looked =
          StoreAudit.idsByStore(
              lab.topology().stores(), Drill.auditedIds(ops), canary.documentIds());
      Map<String, Set<String>> missing = drill.audit(writerAfter, looked, problems);
      problems.forEach(p -> notes.add("AUDIT INCOMPLETE: " + p));
      Path file =
          HistoryFile.write(
              ops,
              t0,
              t0At,
              options
                  .reports()
                  .resolve("chaos-seed" + s.seed() + "-schedule" + s.index() + ".history.jsonl")
                  .toAbsolutePath());
      HistoryChecks checks =
          HistoryChecks.run(
              ops, missing, looked, problems.isEmpty(), options.checks(), file.toString());
      List<Op> lost = lostWrites(ops, missing);
      Map<String, Long> byCause = new LinkedHashMap<>();
      if (!lost.isEmpty()) {
        // The loss window: how long before the fault that explains the loss (the writer
        // region's or store's kill; for a failover, the first fault) the oldest lost write was
        // acknowledged. An asynchronous loss explains it only inside the RPO budget.
        String cause = cause(s, writerBefore, writerAfter, faultSet);
        double at = causeAtS(s, faults, writerBefore, faultSet);
        List<String> synchronous = synchronousLosses(lab.topology().stores(), missing);
        if (cause.startsWith(ZONE_WINDOW) && !synchronous.isEmpty()) {
          notes.add(
              "lost writes in "
                  + synchronous
                  + ", whose zone standby is synchronous: not explained by "
                  + cause);
          cause = UNEXPLAINED;
        }
        double window = lossWindowS(lost, at, t0);
        double budget = lab.topology().objectives().rpo().toNanos() / 1e9;
        if (!cause.equals(UNEXPLAINED) && window > budget) {
          notes.add(
              String.format(
                  Locale.ROOT,
                  "lost writes acknowledged up to %.3f s before the fault at +%.3f s: beyond the"
                      + " RPO budget %.3f s, so not explained by %s",
                  window,
                  at,
                  budget,
                  cause));
          cause = UNEXPLAINED;
        }
        byCause.put(cause, (long) lost.size());
      }
      ScheduleResult r =
          new ScheduleResult(
              s.index(),
              s.seed(),
              s.describe(),
              faults,
              healS,
              recoveredS,
              (System.nanoTime() - started) / 1e9,
              writerBefore,
              writerAfter,
              ops.stream().filter(o -> o.f() == Op.F.WRITE && o.ok()).count(),
              lost.size(),
              byCause,
              checks,
              notes);
      sayResult(s, r, t0);
      return r;
    }
  }

  private List<FaultRun> inject(Schedule s, long t0) {
    List<FaultRun> out = new ArrayList<>();
    for (Schedule.Fault f : s.faults()) {
      parkUntil(t0 + (long) (f.atS() * 1e9));
      String error = null;
      long tookEffect = System.nanoTime();
      try {
        Instant effective = apply(f);
        tookEffect = System.nanoTime();
        if (effective != null) {
          // the instant it took effect (the first link cut or kill), placed on this clock: a
          // region's kill returns only once every process has exited, a second or more later
          tookEffect -= Duration.between(effective, Instant.now()).toNanos();
        }
      } catch (RuntimeException e) {
        error = e.getMessage() == null ? e.toString() : e.getMessage();
      }
      double at = Math.round((tookEffect - t0) / 1e6) / 1000.0;
      out.add(new FaultRun(at, f.describe(), error));
      drill.say(
          String.format(
              Locale.ROOT,
              "chaos: +%.3fs %s%s",
              at,
              f.describe(),
              error == null ? "" : " (lab refused: " + error + ")"));
    }
    return out;
  }

  /** Applies {@code f}; returns when it took effect as the lab stamped it (null: on return). */
  private @Nullable Instant apply(Schedule.Fault f) {
    List<String> t = f.targets();
    return switch (f.kind()) {
      case KILL_REGION -> lab.crashRegion(t.get(0)).tookEffect();
      case KILL_STORE, KILL_ETCD, KILL_AGENT -> lab.killComponent(t.get(0)).tookEffect();
      case KILL_ORCHESTRATOR_LEADER -> lab.killComponent(Lab.ORCHESTRATOR_LEADER).tookEffect();
      case PARTITION -> lab.partition(t.get(0), t.get(1)).tookEffect();
      case ISOLATE -> lab.isolate(t.get(0)).tookEffect();
      case SLOW_LINK -> {
        lab.slowLink(t.get(0), t.get(1), Duration.ofMillis(f.latencyMs()));
        yield null;
      }
      case KILL_ZONE -> lab.crashZone(t.get(0)).tookEffect();
      case PARTITION_ZONES -> lab.partitionZones(t.get(0), t.get(1)).tookEffect();
    };
  }

  private double heal(long t0, List<String> notes) {
    try {
      lab.heal();
      drill.restartDeadComponents();
    } catch (RuntimeException e) {
      notes.add("heal: " + e.getMessage());
    }
    double at = (System.nanoTime() - t0) / 1e9;
    drill.say(
        String.format(Locale.ROOT, "chaos: +%.3fs healed every link, restarted the dead", at));
    return Math.round(at * 1000) / 1000.0;
  }

  /** When a write issued after the heal was acknowledged, in seconds from T0; null: never. */
  private @Nullable Double awaitRecovery(Canary canary, long t0) {
    long healed = System.nanoTime();
    long deadline = healed + options.recoveryLimit().toNanos();
    Double[] at = new Double[1];
    Drill.parkUntil(
        deadline,
        () -> {
          for (var o : canary.recorded()) {
            if (o.kind() == io.summit.dr.drill.canary.Outcome.Kind.WRITE
                && o.ok()
                && o.issuedNanos() >= healed) {
              at[0] = Math.round((o.doneNanos() - t0) / 1e6) / 1000.0;
              return drill.noRunningPlan();
            }
          }
          return false;
        });
    return at[0];
  }

  private String writer() {
    String[] w = new String[1];
    Drill.parkUntil(
        System.nanoTime() + 30_000_000_000L,
        () -> {
          w[0] = drill.api().status().writerRegion();
          return true;
        });
    if (w[0] == null) {
      throw new DrillException("chaos: the orchestrator does not answer after the heal");
    }
    return w[0];
  }

  private static List<Op> lostWrites(List<Op> ops, Map<String, Set<String>> missing) {
    return ops.stream()
        .filter(o -> o.f() == Op.F.WRITE && o.ok())
        .filter(o -> missing.values().stream().anyMatch(m -> m.contains(o.key())))
        .toList();
  }

  /**
   * How long before {@code faultAtS} (seconds from the schedule's start) the oldest of {@code lost}
   * was acknowledged, in seconds (negative when every one of them was acknowledged after it: an old
   * writer that acknowledged on until it was fenced); 0 for none.
   */
  static double lossWindowS(List<Op> lost, double faultAtS, long t0Nanos) {
    return lost.stream()
        .mapToDouble(o -> faultAtS - (o.completeNanos() - t0Nanos) / 1e9)
        .max()
        .orElse(0);
  }

  /**
   * When the fault that {@link #cause} names took effect: the kill of the writer region or of one
   * of its stores; for a failover (or nothing), the first fault that took effect. {@code faults}
   * are {@code s}'s faults as they ran, in order.
   */
  static double causeAtS(Schedule s, List<FaultRun> faults, String writerBefore, FaultSet set) {
    for (int i = 0; i < s.faults().size() && i < faults.size(); i++) {
      Schedule.Fault f = s.faults().get(i);
      boolean kills =
          (f.kind() == FaultSet.Kind.KILL_REGION && f.targets().contains(writerBefore))
              || (f.kind() == FaultSet.Kind.KILL_STORE && f.targets().get(0).endsWith(writerBefore))
              || killsWriterZone(f, writerBefore, set);
      if (kills && faults.get(i).error() == null) {
        return faults.get(i).atS();
      }
    }
    return faults.stream()
        .filter(f -> f.error() == null)
        .mapToDouble(FaultRun::atS)
        .min()
        .orElse(0);
  }

  /**
   * What explains lost writes: the loss of the writer region's stores (a region or one of its
   * stores killed: asynchronous replication loses its window), else nothing.
   */
  static String cause(Schedule s, String writerBefore, String writerAfter, FaultSet set) {
    for (Schedule.Fault f : s.faults()) {
      if (killsWriterZone(f, writerBefore, set)) {
        return ZONE_WINDOW + f.targets().get(0);
      }
      if (f.kind() == FaultSet.Kind.KILL_REGION && f.targets().contains(writerBefore)) {
        return "asynchronous window: kill-region " + writerBefore;
      }
      if (f.kind() == FaultSet.Kind.KILL_STORE && f.targets().get(0).endsWith(writerBefore)) {
        return "asynchronous window: kill-store " + f.targets().get(0);
      }
    }
    if (!writerBefore.equals(writerAfter)) {
      return "asynchronous window: failover " + writerBefore + " -> " + writerAfter;
    }
    return UNEXPLAINED;
  }

  /** The cause of losses a zone's kill explains: only in its asynchronous stores (Redis). */
  static final String ZONE_WINDOW = "asynchronous window of the zone replicas: kill-zone ";

  private static boolean killsWriterZone(Schedule.Fault f, String writerBefore, FaultSet set) {
    return f.kind() == FaultSet.Kind.KILL_ZONE
        && set.regionOfZone(f.targets().get(0)).filter(writerBefore::equals).isPresent();
  }

  /**
   * The stores whose zone standby is synchronous and that miss acknowledged writes: a zone's loss
   * must lose nothing there, so those losses are never explained by it.
   */
  static List<String> synchronousLosses(
      List<io.summit.dr.topology.Store> stores, Map<String, Set<String>> missing) {
    return stores.stream()
        .filter(
            st ->
                st.multiAz() != null
                    && st.multiAz().standby() == io.summit.dr.topology.StandbyMode.SYNCHRONOUS
                    && !missing.getOrDefault(st.name(), Set.of()).isEmpty())
        .map(io.summit.dr.topology.Store::name)
        .toList();
  }

  private void sayResult(Schedule s, ScheduleResult r, long t0) {
    drill.say(
        String.format(
            Locale.ROOT,
            "chaos: schedule %d done in %.1fs: writer %s -> %s, lost %d of %d acked %s",
            r.index(),
            r.durationS(),
            r.writerBefore(),
            r.writerAfter(),
            r.lostWrites(),
            r.ackedWrites(),
            r.lostByCause()));
    for (CheckResult c : r.checks().results()) {
      drill.say("  check " + c.checker() + ": " + c.verdict() + ", " + c.summary());
      // Lost writes an asynchronous loss explains (inside the RPO budget) are counted and shown,
      // but they are what the topology accepts, not a violation.
      boolean explained =
          c.checker().equals(io.summit.dr.drill.check.LostWrites.NAME)
              && !r.lostByCause().containsKey(UNEXPLAINED);
      for (CheckResult.Violation v : c.examples()) {
        progress.step(
            (explained
                    ? "  LOST, explained by " + r.lostByCause().keySet() + " ("
                    : "  VIOLATION (")
                + "seed "
                + s.seed()
                + ", schedule "
                + s.index()
                + ": "
                + s.describe()
                + "): "
                + v.what());
        v.window().forEach(o -> progress.step("    " + o.describe(t0)));
      }
    }
  }

  private static void park(long nanos) {
    parkUntil(System.nanoTime() + nanos);
  }

  private static void parkUntil(long deadline) {
    long left;
    while ((left = deadline - System.nanoTime()) > 0) {
      LockSupport.parkNanos(left);
      if (Thread.currentThread().isInterrupted()) {
        throw new DrillException("interrupted");
      }
    }
  }
}
