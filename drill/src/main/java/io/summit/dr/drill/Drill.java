package io.summit.dr.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.access.BearerToken;
import io.summit.dr.drill.canary.Canary;
import io.summit.dr.drill.canary.Outcome;
import io.summit.dr.drill.canary.RegisterWorkload;
import io.summit.dr.drill.check.CheckResult;
import io.summit.dr.drill.check.HistoryChecks;
import io.summit.dr.drill.check.Linearizability;
import io.summit.dr.drill.check.SplitBrain;
import io.summit.dr.drill.history.History;
import io.summit.dr.drill.history.HistoryFile;
import io.summit.dr.drill.history.Op;
import io.summit.dr.lab.Lab;
import io.summit.dr.lab.LabAccess;
import io.summit.dr.lab.LabComponent;
import io.summit.dr.lab.LabLayout;
import io.summit.dr.lab.residency.ResidencyCheck;
import io.summit.dr.orchestrator.Events;
import io.summit.dr.orchestrator.client.ControlClient;
import io.summit.dr.orchestrator.client.ControlClientException;
import io.summit.dr.orchestrator.client.PlanRequest;
import io.summit.dr.orchestrator.client.StoreStatus;
import io.summit.dr.orchestrator.plan.PlanStatus;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.topology.FailoverOutline;
import io.summit.dr.topology.PlannedStep;
import io.summit.dr.topology.Store;
import io.summit.dr.topology.StoreKind;
import io.summit.dr.topology.Topology;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A drill against a running lab: it brings the lab to the scenario's starting state (the home
 * region writing, every component up, both regions serving), seeds and starts the canary through
 * the edge router, injects the fault at T0, follows the recovery for the read window, then checks
 * every acknowledged write in every store of the writer region and computes the metrics ({@link
 * DrillMetrics}). Each run writes a JSON and an HTML report. A region killed by the drill is
 * restarted at the end (its old primary comes back fenced); the next run's preparation fails it
 * back.
 *
 * <p>Not thread-safe: one drill at a time per lab.
 */
public final class Drill {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REQUESTED_BY = "summit-dr drill";

  /** The longest warm-up: past it the fault is injected whether write latency is steady or not. */
  static final Duration WARMUP_LIMIT = Duration.ofSeconds(60);

  /**
   * @param window the read-availability window after T0, which is also how long the canary runs
   *     after T0 (the design's definition uses 60 s)
   * @param warmup how long the canary runs at least before T0; it runs on until write latency is
   *     steady (at most {@link #WARMUP_LIMIT})
   * @param reports where the reports go
   * @param killLeaderAt a failover step: the orchestrator leader is killed (SIGKILL) when that step
   *     starts, to show the next leader finishes the plan; null for none
   * @param documentsPerSecond with an objects or a neo4j store in the topology, how many of the
   *     canary's writes per second also write a document and a graph node (0: every one, the
   *     service's default), at most {@code writesPerSecond}; without one, nothing. Default: a tenth
   *     of the writes ({@link #DOCUMENT_SHARE}): the lab's object store slows down as its keys
   *     accumulate
   */
  public record Options(
      Scenario scenario,
      Duration window,
      Duration warmup,
      double writesPerSecond,
      double readsPerSecond,
      int seeds,
      Duration requestTimeout,
      Path reports,
      double registerOpsPerSecond,
      HistoryChecks.Settings checks,
      @Nullable String killLeaderAt,
      double documentsPerSecond) {

    /** The share of the canary's writes that write a document by default. */
    public static final double DOCUMENT_SHARE = 0.1;

    /** With documents for the default share of the writes. */
    public Options(
        Scenario scenario,
        Duration window,
        Duration warmup,
        double writesPerSecond,
        double readsPerSecond,
        int seeds,
        Duration requestTimeout,
        Path reports,
        double registerOpsPerSecond,
        HistoryChecks.Settings checks,
        @Nullable String killLeaderAt) {
      this(
          scenario,
          window,
          warmup,
          writesPerSecond,
          readsPerSecond,
          seeds,
          requestTimeout,
          reports,
          registerOpsPerSecond,
          checks,
          killLeaderAt,
          DOCUMENT_SHARE * writesPerSecond);
    }

    /** Without a leader kill. */
    public Options(
        Scenario scenario,
        Duration window,
        Duration warmup,
        double writesPerSecond,
        double readsPerSecond,
        int seeds,
        Duration requestTimeout,
        Path reports,
        double registerOpsPerSecond,
        HistoryChecks.Settings checks) {
      this(
          scenario,
          window,
          warmup,
          writesPerSecond,
          readsPerSecond,
          seeds,
          requestTimeout,
          reports,
          registerOpsPerSecond,
          checks,
          null);
    }

    /** These options with reads counted over {@code window} after T0. */
    public Options withWindow(Duration window) {
      return new Options(
          scenario,
          window,
          warmup,
          writesPerSecond,
          readsPerSecond,
          seeds,
          requestTimeout,
          reports,
          registerOpsPerSecond,
          checks,
          killLeaderAt,
          documentsPerSecond);
    }

    /** With the register workload at 10 operations/s per client and the checkers' defaults. */
    public Options(
        Scenario scenario,
        Duration window,
        Duration warmup,
        double writesPerSecond,
        double readsPerSecond,
        int seeds,
        Duration requestTimeout,
        Path reports) {
      this(
          scenario,
          window,
          warmup,
          writesPerSecond,
          readsPerSecond,
          seeds,
          requestTimeout,
          reports,
          10,
          HistoryChecks.Settings.defaults());
    }

    /** The same options with other checker settings. */
    public Options withChecks(HistoryChecks.Settings other) {
      return new Options(
          scenario,
          window,
          warmup,
          writesPerSecond,
          readsPerSecond,
          seeds,
          requestTimeout,
          reports,
          registerOpsPerSecond,
          other,
          killLeaderAt,
          documentsPerSecond);
    }

    /**
     * The same options, with the orchestrator leader killed when the failover's step {@code step}
     * starts (region-failure only).
     */
    public Options withKillLeaderAt(@Nullable String step) {
      return new Options(
          scenario,
          window,
          warmup,
          writesPerSecond,
          readsPerSecond,
          seeds,
          requestTimeout,
          reports,
          registerOpsPerSecond,
          checks,
          step,
          documentsPerSecond);
    }

    /**
     * The same options with {@code perSecond} of the canary's writes writing a document (with an
     * objects store).
     */
    public Options withDocumentsPerSecond(double perSecond) {
      return new Options(
          scenario,
          window,
          warmup,
          writesPerSecond,
          readsPerSecond,
          seeds,
          requestTimeout,
          reports,
          registerOpsPerSecond,
          checks,
          killLeaderAt,
          perSecond);
    }

    /**
     * The design's drill: 60 s window, 5 s warm-up, 200 writes/s (20 of them with a document, with
     * an objects store) and 200 reads/s.
     */
    public static Options defaults(Scenario scenario) {
      return new Options(
          scenario,
          Duration.ofSeconds(60),
          Duration.ofSeconds(5),
          200,
          200,
          20,
          Duration.ofSeconds(2),
          Path.of("reports"));
    }

    public Options {
      if (killLeaderAt != null && scenario != Scenario.REGION_FAILURE) {
        throw new IllegalArgumentException(
            "--kill-leader-at: not with --scenario "
                + scenario.wireName()
                + " (expected: --scenario region-failure)");
      }
      if (window.compareTo(Duration.ofSeconds(5)) < 0) {
        throw new IllegalArgumentException(
            "--window: " + window.toMillis() + "ms (expected: >= 5s)");
      }
      if (warmup.isNegative()) {
        throw new IllegalArgumentException("--warmup: negative (expected: >= 0s)");
      }
      if (seeds < 1) {
        throw new IllegalArgumentException("seeds: " + seeds + " (expected: >= 1)");
      }
      if (!(documentsPerSecond >= 0 && documentsPerSecond <= writesPerSecond)) {
        throw new IllegalArgumentException(
            "--documents-per-second: "
                + documentsPerSecond
                + " (expected: >= 0 and <= the write rate "
                + writesPerSecond
                + ")");
      }
    }
  }

