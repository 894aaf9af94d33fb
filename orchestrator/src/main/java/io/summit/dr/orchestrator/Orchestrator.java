package io.summit.dr.orchestrator;

import io.summit.dr.orchestrator.coordination.ControlStore;
import io.summit.dr.orchestrator.coordination.DiscoveryRecord;
import io.summit.dr.orchestrator.coordination.LocalControlStore;
import io.summit.dr.orchestrator.coordination.WriterRecord;
import io.summit.dr.orchestrator.discovery.Discovery;
import io.summit.dr.orchestrator.plan.Journal;
import io.summit.dr.orchestrator.plan.JournalEntry;
import io.summit.dr.orchestrator.plan.Plan;
import io.summit.dr.orchestrator.plan.PlanKind;
import io.summit.dr.orchestrator.plan.PlanRefusedException;
import io.summit.dr.orchestrator.plan.PlanRunner;
import io.summit.dr.orchestrator.plan.PlanStatus;
import io.summit.dr.orchestrator.plan.StepSpec;
import io.summit.dr.replication.StoreAdapter;
import io.summit.dr.replication.StoreObservation;
import io.summit.dr.replication.StoreResult;
import io.summit.dr.replication.StoreRole;
import io.summit.dr.topology.Store;
import io.summit.dr.topology.Topology;
import io.summit.dr.topology.Trigger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The control plane's core: the writer region, the plans (one at a time, journaled), discovery, the
 * lag monitor, events and the audit log. Requests come from the HTTP API and from failure
 * detection; both go through the same checks.
 *
 * <p>Thread-safe.
 */
public final class Orchestrator implements AutoCloseable {
  private final Topology topology;
  private final Stores stores;
  private final Clock clock;
  private final Discovery discovery;
  private final LagMonitor lag;
  private final boolean ownsLag;
  private final PlanRunner runner;
  private final PlanFactory factory;
  private final Events events;
  private final AuditLog audit;
  private final List<String> regions;
  private final @Nullable WriteRouter router;
  private final RpoGuard rpo;
  private final ControlStore control;
  // Held while a plan is submitted and while supervision corrects the router's writer, so that a
  // correction never lands after a new plan's stop-writes step.
  private final Object writerLock = new Object();
  private volatile @Nullable Instant lastAutomaticPlan;
  // Supervision fences and corrects the router only after resume: before it, the journal may hold
  // a plan that promoted a node the writer region does not name yet, which would be fenced.
  private volatile boolean resumed;
  // Regions a quorum of observers declared failed and not yet recovered: the pre-checks' view.
  // Region -> when a quorum first declared it failed (this episode): the RPO guard's reference.
  private final Map<String, Instant> failedRegions = new java.util.concurrent.ConcurrentHashMap<>();
  // the plans whose wait for an approval has been announced, until approved or ended
  private final Set<String> announcedWaits = java.util.concurrent.ConcurrentHashMap.newKeySet();
  // the steps whose end has been published (plan/step), until their plan ends
  private final Set<String> endedSteps = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final Journal journal;
  // The journal as read at construction, for the first resume() (then released).
  private @Nullable List<JournalEntry> journaled;

  /**
   * A single orchestrator whose control state lives in files of {@code stateDir} ({@link
   * LocalControlStore}).
   *
   * @param router the edge router whose writer region plans set, or null for none
   * @param services the regions' service autoscalers the scale-up step raises, or null for none
   */
  public Orchestrator(
      Topology topology,
      Stores stores,
      @Nullable WriteRouter router,
      @Nullable Services services,
      Path stateDir,
      Clock clock) {
    this(topology, stores, router, services, LocalControlStore.open(stateDir), stateDir, clock);
  }

  /**
   * An orchestrator whose journal, writer term and discovery version live in {@code control} (the
   * leader among replicas, when that is etcd); {@code stateDir} holds this replica's audit log.
   */
  public Orchestrator(
      Topology topology,
      Stores stores,
      @Nullable WriteRouter router,
      @Nullable Services services,
      ControlStore control,
      Path stateDir,
      Clock clock) {
    this(topology, stores, router, services, control, stateDir, clock, null);
  }