  /** How the drill tells a person what it does: step lines, and a live line that may overwrite. */
  public interface Progress {
    void step(String line);

    void live(String line);
  }

  private final Lab lab;
  private final Options options;
  private final Progress progress;
  private final Topology topology;
  private final LabLayout layout;
  private final ControlClient api;
  private final String home;
  private final long startedNanos = System.nanoTime();
  private Duration rampUp = Duration.ZERO;

  public Drill(Lab lab, Options options, Progress progress) {
    this.lab = lab;
    this.options = options;
    this.progress = progress;
    this.topology = lab.topology();
    this.layout = lab.layout();
    this.api =
        ControlClient.of(
            orchestratorReplicas(lab, layout),
            ControlClient.Settings.defaults(),
            LabAccess.token(lab.dir(), LabAccess.DRILL),
            io.summit.dr.lab.LabTls.trust(lab.dir()));
    this.home = topology.primary().name();
    if (topology.services().isEmpty() || !topology.lab().edgeRouter()) {
      throw new IllegalArgumentException(
          "topology: the lab runs no service behind an edge router (expected: a service and"
              + " lab.edge_router: true, as in examples/lab.yaml)");
    }
  }

  /** Every orchestrator replica the lab runs (the layout's one before the lab has started). */
  private static List<URI> orchestratorReplicas(Lab lab, LabLayout layout) {
    List<URI> recorded =
        lab.state().stream()
            .flatMap(s -> s.components().stream())
            .filter(c -> c.kind().equals("orchestrator"))
            .map(io.summit.dr.lab.LabTls::base)
            .toList();
    return recorded.isEmpty()
        ? List.of(
            URI.create(
                io.summit.dr.lab.LabTls.scheme(lab.dir(), "orchestrator")
                    + "://"
                    + layout.orchestrator()))
        : recorded;
  }

  ControlClient api() {
    return api;
  }

  void say(String line) {
    progress.step(String.format(Locale.ROOT, "[%6.1fs] %s", elapsed(), line));
  }