  /**
   * The same, with {@code sharedLag}, a lag monitor its replica keeps polling whether it leads or
   * follows (null: this orchestrator owns one and polls it in {@link #superviseOnce}): a replica
   * that takes over in the middle of a failover must already know the replicas' lag from before the
   * primary failed, or its RPO check refuses the plan it resumes.
   */
  Orchestrator(
      Topology topology,
      Stores stores,
      @Nullable WriteRouter router,
      @Nullable Services services,
      ControlStore control,
      Path stateDir,
      Clock clock,
      @Nullable LagMonitor sharedLag) {
    this.topology = topology;
    this.stores = stores;
    this.router = router;
    this.clock = clock;
    this.control = control;
    this.regions = topology.servingRegions();
    this.journal = control.journal();
    List<String> storeNames = topology.stores().stream().map(Store::name).toList();
    // A new leader's start-up is on a resumed failover's critical path, and each read is a quorum
    // round trip across the WAN: the discovery record is read beside the journal and the writer
    // record, and the journal read here is the one resume() works from.
    java.util.concurrent.CompletableFuture<Optional<DiscoveryRecord>> stored =
        java.util.concurrent.CompletableFuture.supplyAsync(
            control::discovery, runnable -> Thread.ofVirtual().start(runnable));
    List<JournalEntry> entries = journal.read();
    this.journaled = entries;
    String writer = writerFromJournal(entries, topology.primary().name());
    WriterRecord term = control.writer(WriterRecord.initial(writer));
    DiscoveryRecord published = joined(stored).orElse(new DiscoveryRecord(1, writer, term.term()));
    this.discovery =
        new Discovery(
            storeNames,
            regions,
            published.writer(),
            published.version(),
            published.term(),
            stores::clientEndpoint,
            s ->
                control.saveDiscovery(
                    new DiscoveryRecord(s.version(), s.writerRegion(), s.term())));
    this.ownsLag = sharedLag == null;
    this.lag = sharedLag != null ? sharedLag : LagMonitor.of(topology, stores);
    this.rpo = RpoGuard.of(lag, topology);
    this.events = new Events(clock);
    this.audit = new AuditLog(stateDir.resolve("audit.jsonl"), clock);
    this.factory = new PlanFactory(topology);
    this.runner =
        new PlanRunner(
            journal,
            new PlanSteps(topology, stores, router, discovery, lag, services, control, rpo),
            clock,
            this::planChanged);
  }

  /**
   * The writer region as the journal left it: the target of the last plan whose publish-endpoints
   * step ended well (that step is what moves the writer), or the topology's primary.
   */
  private static String writerFromJournal(List<JournalEntry> entries, String primary) {
    String writer = primary;
    Map<String, String> targets = new LinkedHashMap<>();
    for (JournalEntry e : entries) {
      if (e.event().equals("plan-start") && e.to() != null) {
        targets.put(e.plan(), e.to());
      } else if (e.event().equals("step-end")
          && "publish-endpoints".equals(e.step())
          && ("applied".equals(e.outcome()) || "already-done".equals(e.outcome()))
          && targets.containsKey(e.plan())) {
        writer = targets.get(e.plan());
      }
    }
    return writer;
  }

  private static <T> T joined(java.util.concurrent.CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /** Finishes a plan the journal left open (after a crash). */
  public Optional<PlanStatus> resume() {
    try {
      List<JournalEntry> entries = journaled;
      journaled = null;
      // Once only from the start-up read: nothing else writes the journal while this replica leads.
      Optional<PlanStatus> open = entries != null ? runner.resume(entries) : runner.resume();
      open.ifPresent(p -> events.publish("plan-resumed", Map.of("plan", p.id())));
      return open;
    } finally {
      resumed = true;
    }
  }

  /**
   * Stops this orchestrator's plans where they are, for good ({@link PlanRunner#stop}): for a
   * replica that no longer leads, before anything else of it closes.
   */
  public void stopPlans() {
    runner.stop();
  }

  /**
   * Releases the journal (and its lock on the state directory) and its own lag monitor's adapters.
   */
  @Override
  public void close() {
    if (ownsLag) {
      lag.close();
    }
    journal.close();
  }

  private void planChanged(PlanStatus p) {
    stepsEnded(p);
    if (p.endedAt() != null) {
      announcedWaits.remove(p.id());
      endedSteps.removeIf(k -> k.startsWith(p.id() + "/"));
      planEvent("plan-" + p.state(), p);
    } else {
      // one notice per approval: a plan's gated steps that run in parallel wait for the same one
      if (p.state().equals("waiting-approval") && announcedWaits.add(p.id())) {
        planEvent("plan-waiting-approval", p);
      }
      p.steps().stream()
          .filter(s -> s.state().equals("running"))
          .forEach(s -> events.publish("step-running", Map.of("plan", p.id(), "step", s.id())));
    }
  }

  private void planEvent(String type, PlanStatus p) {
    events.publish(
        type,
        Map.of(
            "plan",
            p.id(),
            "kind",
            p.kind().name().toLowerCase(java.util.Locale.ROOT),
            "detail",
            String.valueOf(p.detail())));
  }

  /**
   * Publishes a {@code step-ended} event for each step of {@code p} that has ended since the last
   * call: its outcome, detail and times from the plan's start (what {@code summit-dr failover}
   * prints, following the event stream).
   */
  private void stepsEnded(PlanStatus p) {
    for (PlanStatus.StepStatus s : p.steps()) {
      if ((s.state().equals("done") || s.state().equals("failed"))
          && endedSteps.add(p.id() + "/" + s.id())) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("plan", p.id());
        data.put("step", s.id());
        data.put("state", s.state());
        data.put("outcome", String.valueOf(s.outcome()));
        data.put("detail", String.valueOf(s.detail()));
        data.put("start_s", s.startS() == null ? 0.0 : s.startS());
        data.put("end_s", s.endS() == null ? 0.0 : s.endS());
        events.publish("step-ended", data);
      }
    }
  }

  /**
   * The writer region: the one discovery publishes. A plan's publish-endpoints step moves it, so it
   * is right at every instant, even between a plan's last step and its end.
   */
  public String writerRegion() {
    return discovery.snapshot().writerRegion();
  }

  public Topology topology() {
    return topology;
  }

  public Discovery discovery() {
    return discovery;
  }

  /** Where the journal, the writer term and the discovery version live. */
  public ControlStore control() {
    return control;
  }

  public Events events() {
    return events;
  }

  public AuditLog audit() {
    return audit;
  }

  public PlanRunner plans() {
    return runner;
  }

  public List<String> regions() {
    return regions;
  }

  /**
   * Fails the writer region over to {@code to}, after the same pre-checks as an automatic failover
   * (see {@link PreCheckRefusedException}); {@code force} overrides them, and the audit log and the
   * plan-started event name what it overrode.
   *
   * @throws IllegalArgumentException for a bad region
   * @throws PreCheckRefusedException when a pre-check fails and {@code force} is false
   * @throws PlanRefusedException while another plan runs
   */
  public PlanStatus failover(String to, boolean force, String who) {
    String from = writerRegion();
    checkTarget(to, from);
    List<String> refusals = failoverChecks(from, to);
    if (!refusals.isEmpty() && !force) {
      throw refused(PlanKind.FAILOVER, from, to, who, refusals, true);
    }
    return submit(PlanKind.FAILOVER, from, to, force, who, factory.failover(from, to), refusals);
  }

  public PlanStatus switchover(String to, String who) {
    String from = writerRegion();
    checkTarget(to, from);
    List<String> refusals = liveRegionChecks(from, to);
    if (!refusals.isEmpty()) {
      throw refused(PlanKind.SWITCHOVER, from, to, who, refusals, false);
    }
    return submit(
        PlanKind.SWITCHOVER, from, to, false, who, factory.switchover(from, to), List.of());
  }

  /** A failover's pre-checks: the writer region declared failed, the target not, lag fresh. */
  private List<String> failoverChecks(String from, String to) {
    List<String> out = new ArrayList<>();
    if (!failedRegions.containsKey(from)) {
      out.add(
          from
              + ": not declared failed by a quorum of observers (a live writer is moved by a"
              + " switchover, which loses no write)");
    }
    if (failedRegions.containsKey(to)) {
      out.add(to + ": declared failed by a quorum of observers");
    }
    for (Store s : topology.stores()) {
      if (involves(s, from) && involves(s, to)) {
        // as of the declared failure: the lag must describe the replica up to then
        RpoGuard.Verdict v = rpo.check(s, to, failedRegions.getOrDefault(from, clock.instant()));
        if (!v.within()) {
          out.add(v.detail());
        }
      }
    }
    return out;
  }

  /** A planned move's pre-checks: neither region declared failed. */
  private List<String> liveRegionChecks(String from, String to) {
    List<String> out = new ArrayList<>();
    for (String r : List.of(from, to)) {
      if (failedRegions.containsKey(r)) {
        out.add(
            r
                + ": declared failed by a quorum of observers"
                + (r.equals(from) ? " (use a failover)" : ""));
      }
    }
    return out;
  }

  private PreCheckRefusedException refused(
      PlanKind kind, String from, String to, String who, List<String> reasons, boolean forcible) {
    String k = kind.name().toLowerCase(java.util.Locale.ROOT);
    audit.record(
        who,
        "plan",
        Map.of("kind", k, "from", from, "to", to, "force", false),
        "refused by pre-checks: " + String.join("; ", reasons));
    return new PreCheckRefusedException(k + " " + from + " -> " + to, reasons, forcible);
  }