  private double elapsed() {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  /** Runs the drill once; {@code run} numbers the report. */
  public DrillResult run(int run) {
    return run(run, true);
  }

  /**
   * Runs the drill once; {@code run} numbers the report. With {@code restartAfter} false a killed
   * region is left down (the next drill's preparation restarts it).
   */
  public DrillResult run(int run, boolean restartAfter) {
    String runId = "drill" + Instant.now().toEpochMilli() + "r" + run;
    prepare();
    String writerBefore = api.status().writerRegion();
    String other = otherRegion(writerBefore);
    History history = new History();
    Canary.@Nullable Pinned pinned = Canary.Pinned.of(topology.residency());
    try (Canary canary =
            new Canary(
                new Canary.Settings(
                    URI.create("http://" + layout.edgeRouter()),
                    runId,
                    options.writesPerSecond(),
                    options.readsPerSecond(),
                    options.requestTimeout(),
                    rampUp,
                    hasObjects() || hasGraph() ? options.documentsPerSecond() : 0,
                    pinned),
                history);
        RegisterWorkload registers = new RegisterWorkload(registerSettings(runId), history)) {
      if (pinned != null) {
        say(
            "canary: one in "
                + pinned.every()
                + " writes and reads pinned to data class "
                + pinned.dataClass()
                + " ("
                + pinned.header()
                + ": "
                + pinned.tenant()
                + ", ids "
                + pinned.tenant()
                + "-...)");
      }
      say(
          "canary: seeding "
              + options.seeds()
              + " records through the edge router "
              + layout.edgeRouter());
      List<Canary.Seed> seeds = canary.seed(options.seeds(), Duration.ofSeconds(30));
      awaitSeedsEverywhere(seeds, canary.documentIds());
      say(
          String.format(
              Locale.ROOT,
              "canary: %.0f writes/s%s + %.0f reads/s%s; warming up for at least %ds, until write"
                  + " latency is steady",
              options.writesPerSecond(),
              (hasObjects() || hasGraph()) && options.documentsPerSecond() > 0
                  ? String.format(
                      Locale.ROOT,
                      " (%.0f with a %s)",
                      options.documentsPerSecond(),
                      hasObjects() && hasGraph()
                          ? "document and a graph node"
                          : hasObjects() ? "document" : "graph node")
                  : "",
              options.readsPerSecond(),
              rampUp.isZero()
                  ? ""
                  : String.format(
                      Locale.ROOT,
                      " (ramping up from %.0f %% over %ds: the lab's JVMs are cold)",
                      100 * Canary.RAMP_FLOOR,
                      rampUp.toSeconds()),
              Math.max(options.warmup().toSeconds(), rampUp.toSeconds())));
      canary.start();
      registers.start();
      long warmStart = System.nanoTime();
      WarmUp warm = warmUp(canary, warmStart);
      int plansBefore = plansNow();

      @Nullable LeaderKill leaderKill = armLeaderKill(writerBefore, other);
      long asked = System.nanoTime();
      Fault fault = inject(writerBefore, other);
      long t0 = fault.tookEffectNanos();
      Instant t0At = fault.tookEffectAt();
      say(
          String.format(
              Locale.ROOT,
              "T0: %s (took effect %.3fs after it was injected)",
              fault.description(),
              (t0 - asked) / 1e9));
      Followed followed = follow(canary, t0, plansBefore, writerBefore, other);
      @Nullable String planId = followed.planId();
      Duration window = followed.window();
      registers.stop();
      List<Outcome> recorded = canary.stop();
      List<Op> ops = history.ops();
      say("canary: stopped; " + recorded.size() + " requests recorded");
      // Pinned requests the router refused for residency are counted in the residency figures,
      // not as unavailability: the availability figures stay comparable with runs without them.
      List<Outcome> outcomes = servable(recorded);

      List<String> notes = new ArrayList<>();
      PlanStatus plan = null;
      if (planId != null) {
        try {
          plan = awaitPlanEnd(planId, Duration.ofSeconds(120));
        } catch (DrillException e) {
          // The history is still audited and checked: a wedged plan is a finding, not a reason
          // to lose the run.
          notes.add("PLAN DID NOT END: " + e.getMessage());
          say("plan " + planId + " did not end; auditing and checking the history anyway");
        }
      }
      LeaderKill.@Nullable Result leaderKilled = null;
      if (leaderKill != null) {
        try {
          // the API can say the plan ended a moment before the watch delivers the end
          parkUntil(System.nanoTime() + Duration.ofSeconds(5).toNanos(), leaderKill::planEnded);
          leaderKilled = leaderKill.result();
        } finally {
          leaderKill.close();
        }
        notes.add(describe(leaderKilled));
        say(describe(leaderKilled));
      }
      String writerAfter = safeWriter(writerBefore);
      List<String> auditProblems = new ArrayList<>();
      Map<String, Set<String>> looked =
          resident(
              StoreAudit.idsByStore(topology.stores(), auditedIds(ops), canary.documentIds()),
              writerAfter,
              notes);
      Map<String, Set<String>> missing = audit(writerAfter, looked, auditProblems);
      @Nullable ResidencyFigures residency = residency(recorded, pinned);
      @Nullable ZoneFigures zones = ZoneFigures.of(outcomes);
      Path historyFile =
          HistoryFile.write(
              ops,
              t0,
              t0At,
              DrillReport.historyPath(options.reports(), t0At, options.scenario(), run));
      HistoryChecks checks =
          HistoryChecks.run(
              ops,
              missing,
              looked,
              auditProblems.isEmpty(),
              options.checks(),
              historyFile.toString());
      say("history: " + ops.size() + " operations in " + historyFile);
      checks
          .results()
          .forEach(c -> say("check " + c.checker() + ": " + c.verdict() + ", " + c.summary()));
      DrillMetrics metrics =
          DrillMetrics.compute(outcomes, t0, window, missing, writerBefore, writerAfter);
      auditProblems.forEach(p -> notes.add("AUDIT INCOMPLETE: " + p));
      if (plan == null && options.scenario() == Scenario.REGION_FAILURE) {
        notes.add("no plan ran: the writer region was not failed over (see the events)");
      }
      for (CheckResult c : checks.results()) {
        if (c.verdict() != CheckResult.Verdict.VALID) {
          notes.add(
              "CHECK "
                  + c.checker()
                  + " "
                  + c.verdict()
                  + ": "
                  + c.summary()
                  + explanation(c, metrics, writerBefore, writerAfter));
        }
      }
      if (residency != null) {
        notes.add(
            (residency.violations() > 0 ? "RESIDENCY VIOLATED: " : "")
                + residency.line()
                + (residency.samples().isEmpty() ? "" : "; " + residency.samples()));
      }
      if (zones != null) {
        notes.add(zones.line());
        say(zones.line());
      }
      if (options.scenario() == Scenario.ZONE_FAILURE) {
        notes.add(
            plan == null && writerAfter.equals(writerBefore)
                ? "no regional failover: the writer region stayed "
                    + writerAfter
                    + "; "
                    + lab.zoneFailovers(writerAfter)
                : "A REGIONAL FAILOVER RAN for a zone's loss: writer region "
                    + writerBefore
                    + " -> "
                    + writerAfter
                    + (plan == null ? "" : " (plan " + plan.id() + ")"));
      }
      if (options.scenario() == Scenario.PARTITION) {
        notes.add(
            plan == null
                ? "no plan ran: the partition raised an alert and did not fail over"
                : "a plan ran during a partition: " + plan.id());
      }
      DrillResult result =
          new DrillResult(
              options.scenario(),
              run,
              t0At,
              new DrillResult.Settings(
                  options.writesPerSecond(),
                  options.readsPerSecond(),
                  window.toMillis() / 1000.0,
                  DrillMetrics.seconds(t0 - warmStart),
                  warm.steady(),
                  warm.p99Ms(),
                  layout.edgeRouter().toString(),
                  lab.dir().toString()),
              writerBefore,
              writerAfter,
              plan == null ? null : summary(plan),
              metrics,
              plan == null ? List.of() : steps(plan, t0At),
              events(t0At, Duration.ofNanos(t0 - warmStart)),
              Timeline.of(
                  outcomes,
                  t0,
                  -Math.ceil((t0 - warmStart) / 1e9),
                  window.toMillis() / 1000.0 + 2,
                  0.5),
              failures(outcomes, t0),
              notes,
              auditProblems.isEmpty(),
              Path.of(""),
              Path.of(""),
              checks,
              leaderKilled,
              residency,
              zones);
      DrillResult written = DrillReport.write(result, options.reports());
      say(
          "report: "
              + written.reportHtml()
              + String.format(
                  Locale.ROOT,
                  " (write RTO %s, read availability %.3f%%, lost %d of %d acknowledged"
                      + " writes, split brain %d, history split brain %d, non-linearizable keys"
                      + " %d%s)",
                  metrics.rtoWriteS() == null
                      ? "not recovered"
                      : String.format(Locale.ROOT, "%.2fs", metrics.rtoWriteS()),
                  100 * metrics.readAvailability(),
                  metrics.lostWrites(),
                  metrics.ackedWrites(),
                  metrics.splitBrainWrites(),
                  checks.violations(SplitBrain.NAME),
                  checks.violations(Linearizability.NAME),
                  residency == null ? "" : ", residency violations " + residency.violations()));
      if (restartAfter) {
        recover(writerBefore);
      }
      return written;
    }
  }

  // ---- preparation ------------------------------------------------------------------------

  /** Brings the lab to the scenario's starting state. */
  void prepare() {
    if (!lab.state().isPresent()) {
      throw new DrillException("no lab in " + lab.dir() + ": start one with 'summit-dr lab up'");
    }
    awaitNoPlan();
    restartDeadComponents();
    boolean wantHome = options.scenario() != Scenario.FAILBACK;
    String writer = awaitLeadersWriter();
    if (wantHome && !writer.equals(home)) {
      say("prepare: writer region is " + writer + "; failing back to " + home + " first");
      awaitServing(false);
      PlanStatus plan = api.request(PlanRequest.failback(REQUESTED_BY));
      PlanStatus done = awaitPlanEnd(plan.id(), Duration.ofSeconds(180));
      requireSucceeded(done, "prepare: failback");
    }
    if (!wantHome && writer.equals(home)) {
      say("prepare: a failback needs a failed-over lab: killing " + home + " (not measured)");
      awaitServing(true);
      int before = api.plans().size();
      lab.killRegion(home);
      String id = awaitNewPlan(before, Duration.ofSeconds(30));
      requireSucceeded(awaitPlanEnd(id, Duration.ofSeconds(60)), "prepare: failover");
      restartDeadComponents();
    }
    awaitServing(wantHome);
    if (options.scenario() == Scenario.REGION_FAILURE || options.scenario() == Scenario.ISOLATE) {
      awaitFailoverCooldown();
    }
  }

  /**
   * Waits out the failover cooldown after the last automatic plan (one a previous run or another
   * drill's fault started): until it passes the orchestrator suppresses the next automatic
   * failover, and the drill would measure a suppressed failover. In CI a history drill's isolation
   * started one whose fence timed out and rolled back, and the region-failure drill 27 s later met
   * "failover-suppressed" and no plan.
   */
  private void awaitFailoverCooldown() {
    Duration cooldown = topology.failover().cooldown();
    java.time.Instant last = null;
    for (PlanStatus p : api.plans()) {
      if (p.requestedBy().startsWith("detector") && (last == null || p.startedAt().isAfter(last))) {
        last = p.startedAt();
      }
    }
    if (last == null) {
      return;
    }
    // the orchestrator's own instant of the plan is a little after its recorded start
    java.time.Instant until = last.plus(cooldown).plusSeconds(1);
    Duration left = Duration.between(java.time.Instant.now(), until);
    if (left.isNegative() || left.isZero()) {
      return;
    }
    say(
        String.format(
            Locale.ROOT,
            "prepare: waiting %.1fs for the failover cooldown (%s after the automatic plan of %s)",
            left.toMillis() / 1e3,
            cooldown,
            last));
    while (java.time.Instant.now().isBefore(until)) {
      LockSupport.parkNanos(Duration.between(java.time.Instant.now(), until).toNanos());
    }
  }

  private void requireSucceeded(PlanStatus plan, String what) {
    if (!"succeeded".equals(plan.state())) {
      throw new DrillException(
          what + ": plan " + plan.id() + " " + plan.state() + ": " + plan.detail());
    }
    say(what + ": plan " + plan.id() + " succeeded");
  }

  /**
   * Brings back a region a previous run killed: its WAN links healed and every component that is
   * not running restarted.
   */
  /**
   * The writer region, once an orchestrator replica leads: a restart of killed components (a chaos
   * schedule's orchestrator leader among them) leaves the replicas electing for a moment, and each
   * answers 503 meanwhile (a history drill right after the chaos drill met it in CI).
   */
  private String awaitLeadersWriter() {
    String[] writer = {null};
    boolean led =
        parkUntil(
            System.nanoTime() + Duration.ofSeconds(30).toNanos(),
            () -> {
              writer[0] = api.status().writerRegion(); // a 503 is asked again (parkUntil)
              return true;
            });
    if (!led || writer[0] == null) {
      throw new DrillException(
          "prepare: no orchestrator replica leads after 30s; see summit-dr status");
    }
    return writer[0];
  }

  void restartDeadComponents() {
    long t = System.nanoTime();
    List<String> restarted = lab.restartStopped();
    if (restarted.isEmpty()) {
      return;
    }
    say(
        String.format(
            Locale.ROOT,
            "prepare: healed the WAN links, restarted %s in %.1fs",
            restarted,
            (System.nanoTime() - t) / 1e9));
  }

  void awaitNoPlan() {
    boolean idle =
        parkUntil(System.nanoTime() + Duration.ofSeconds(180).toNanos(), this::noRunningPlan);
    if (!idle) {
      throw new DrillException("prepare: a plan is still running after 180s; see summit-dr status");
    }
  }

  boolean noRunningPlan() {
    for (PlanStatus p : api.plans()) {
      if (p.endedAt() == null) {
        return false;
      }
    }
    return true;
  }

  /**
   * Waits until both regions serve: the edge router has a healthy region for each and every store
   * node answers; when {@code replicated}, every node outside the writer region is also a replica
   * that has caught up (after a failover the old primary is fenced until the failback rejoins it).
   */
  private void awaitServing(boolean replicated) {
    StringBuilder last = new StringBuilder();
    boolean ok =
        parkUntil(
            System.nanoTime() + Duration.ofSeconds(90).toNanos(),
            () -> {
              last.setLength(0);
              last.append(servingProblems(replicated));
              return last.length() == 0;
            });
    if (!ok) {
      throw new DrillException("prepare: the lab is not serving after 90s: " + last);
    }
  }

  private String servingProblems(boolean replicated) {
    List<String> problems = new ArrayList<>();
    try {
      JsonNode routing =
          JSON.readTree(
              get(
                  io.summit.dr.lab.LabTls.url(lab.dir(), "router", layout.edgeRouterAdmin())
                      .resolve("/v1/routing")));
      for (JsonNode r : routing.path("regions")) {
        // Before a failback only the writer region serves: the other's stores are stale.
        boolean expected = replicated || r.path("writer").asBoolean();
        if (expected && !r.path("healthy").asBoolean()) {
          problems.add("router: region " + r.path("name").asText() + " not healthy");
        }
      }
    } catch (IOException e) {
      problems.add("router: " + e.getMessage());
    }
    io.summit.dr.orchestrator.client.Status status = api.status();
    // A plan asked for now is refused while detection still counts a region failed (it recovers a
    // few probes after its restart, or after a blip of a loaded machine).
    status
        .regions()
        .forEach(
            (region, view) -> {
              if (view.path("failed").asBoolean()) {
                problems.add("detection: " + region + " still declared failed");
              }
            });
    if (replicated) {
      problems.addAll(lab.zoneStandbyProblems());
      problems.addAll(lab.zoneSpreadProblems());
    }
    for (StoreStatus s : status.stores()) {
      String role = s.role();
      boolean writer = s.region().equals(status.writerRegion());
      if (role.equals("unknown")) {
        problems.add(s.name() + "@" + s.region() + " unreachable");
      } else if (!replicated) {
        continue;
      } else if (writer ? !role.equals("primary") : !role.equals("replica")) {
        problems.add(s.name() + "@" + s.region() + " is " + role);
      } else if (!writer && lagsOverBudget(s)) {
        problems.add(
            s.name()
                + "@"
                + s.region()
                + " lags "
                + (s.lagSeconds() == null ? "?" : s.lagSeconds())
                + " s (a failover would be refused over the RPO budget)");
      }
    }
    return String.join("; ", problems);
  }

  /** A replica whose lag is unknown or over its store's RPO budget. */
  private boolean lagsOverBudget(StoreStatus node) {
    Double lag = node.lagSeconds();
    Store store = topology.store(node.name()).orElse(null);
    return store == null || lag == null || lag * 1000 > store.rpoBudget().toMillis();
  }

  private String get(URI url) throws IOException {
    HttpClient http =
        io.summit.dr.access.Tls.client(
            Duration.ofSeconds(1), io.summit.dr.lab.LabTls.trust(lab.dir()));
    HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2));
    BearerToken token = LabAccess.token(lab.dir(), LabAccess.DRILL);
    try {
      HttpResponse<String> r =
          http.send(
              (token == null ? b : token.sign(b)).build(), HttpResponse.BodyHandlers.ofString());
      return r.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /**
   * Waits until every seed is in every store node that serves reads (the writer's and its
   * replicas'; not a fenced old primary), so that reads after T0 find them wherever they go; in an
   * objects store, every seed among {@code documentIds} (the canary's seeds always are) except a
   * pinned one whose document a data class holds: it stays in the class's regions (where the writer
   * region put it), and reads do not read documents.
   */
  void awaitSeedsEverywhere(List<Canary.Seed> seeds, Set<String> documentIds) {
    Set<String> unpinnedDocuments = new java.util.HashSet<>(documentIds);
    unpinnedDocuments.removeIf(
        id ->
            topology.residency().classes().stream()
                .anyMatch(c -> c.holdsObject(StoreAudit.documentKey(id), Map.of())));
    Map<String, Set<String>> ids =
        StoreAudit.idsByStore(
            topology.stores(), seeds.stream().map(Canary.Seed::id).toList(), unpinnedDocuments);
    // The serving nodes are read again on every look: an old primary that has just come back
    // still shows as a primary until supervision fences it, and then no longer serves.
    boolean ok =
        parkUntil(
            System.nanoTime() + Duration.ofSeconds(20).toNanos(),
            () -> {
              for (StoreStatus n : api.status().stores()) {
                if (!n.role().equals("primary") && !n.role().equals("replica")) {
                  continue;
                }
                Store s = topology.store(n.name()).orElseThrow();
                if (!StoreAudit.missing(
                        s,
                        n.region(),
                        layout.store(s.kind(), n.region()),
                        Objects.requireNonNull(ids.get(s.name())))
                    .isEmpty()) {
                  return false;
                }
              }
              return true;
            });
    if (!ok) {
      throw new DrillException("prepare: the seeded records did not reach every region in 20s");
    }
  }

  // ---- warm-up ----------------------------------------------------------------------------

  /**
   * Starts the canary at a quarter of its rates, rising to the full rates over {@code ramp}; the
   * warm-up judges steadiness only after it. For a lab whose JVMs are cold: at the full rates from
   * the first second, answers that take seconds pile up (open loop: hundreds of requests in flight,
   * as many connections through the router and the WAN links), and the queue itself keeps the lab
   * slow for tens of seconds.
   *
   * @return this drill
   */
  public Drill rampingUp(Duration ramp) {
    if (ramp.isNegative()) {
      throw new IllegalArgumentException("ramp-up: " + ramp + " (expected: >= 0)");
    }
    this.rampUp = ramp;
    return this;
  }

  /**
   * Runs the canary for the warm-up: at least {@link Options#warmup}, then until write latency is
   * steady ({@link WarmUp}) or {@link #WARMUP_LIMIT} has passed; says which, with the figures.
   */
  private WarmUp warmUp(Canary canary, long canaryStart) {
    // Steadiness is judged at the full rates only: after the ramp-up, if any.
    long start = canaryStart + rampUp.toNanos();
    parkUntil(canaryStart + Math.max(options.warmup().toNanos(), rampUp.toNanos()), () -> false);
    long settled = options.requestTimeout().toNanos();
    WarmUp warm = WarmUp.of(canary.recorded(), System.nanoTime() - settled, start);
    while (!warm.steady() && System.nanoTime() - canaryStart < WARMUP_LIMIT.toNanos()) {
      progress.live(
          String.format(
              Locale.ROOT,
              "warm-up +%4.1fs  %s: not steady yet",
              (System.nanoTime() - canaryStart) / 1e9,
              warm.describe()));
      LockSupport.parkNanos(1_000_000_000L);
      warm = WarmUp.of(canary.recorded(), System.nanoTime() - settled, start);
    }
    say(
        String.format(
            Locale.ROOT,
            warm.steady()
                ? "warm-up: write latency steady after %.1fs (%s)"
                : "warm-up: write latency NOT steady after %.1fs (%s); injecting the fault anyway",
            (System.nanoTime() - canaryStart) / 1e9,
            warm.describe()));
    return warm;
  }

  // ---- fault and recovery -----------------------------------------------------------------

  /**
   * With {@code --kill-leader-at STEP}: checks that STEP is a step of the failover plan from {@code
   * writer} to {@code other} and watches the journal for it, on the etcd members outside {@code
   * writer} (the region the drill kills).
   */
  private @Nullable LeaderKill armLeaderKill(String writer, String other) {
    String step = options.killLeaderAt();
    if (step == null) {
      return null;
    }
    requireFailoverStep(topology, step);
    List<Endpoint> etcd =
        layout.etcdLocations().stream()
            .filter(l -> !l.equals(writer))
            .map(layout::etcdClient)
            .toList();
    LeaderKill k = LeaderKill.arm(lab, step, etcd, topology.name());
    say("armed: the orchestrator leader is killed when step " + step + " starts");
    return k;
  }

  /**
   * Checks that {@code step} is a step id of {@code topology}'s failover plan (the ids do not
   * depend on the direction), before anything starts.
   *
   * @throws IllegalArgumentException naming {@code --kill-leader-at} and the steps it may name
   */
  public static void requireFailoverStep(Topology topology, String step) {
    List<String> steps = FailoverOutline.ofDefault(topology).stream().map(PlannedStep::id).toList();
    if (!steps.contains(step)) {
      throw new IllegalArgumentException(
          "--kill-leader-at: '"
              + step
              + "' is not a failover step (expected: one of "
              + steps
              + ")");
    }
  }

  /** One line on the leader kill: what was killed when, and what each leader journaled. */
  static String describe(LeaderKill.Result r) {
    StringBuilder b = new StringBuilder("leader kill at " + r.step() + ": ");
    if (r.killed() == null) {
      b.append("not killed");
    } else {
      b.append(
          String.format(
              Locale.ROOT,
              "%s SIGKILLed %.1f ms after the step's journaled start",
              r.killed(),
              r.killedAfterStepStartMs() == null ? Double.NaN : r.killedAfterStepStartMs()));
    }
    b.append("; plan ").append(r.planEnd() == null ? "did not end" : r.planEnd());
    r.steps()
        .forEach(
            (name, c) -> {
              if (c.starts() > 1 || name.startsWith("promote/") || name.equals(r.step())) {
                b.append("; ").append(name).append(" started ").append(c.starts()).append("x");
                c.ends()
                    .forEach((o, n) -> b.append(", ").append(o).append(" ").append(n).append("x"));
              }
            });
    b.append(r.problems().isEmpty() ? "; OK" : "; PROBLEMS: " + String.join("; ", r.problems()));
    return b.toString();
  }

  private String otherRegion(String region) {
    return layout.regions().stream()
        .filter(r -> !r.equals(region))
        .findFirst()
        .orElseThrow(() -> new DrillException("the lab has one region; a drill needs two"));
  }

  /** What was injected and when it took effect (T0). */
  private record Fault(String description, long tookEffectNanos, Instant tookEffectAt) {
    /** The lab's fault, stamped on the wall clock, placed on this process's monotonic clock too. */
    static Fault of(String description, io.summit.dr.lab.Fault injected) {
      long ago = java.time.Duration.between(injected.tookEffect(), Instant.now()).toNanos();
      return new Fault(description, System.nanoTime() - ago, injected.tookEffect());
    }

    /** A plan requested of the orchestrator: it took effect when the request was accepted. */
    static Fault accepted(String description) {
      return new Fault(description, System.nanoTime(), Instant.now());
    }
  }

  /** Injects the scenario's fault; returns what was done and when it took effect. */
  private Fault inject(String writer, String other) {
    return switch (options.scenario()) {
      case REGION_FAILURE -> {
        io.summit.dr.lab.Fault killed = lab.crashRegion(writer);
        yield Fault.of(
            "killed region "
                + writer
                + " (WAN links cut, SIGKILL to "
                + killed.killed().stream().map(LabComponent::name).toList()
                + ")",
            killed);
      }
      case ZONE_FAILURE -> {
        String zone =
            lab.writerZone(writer)
                .orElseThrow(
                    () ->
                        new DrillException(
                            "zone-failure: the writer region "
                                + writer
                                + " has no multi-AZ store (expected: a topology whose postgres"
                                + " store has multi_az, e.g. examples/lab-zones.yaml)"));
        io.summit.dr.lab.Fault killed = lab.crashZone(zone);
        yield Fault.of(
            "killed zone "
                + zone
                + " of "
                + writer
                + " (SIGKILL to "
                + killed.killed().stream().map(LabComponent::name).toList()
                + ")",
            killed);
      }
      case PARTITION ->
          Fault.of(
              "cut the link "
                  + writer
                  + " <-> "
                  + other
                  + " (both regions stay reachable from the edge)",
              lab.partition(writer, other));
      case ISOLATE ->
          Fault.of("isolated " + writer + " (cut from every other location)", lab.isolate(writer));
      case EDGE_ISOLATION -> edgeIsolation(writer, other);
      case CHAOS -> throw new DrillException("chaos: run through ChaosDrill, not Drill");
      case SWITCHOVER ->
          Fault.accepted(
              "requested switchover to "
                  + other
                  + ": plan "
                  + api.request(PlanRequest.switchover(other, REQUESTED_BY)).id());
      case FAILBACK ->
          Fault.accepted(
              "requested failback to "
                  + home
                  + ": plan "
                  + api.request(PlanRequest.failback(REQUESTED_BY)).id());
    };
  }

  /** Cuts the writer region from the edge and the witness; T0 is the first cut. */
  private Fault edgeIsolation(String writer, String other) {
    io.summit.dr.lab.Fault first = lab.partition(writer, "edge");
    List<String> cut = new ArrayList<>(List.of("edge"));
    for (String location : layout.locations()) {
      if (!location.equals(writer) && !location.equals(other) && !location.equals("edge")) {
        lab.partition(writer, location);
        cut.add(location);
      }
    }
    return Fault.of("cut " + writer + " from " + cut + " (still linked to " + other + ")", first);
  }

  /**
   * Follows the recovery until the window ends, with a live line every second; heals a partition
   * half-way. Returns the id of the plan the fault caused, if any.
   */
  /**
   * What the drill followed after T0: the plan it saw start (if any) and how long the canary ran.
   */
  private record Followed(@Nullable String planId, Duration window) {}

  /** How long the canary runs on after a planned move's plan ended (writes after it count). */
  static final Duration AFTER_PLAN = Duration.ofSeconds(5);

  /** How far past the window the canary waits for a planned move's plan to end. */
  static final Duration PLAN_GRACE = Duration.ofSeconds(120);

  /**
   * Follows the run for the window after T0, printing a line a second. A switchover or failback is
   * followed until its plan has ended (plus {@link #AFTER_PLAN}; at most {@link #PLAN_GRACE} past
   * the window), whatever the window: a failback's rejoin of the home region can take longer than
   * the window, and a window that closed before the writer moved measured nothing of the move (a
   * demo's failback once reported a write pause of 0 s with its switch 35 s after T0).
   */
  private Followed follow(
      Canary canary, long t0, int plansBefore, String writerBefore, String other) {
    long end = t0 + options.window().toNanos();
    long latest = end + PLAN_GRACE.toNanos();
    boolean planned =
        options.scenario() == Scenario.SWITCHOVER || options.scenario() == Scenario.FAILBACK;
    boolean extending = false;
    long healAt = t0 + options.window().toNanos() / 2;
    boolean healed = !options.scenario().healsHalfWay();
    String planId = null;
    String lastWriter = writerBefore;
    long nextLine = t0;
    Canary.Totals before = canary.totals();
    while (true) {
      long now = System.nanoTime();
      List<PlanStatus> plans = safePlans();
      if (planId == null && plans != null && plans.size() > plansBefore) {
        planId = plans.get(plans.size() - 1).id();
      }
      if (now >= end) {
        if (!planned || now >= latest) {
          break;
        }
        @Nullable PlanStatus p = planId == null ? null : find(plans, planId);
        @Nullable Instant endedAt = p == null ? null : p.endedAt();
        if (endedAt != null) {
          if (Duration.between(endedAt, Instant.now()).compareTo(AFTER_PLAN) >= 0) {
            break;
          }
          extending = true;
        } else if (!extending) {
          extending = true;
          say(
              String.format(
                  Locale.ROOT,
                  "+%.1fs: the window is over and plan %s has not ended (%s): the canary runs on"
                      + " until %s after it ends (at most %ds more)",
                  (now - t0) / 1e9,
                  planId == null ? "(none seen yet)" : planId,
                  planId == null ? "-" : planState(plans, planId),
                  AFTER_PLAN.toSeconds() + " s",
                  PLAN_GRACE.toSeconds()));
        }
      }
      if (!healed && now >= healAt) {
        lab.heal();
        healed = true;
        say(String.format(Locale.ROOT, "+%.1fs: link healed", (now - t0) / 1e9));
      }
      if (now >= nextLine) {
        Canary.Totals t = canary.totals();
        String writer = safeWriter(lastWriter);
        if (!writer.equals(lastWriter)) {
          say(
              String.format(
                  Locale.ROOT, "+%.1fs: writer region is now %s", (now - t0) / 1e9, writer));
          lastWriter = writer;
        }
        progress.live(
            String.format(
                Locale.ROOT,
                "+%4.1fs  writes %4d ok %3d failed   reads %4d ok %3d failed   writer %s%s",
                (now - t0) / 1e9,
                t.writesOk() - before.writesOk(),
                t.writesFailed() - before.writesFailed(),
                t.readsOk() - before.readsOk(),
                t.readsFailed() - before.readsFailed(),
                writer,
                planId == null ? "" : "   plan " + planId + " " + planState(plans, planId)));
        before = t;
        nextLine += 1_000_000_000L;
      }
      LockSupport.parkNanos(100_000_000L);
    }
    long ran = System.nanoTime() - t0;
    Duration window =
        extending ? Duration.ofSeconds((ran + 999_999_999L) / 1_000_000_000L) : options.window();
    return new Followed(planId, window);
  }

  private static @Nullable PlanStatus find(@Nullable List<PlanStatus> plans, String id) {
    if (plans != null) {
      for (PlanStatus p : plans) {
        if (p.id().equals(id)) {
          return p;
        }
      }
    }
    return null;
  }

  /**
   * How many plans the orchestrator knows, asked until a replica leads (a leader election after a
   * loaded warm-up must not end the run).
   */
  private int plansNow() {
    int[] n = {-1};
    parkUntil(
        System.nanoTime() + Duration.ofSeconds(30).toNanos(),
        () -> {
          List<PlanStatus> plans = safePlans();
          n[0] = plans == null ? -1 : plans.size();
          return plans != null;
        });
    if (n[0] < 0) {
      throw new DrillException("no orchestrator replica leads after 30s: cannot inject the fault");
    }
    return n[0];
  }

  private @Nullable List<PlanStatus> safePlans() {
    try {
      return api.plans();
    } catch (ControlClientException e) {
      return null;
    }
  }

  private String safeWriter(String fallback) {
    try {
      return api.status().writerRegion();
    } catch (ControlClientException e) {
      return fallback;
    }
  }

  private static String planState(@Nullable List<PlanStatus> plans, String id) {
    if (plans == null) {
      return "";
    }
    for (PlanStatus p : plans) {
      if (p.id().equals(id)) {
        if (p.endedAt() != null) {
          return p.state();
        }
        for (PlanStatus.StepStatus s : p.steps()) {
          if ("running".equals(s.state())) {
            return "at " + s.id();
          }
        }
        return p.state();
      }
    }
    return "";
  }

  private String awaitNewPlan(int before, Duration timeout) {
    String[] id = new String[1];
    boolean ok =
        parkUntil(
            System.nanoTime() + timeout.toNanos(),
            () -> {
              List<PlanStatus> plans = safePlans();
              if (plans != null && plans.size() > before) {
                id[0] = plans.get(plans.size() - 1).id();
                return true;
              }
              return false;
            });
    if (!ok || id[0] == null) {
      throw new DrillException("no plan started within " + timeout.toSeconds() + "s");
    }
    return id[0];
  }

  private PlanStatus awaitPlanEnd(String id, Duration timeout) {
    PlanStatus[] last = new PlanStatus[1];
    boolean ok =
        parkUntil(
            System.nanoTime() + timeout.toNanos(),
            () -> {
              last[0] = api.plan(id);
              return last[0].endedAt() != null;
            });
    if (!ok) {
      throw new DrillException(
          "plan " + id + " did not end within " + timeout.toSeconds() + "s: " + last[0]);
    }
    return last[0];
  }

  /** After a region failure, the killed region comes back (its old primary fenced on return). */
  private void recover(String writerBefore) {
    if (options.scenario() == Scenario.ZONE_FAILURE) {
      say("recover: restarting the killed zone (its agent rejoins its node as the standby)");
      restartDeadComponents();
    }
    if (options.scenario() == Scenario.REGION_FAILURE) {
      say(
          "recover: restarting "
              + writerBefore
              + " (it rejoins as a replica at the next failback)");
      restartDeadComponents();
    }
  }

  // ---- audit and report -------------------------------------------------------------------

  /**
   * Per store, which of the writes it was looked in for ({@code ids}, from {@link
   * StoreAudit#idsByStore}) its node in the writer region does not hold.
   */
  Map<String, Set<String>> audit(
      String writer, Map<String, Set<String>> ids, List<String> problems) {
    Map<String, Set<String>> missing = new LinkedHashMap<>();
    for (Store s : topology.stores()) {
      Set<String> looked = Objects.requireNonNull(ids.get(s.name()), s.name());
      try {
        missing.put(
            s.name(), StoreAudit.missing(s, writer, layout.store(s.kind(), writer), looked));
      } catch (DrillException e) {
        // No failover happened and the writer region is gone, say: nothing to read the writes
        // from. The run is reported, its loss unknown, and it counts as failed.
        problems.add(
            e.getMessage() + "; the " + looked.size() + " acknowledged writes are unchecked");
        missing.put(s.name(), Set.of());
      }
    }
    say(
        "audit: acknowledged and failed writes checked in the writer region "
            + writer
            + ": "
            + missing.entrySet().stream()
                .map(
                    e ->
                        e.getKey()
                            + " missing "
                            + e.getValue().size()
                            + " of "
                            + Objects.requireNonNull(ids.get(e.getKey())).size())
                .toList());
    return missing;
  }

  /** The outcomes without the pinned requests the router refused for data residency. */
  static List<Outcome> servable(List<Outcome> outcomes) {
    return outcomes.stream().filter(o -> o.dataClass() == null || !o.refusedByResidency()).toList();
  }

  /**
   * {@code looked} without the writes the writer region's nodes must not hold under data residency
   * ({@link StoreAudit#resident}); a note says how many were left out of the audit.
   */
  private Map<String, Set<String>> resident(
      Map<String, Set<String>> looked, String writer, List<String> notes) {
    Map<String, Set<String>> kept =
        StoreAudit.resident(topology.stores(), looked, writer, topology.residency());
    kept.forEach(
        (store, ids) -> {
          int left = Objects.requireNonNull(looked.get(store)).size() - ids.size();
          if (left > 0) {
            notes.add(
                left
                    + " writes not looked for in "
                    + store
                    + "@"
                    + writer
                    + ": their data class keeps them out of "
                    + writer
                    + " (data residency), so they are neither lost nor present there");
          }
        });
    return kept;
  }

  /**
   * With data classes in the topology: the pinned requests judged, then every store node inspected
   * for data outside its class's regions ({@link ResidencyCheck}; a node that cannot be read, as a
   * killed region's, is unchecked, not clean). Null without classes.
   */
  private @Nullable ResidencyFigures residency(
      List<Outcome> recorded, Canary.@Nullable Pinned pinned) {
    if (topology.residency().classes().isEmpty()) {
      return null;
    }
    ResidencyFigures served =
        ResidencyFigures.of(
            recorded, topology.residency(), pinned == null ? null : pinned.dataClass());
    ResidencyFigures figures;
    try {
      figures =
          served.withCheck(
              ResidencyCheck.check(
                  topology, (store, region) -> layout.store(store.kind(), region)));
    } catch (RuntimeException e) {
      figures = served.withCheckFailed(e.toString());
    }
    say("residency: " + figures.line());
    return figures;
  }

  private boolean hasObjects() {
    return topology.stores().stream().anyMatch(s -> s.kind() == StoreKind.OBJECTS);
  }

  private boolean hasGraph() {
    return topology.stores().stream().anyMatch(s -> s.kind() == StoreKind.NEO4J);
  }

  /**
   * The entity writes of the history an audit must look for: the acknowledged ones (must be there)
   * and the failed ones (must not be).
   */
  static List<String> auditedIds(List<Op> ops) {
    return ops.stream()
        .filter(o -> o.f() == Op.F.WRITE && o.type() != Op.Type.INFO)
        .map(Op::key)
        .distinct()
        .toList();
  }

  /**
   * The register workload: three keys, a client at the edge and one inside each region (calling a
   * ready instance of the region's service directly).
   */
  RegisterWorkload.Settings registerSettings(String runId) {
    Map<String, java.util.function.Supplier<@Nullable URI>> clients = new LinkedHashMap<>();
    URI edge = URI.create("http://" + layout.edgeRouter());
    clients.put("edge", () -> edge);
    for (String region : layout.regions()) {
      clients.put(
          region,
          new RegionInstances(
              io.summit.dr.lab.LabTls.url(lab.dir(), "cluster", layout.cluster(region)),
              LabAccess.token(lab.dir(), LabAccess.DRILL),
              io.summit.dr.lab.LabTls.trust(lab.dir())));
    }
    return new RegisterWorkload.Settings(
        runId,
        3,
        options.registerOpsPerSecond(),
        options.requestTimeout(),
        runId.hashCode(),
        clients);
  }

  /** Failed requests grouped by kind and error (digits folded, so ports and ids group). */
  static List<DrillResult.Failure> failures(List<Outcome> outcomes, long t0) {
    final class Group {
      final String kind;
      final String error;
      long count;
      long first = Long.MAX_VALUE;
      long last = Long.MIN_VALUE;

      Group(String kind, String error) {
        this.kind = kind;
        this.error = error;
      }
    }
    Map<String, Group> groups = new LinkedHashMap<>();
    for (Outcome o : outcomes) {
      if (o.ok()) {
        continue;
      }
      String error = o.error() == null ? "status " + o.status() : o.error();
      String kind = o.kind().name().toLowerCase(Locale.ROOT);
      Group g =
          groups.computeIfAbsent(
              kind + "|" + error.replaceAll("[0-9]+", "N"), k -> new Group(kind, error));
      long at = o.issuedNanos() - t0;
      g.count++;
      g.first = Math.min(g.first, at);
      g.last = Math.max(g.last, at);
    }
    return groups.values().stream()
        .map(
            g ->
                new DrillResult.Failure(
                    g.kind,
                    g.error,
                    g.count,
                    DrillMetrics.seconds(g.first),
                    DrillMetrics.seconds(g.last)))
        .sorted(java.util.Comparator.comparingDouble(DrillResult.Failure::firstS))
        .toList();
  }

  private static DrillResult.PlanSummary summary(PlanStatus plan) {
    return new DrillResult.PlanSummary(
        plan.id(), plan.kind().name(), plan.state(), plan.forced(), plan.detail());
  }

  private static List<DrillResult.Step> steps(PlanStatus plan, Instant t0) {
    double offset = (plan.startedAt().toEpochMilli() - t0.toEpochMilli()) / 1000.0;
    List<DrillResult.Step> out = new ArrayList<>();
    for (PlanStatus.StepStatus s : plan.steps()) {
      Double start = s.startS();
      Double end = s.endS();
      out.add(
          new DrillResult.Step(
              s.id(),
              s.action(),
              s.region(),
              start == null ? null : round(offset + start),
              end == null ? null : round(offset + end),
              s.outcome(),
              s.detail()));
    }
    return out;
  }

  private List<DrillResult.Event> events(Instant t0, Duration warmup) {
    List<DrillResult.Event> out = new ArrayList<>();
    Instant from = t0.minus(warmup);
    for (Events.Event e : api.recentEvents()) {
      Instant at = e.at();
      if (at.isBefore(from)) {
        continue;
      }
      out.add(
          new DrillResult.Event(
              round((at.toEpochMilli() - t0.toEpochMilli()) / 1000.0),
              e.type(),
              JSON.valueToTree(e.data()).toString()));
    }
    return out;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /**
   * Parks in 50 ms steps until {@code done} holds or the deadline passes; false on the deadline.
   */
  static boolean parkUntil(long deadlineNanos, BooleanSupplier done) {
    while (true) {
      try {
        if (done.getAsBoolean()) {
          return true;
        }
      } catch (DrillException | ControlClientException e) {
        // not answering yet: ask again until the deadline
      }
      if (System.nanoTime() >= deadlineNanos) {
        return false;
      }
      LockSupport.parkNanos(Math.min(50_000_000L, Math.max(0, deadlineNanos - System.nanoTime())));
      if (Thread.currentThread().isInterrupted()) {
        throw new DrillException("interrupted");
      }
    }
  }

  /**
   * Why a region failure's lost acknowledged writes are what asynchronous replication allows, when
   * they are: the writer region was lost and failed over, and every lost write was acknowledged
   * within the RPO budget before T0. Otherwise (or for any other checker) nothing: the verdict
   * stands alone. The losses are counted in the headline either way.
   */
  private String explanation(
      CheckResult c, DrillMetrics metrics, String writerBefore, String writerAfter) {
    if (!c.checker().equals(io.summit.dr.drill.check.LostWrites.NAME)
        || options.scenario() != Scenario.REGION_FAILURE
        || writerBefore.equals(writerAfter)) {
      return "";
    }
    double budget = topology.objectives().rpo().toNanos() / 1e9;
    return metrics.rpoWindowS() <= budget
        ? String.format(
            Locale.ROOT,
            " (within what asynchronous replication allows: %s was lost, every lost write was"
                + " acknowledged at most %.3f s before T0, RPO budget %.3f s)",
            writerBefore,
            metrics.rpoWindowS(),
            budget)
        : String.format(
            Locale.ROOT,
            " (BEYOND the RPO budget: writes acknowledged %.3f s before T0 were lost, budget %.3f"
                + " s)",
            metrics.rpoWindowS(),
            budget);
  }
}