  public PlanStatus failback(String who) {
    String home = topology.primary().name();
    String from = writerRegion();
    if (from.equals(home)) {
      throw new IllegalArgumentException(
          "failback: the writer region is "
              + home
              + " already (expected: a failed-over deployment)");
    }
    List<String> refusals = liveRegionChecks(from, home);
    if (!refusals.isEmpty()) {
      throw refused(PlanKind.FAILBACK, from, home, who, refusals, false);
    }
    return submit(
        PlanKind.FAILBACK, from, home, false, who, factory.failback(from, home), List.of());
  }

  private void checkTarget(String to, String from) {
    if (!regions.contains(to)) {
      throw new IllegalArgumentException(
          "to: '" + to + "' (expected: one of " + String.join(", ", regions) + ")");
    }
    if (to.equals(from)) {
      throw new IllegalArgumentException(
          "to: '" + to + "' is the writer region already (expected: another region)");
    }
  }

  private PlanStatus submit(
      PlanKind kind,
      String from,
      String to,
      boolean force,
      String who,
      List<StepSpec> steps,
      List<String> overridden) {
    Map<String, Object> request =
        Map.of(
            "kind",
            kind.name().toLowerCase(java.util.Locale.ROOT),
            "from",
            from,
            "to",
            to,
            "force",
            force);
    String forcedPast =
        overridden.isEmpty() ? "" : "; FORCED past: " + String.join("; ", overridden);
    try {
      Plan plan = new Plan(runner.newId(kind), kind, from, to, force, who, steps, clock.instant());
      PlanStatus status;
      synchronized (writerLock) {
        status = runner.submit(plan);
      }
      audit.record(who, "plan", request, "started " + plan.id() + forcedPast);
      Map<String, Object> started = new LinkedHashMap<>();
      started.put("plan", plan.id());
      started.put("kind", request.get("kind"));
      started.put("from", from);
      started.put("to", to);
      started.put("forced", force);
      started.put("by", who);
      if (!overridden.isEmpty()) {
        started.put("forced_past", overridden);
      }
      events.publish("plan-started", started);
      return status;
    } catch (PlanRefusedException e) {
      audit.record(who, "plan", request, "refused: " + e.getMessage());
      throw e;
    }
  }

  public PlanStatus approve(String planId, String who) {
    try {
      PlanStatus p = runner.approve(planId, who);
      announcedWaits.remove(planId);
      audit.record(who, "approve", Map.of("plan", planId), "approved");
      events.publish("plan-approved", Map.of("plan", planId, "by", who));
      return p;
    } catch (IllegalArgumentException e) {
      audit.record(who, "approve", Map.of("plan", planId), "refused: " + e.getMessage());
      throw e;
    }
  }

  /**
   * Runs the failover plan's own code once against nothing ({@link
   * io.summit.dr.orchestrator.plan.WarmUp}), and the failover's pre-checks (which only read), so
   * that the first real failover of this JVM does not pay for its first use. Changes nothing: no
   * step acts, no journal entry is written, no event is published.
   *
   * @return how long the dry plan took
   */
  public java.time.Duration warmUp() {
    String from = topology.primary().name();
    String to = regions.stream().filter(r -> !r.equals(from)).findFirst().orElseThrow();
    failoverChecks(from, to);
    Plan plan =
        new Plan(
            "warm-up",
            PlanKind.FAILOVER,
            from,
            to,
            false,
            "warm-up",
            factory.failover(from, to),
            clock.instant());
    return io.summit.dr.orchestrator.plan.WarmUp.run(plan, journal, clock);
  }

  /** Detection says {@code region} failed: start the automatic plan when the topology allows. */
  public void regionFailed(String region, List<String> observers) {
    failedRegions.putIfAbsent(region, clock.instant());
    events.publish("region-failed", Map.of("region", region, "observers", observers));
    if (!region.equals(writerRegion())) {
      return;
    }
    if (topology.failover().trigger() == Trigger.MANUAL) {
      events.publish(
          "failover-needed",
          Map.of(
              "region", region, "reason", "trigger is manual: run summit-dr failover --to REGION"));
      return;
    }
    Instant last = lastAutomaticPlan;
    if (last != null && last.plus(topology.failover().cooldown()).isAfter(clock.instant())) {
      events.publish(
          "failover-suppressed",
          Map.of(
              "region",
              region,
              "reason",
              "cooldown "
                  + topology.failover().cooldown()
                  + " since the last automatic plan at "
                  + last));
      return;
    }
    String target = regions.stream().filter(r -> !r.equals(region)).findFirst().orElseThrow();
    try {
      failover(target, false, "detector (" + String.join(", ", observers) + ")");
      lastAutomaticPlan = clock.instant();
    } catch (PreCheckRefusedException e) {
      // Refused before any step: no writes stopped, nothing fenced; an operator may force it.
      events.publish(
          "failover-refused",
          Map.of(
              "region",
              region,
              "target",
              target,
              "reason",
              String.join("; ", e.reasons())
                  + "; run summit-dr failover --to "
                  + target
                  + " --force"));
    } catch (PlanRefusedException e) {
      events.publish("failover-suppressed", Map.of("region", region, "reason", e.getMessage()));
    }
  }

  private static boolean involves(Store s, String region) {
    return s.primaryRegion().equals(region) || s.replicaRegions().contains(region);
  }

  /** Detection says {@code region} answers again: the pre-checks no longer count it failed. */
  public void regionRecovered(String region) {
    failedRegions.remove(region);
    events.publish("region-recovered", Map.of("region", region));
  }

  /** Detection sees a partition, not a failure: alert, report the lag, do not fail over. */
  public void partitionSuspected(String region, List<String> seeingDown, List<String> seeingUp) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("region", region);
    data.put("seeing_down", seeingDown);
    data.put("seeing_up", seeingUp);
    for (String store : topology.stores().stream().map(Store::name).toList()) {
      for (String r : regions) {
        lag.last(store, r)
            .filter(o -> o.role() == StoreRole.REPLICA)
            .ifPresent(
                o ->
                    data.put(
                        "lag_" + store + "_" + r, o.lagBytes() + " B / " + o.lagSeconds() + " s"));
      }
    }
    events.publish("alert-partition", data);
  }

  /**
   * One pass of supervision: observe every store node (lag), and fence any node outside the writer
   * region that acts as a primary (an old primary that came back): one writer per store.
   */
  public void superviseOnce() {
    if (ownsLag) {
      lag.pollOnce();
    }
    if (!resumed || runner.running().isPresent()) {
      return;
    }
    reconcileRouterWriter();
    String w = writerRegion();
    for (Store s : topology.stores()) {
      for (String region : regions) {
        if (region.equals(w)) {
          continue;
        }
        Optional<StoreObservation> o = lag.last(s.name(), region);
        if (o.isPresent() && o.get().reachable() && o.get().role() == StoreRole.PRIMARY) {
          try (StoreAdapter a = stores.adapter(s.name(), region)) {
            StoreResult r = a.fence();
            events.publish(
                "fenced-returning-primary",
                Map.of("store", s.name(), "region", region, "result", r.detail()));
          }
        }
      }
    }
  }

  /**
   * Outside plans, the router's writer region is the one discovery publishes: a router that
   * restarted (and came back with the topology's primary as its writer) or missed a plan's
   * route-writes step is set right. A router that cannot be reached is left for the next pass.
   */
  private void reconcileRouterWriter() {
    WriteRouter r = router;
    if (r == null) {
      return;
    }
    // The read stays outside the lock: a plan submitted meanwhile must not wait for a round trip
    // to the router (detection -> stop-writes is on the failover's critical path).
    Optional<String> routed;
    try {
      routed = r.writer();
    } catch (java.io.IOException e) {
      return; // Unreachable router: nothing routes through it now; the next pass tries again.
    }
    synchronized (writerLock) {
      String w = writerRegion();
      if (runner.running().isPresent() || routed.equals(Optional.of(w))) {
        return;
      }
      // An unreachable router answers Retry: the next pass tries again.
      if (r.routeWrites(w) instanceof io.summit.dr.replication.StoreResult.Applied) {
        events.publish("router-writer-corrected", Map.of("from", routed.orElse("null"), "to", w));
      }
    }
  }

  /** Every store node with its role and lag, from the last supervision pass. */
  public List<Map<String, Object>> storeStatus() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Store s : topology.stores()) {
      for (String region : regions) {
        Optional<StoreObservation> o = lag.last(s.name(), region);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", s.name());
        row.put("kind", s.kind().name().toLowerCase(java.util.Locale.ROOT));
        row.put("region", region);
        row.put(
            "role",
            o.map(x -> x.role().name().toLowerCase(java.util.Locale.ROOT)).orElse("unknown"));
        row.put("lag_bytes", o.map(StoreObservation::lagBytes).orElse(null));
        row.put("lag_seconds", o.map(StoreObservation::lagSeconds).orElse(null));
        // When the lag figure was measured (the observation's time when the adapter gave it).
        row.put(
            "lag_measured_at",
            o.map(x -> x.lagMeasuredAt() != null ? x.lagMeasuredAt() : x.observedAt())
                .orElse(null));
        out.add(row);
      }
    }
    return out;
  }
}
