package io.summit.dr.orchestrator;

import io.summit.dr.orchestrator.coordination.Authority;
import io.summit.dr.orchestrator.coordination.ControlStore;
import io.summit.dr.orchestrator.coordination.CoordinationException;
import io.summit.dr.orchestrator.coordination.WriterRecord;
import io.summit.dr.orchestrator.discovery.Discovery;
import io.summit.dr.orchestrator.plan.Plan;
import io.summit.dr.orchestrator.plan.StepExecutor;
import io.summit.dr.orchestrator.plan.StepResult;
import io.summit.dr.orchestrator.plan.StepSpec;
import io.summit.dr.replication.StoreAdapter;
import io.summit.dr.replication.StoreObservation;
import io.summit.dr.replication.StoreResult;
import io.summit.dr.topology.Store;
import io.summit.dr.topology.Topology;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * What each step of a plan does, against the stores, the router and discovery. Every step observes
 * first and reports {@code AlreadyDone} when its target state holds.
 */
final class PlanSteps implements StepExecutor {
  private final Topology topology;
  private final Stores stores;
  private final @Nullable WriteRouter router;
  private final Discovery discovery;
  private final LagMonitor lag;
  private final @Nullable Services services;
  private final RpoGuard rpo;
  private final ControlStore control;
  // Per plan: the old primaries the fence step could not reach (left to their agent's lease).
  private final Map<String, Set<String>> unfenced = new ConcurrentHashMap<>();
  // Per plan: the fence steps that ran in this process (a resumed plan knows none of them).
  private final Map<String, Set<String>> fenceRan = new ConcurrentHashMap<>();
  // Per plan that passed its gate: the writer record it set (the term its promotions record).
  private final Map<String, WriterRecord> gated = new ConcurrentHashMap<>();

  PlanSteps(
      Topology topology,
      Stores stores,
      @Nullable WriteRouter router,
      Discovery discovery,
      LagMonitor lag,
      @Nullable Services services,
      ControlStore control,
      RpoGuard rpo) {
    this.control = control;
    this.topology = topology;
    this.stores = stores;
    this.router = router;
    this.discovery = discovery;
    this.lag = lag;
    this.services = services;
    this.rpo = rpo;
  }

  /**
   * A promotion passes its gate while its journal entries travel (the gate is idempotent per plan:
   * the writer record names the plan), then waits for them before it acts.
   */
  @Override
  public StepResult execute(Plan plan, StepSpec step, Runnable journaled) {
    if (step.action() != io.summit.dr.orchestrator.plan.Action.PROMOTE) {
      journaled.run();
      return execute(plan, step);
    }
    long t0 = System.nanoTime();
    StepResult gate = gate(plan);
    if (!(gate instanceof StepResult.Applied) && !(gate instanceof StepResult.AlreadyDone)) {
      return gate;
    }
    long gatePassed = System.nanoTime();
    journaled.run();
    long durable = System.nanoTime();
    StepResult promoted = promote(plan, Objects.requireNonNull(step.store()), step.region());
    // the gate (shared by the plan's promote steps: the first one pays it) and the wait for the
    // journal entries before it, which the promotion's own timings do not show
    String before =
        String.format(
            java.util.Locale.ROOT,
            " [before it: gate %d ms, journal %d ms]",
            (gatePassed - t0) / 1_000_000,
            (durable - gatePassed) / 1_000_000);
    return switch (promoted) {
      case StepResult.Applied a -> new StepResult.Applied(a.detail() + before);
      case StepResult.AlreadyDone d -> new StepResult.AlreadyDone(d.detail() + before);
      default -> promoted;
    };
  }

  @Override
  public StepResult execute(Plan plan, StepSpec step) {
    if (step.id().startsWith(io.summit.dr.orchestrator.plan.Rollback.PREFIX)) {
      StepResult refused = refuseRollbackPastTheGate(plan);
      if (refused != null) {
        return refused;
      }
    }
    String store = step.store();
    return switch (step.action()) {
      case STOP_WRITES -> stopWrites(step.region());
      case ROUTE_WRITES -> routeWrites(step.region());
      case FENCE -> fence(plan, Objects.requireNonNull(store), step.region(), step.timeout());
      case CHECK_RPO -> checkRpo(plan, Objects.requireNonNull(store), step.region());
      case PROMOTE -> promote(plan, Objects.requireNonNull(store), step.region());
      case VERIFY -> verify(plan, step.region());
      case PUBLISH_ENDPOINTS -> publish(plan, step.region());
      case SCALE_UP -> scaleUp(step.region());
      case RESTORE_SCALE -> restoreScale(step.region());
      case CATCH_UP -> catchUp(plan, Objects.requireNonNull(store), step.region());
      case REJOIN -> rejoin(plan, Objects.requireNonNull(store), step.region());
      case UNFENCE -> unfence(Objects.requireNonNull(store), step.region(), step.timeout());
    };
  }

  /**
   * Publishes the new writer region, then waits (up to {@link #PROPAGATION}) until every
   * application following discovery has been sent it, so that the route-writes step after this one
   * sends no write to an instance still connected to the old writer.
   */
  private StepResult publish(Plan plan, String region) {
    if (region.equals(plan.to())) {
      // Never publish a new writer under the old term: in a plan that publishes in its promote
      // group, publishing may come first and pass the gate itself (once per plan).
      StepResult gate = gate(plan);
      if (!(gate instanceof StepResult.Applied) && !(gate instanceof StepResult.AlreadyDone)) {
        return gate;
      }
    }
    try {
      WriterRecord passed = gated.get(plan.id());
      WriterRecord w =
          passed != null && passed.region().equals(region)
              ? passed // the record this plan's gate set: no need to read it back
              : control.writer(WriterRecord.initial(region));
      long term = w.region().equals(region) ? w.term() : discovery.snapshot().term();
      if (!discovery.publish(region, term)) {
        return new StepResult.AlreadyDone(
            "discovery: writer region is " + region + " (term " + term + ") already");
      }
    } catch (CoordinationException e) {
      return new StepResult.Retry("discovery: not published: " + e.getMessage());
    }
    long start = System.nanoTime();
    String delivered;
    try {
      int behind = discovery.awaitAnswered(PROPAGATION);
      delivered =
          behind == 0
              ? String.format(
                  java.util.Locale.ROOT,
                  "sent to every follower in %.0f ms",
                  (System.nanoTime() - start) / 1e6)
              : behind + " followers not answered within " + PROPAGATION.toMillis() + " ms";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      delivered = "interrupted while sending to the followers";
    }
    return new StepResult.Applied(
        "discovery: writer region "
            + region
            + ", version "
            + discovery.snapshot().version()
            + "; "
            + delivered);
  }

  /**
   * A rollback must never give the old writer back once this plan's gate moved the writer record (a
   * resumed plan whose promotion's start entry was lost in a crash cannot tell otherwise).
   */
  private @Nullable StepResult refuseRollbackPastTheGate(Plan plan) {
    try {
      WriterRecord w = control.writer(WriterRecord.initial(plan.from()));
      if (plan.id().equals(w.plan())) {
        return new StepResult.Fatal(
            "rollback refused: the writer record already names "
                + w.region()
                + " (term "
                + w.term()
                + ") under this plan; the old writer stays fenced");
      }
      return null;
    } catch (CoordinationException e) {
      return new StepResult.Retry("rollback: writer record unreadable: " + e.getMessage());
    }
  }

  /** How long publishing waits for the applications following discovery to be told. */
  static final java.time.Duration PROPAGATION = java.time.Duration.ofMillis(500);

  private StepResult stopWrites(String region) {
    WriteRouter r = router;
    if (r == null) {
      return new StepResult.AlreadyDone("router: none configured; applications follow discovery");
    }
    return StepResult.of(r.stopWrites(region));
  }

  private StepResult routeWrites(String region) {
    WriteRouter r = router;
    if (r == null) {
      return new StepResult.AlreadyDone("router: none configured; applications follow discovery");
    }
    return StepResult.of(r.routeWrites(region));
  }

  /**
   * Raises the region's autoscaling floor to the primary's replica count and waits until that many
   * instances are ready (the step's timeout bounds the wait).
   */
  private StepResult scaleUp(String region) {
    if (services == null || topology.services().isEmpty()) {
      return new StepResult.AlreadyDone("scale-up: no stateless services in this deployment");
    }
    Integer size = topology.services().get(0).replicas().get(topology.primary().name());
    return scaleTo(region, size == null ? 1 : size, true);
  }

  /** Puts the region's autoscaling floor back to its own replica count from the topology. */
  private StepResult restoreScale(String region) {
    if (services == null || topology.services().isEmpty()) {
      return new StepResult.AlreadyDone("restore-scale: no stateless services in this deployment");
    }
    Integer own = topology.services().get(0).replicas().get(region);
    return scaleTo(region, own == null ? 0 : own, false);
  }

  private StepResult scaleTo(String region, int wanted, boolean awaitReady) {
    Services s = Objects.requireNonNull(services);
    String what = awaitReady ? "scale-up" : "restore-scale";
    try {
      Services.Scale now = s.scale(region).orElse(null);
      if (now == null) {
        return new StepResult.AlreadyDone(what + ": no service cluster runs in " + region);
      }
      int target = Math.min(wanted, now.maximum());
      if (now.minimum() == target && (!awaitReady || now.ready() >= target)) {
        return new StepResult.AlreadyDone(
            what + ": " + region + " min " + now.minimum() + ", ready " + now.ready());
      }
      Services.Scale set = now.minimum() == target ? now : s.setMinimum(region, target);
      while (awaitReady && set.ready() < target) {
        if (Thread.currentThread().isInterrupted()) {
          return new StepResult.Retry(what + ": interrupted at " + set.ready() + " ready");
        }
        LockSupport.parkNanos(50_000_000L);
        set = s.scale(region).orElseThrow(() -> new IOException(region + ": cluster gone"));
      }
      return new StepResult.Applied(
          what
              + ": "
              + region
              + " min "
              + now.minimum()
              + " -> "
              + set.minimum()
              + ", ready "
              + set.ready());
    } catch (IOException e) {
      return new StepResult.Retry(what + ": " + e.getMessage());
    }
  }

  /**
   * Fences the old primary when the orchestrator can reach it within most of the step's timeout.
   * One that cannot be reached — refused, or silent behind a cut link — is left to its agent's
   * lease: the promotion gate then waits until that agent has fenced it, and supervision fences it
   * when it comes back.
   */
  private StepResult fence(Plan plan, String store, String region, Duration timeout) {
    fenceRan.computeIfAbsent(plan.id(), k -> ConcurrentHashMap.newKeySet()).add(store);
    StoreAdapter a = stores.adapter(store, region);
    CompletableFuture<StoreResult> call =
        CompletableFuture.supplyAsync(
            () -> {
              try (a) {
                StoreResult r = a.fence();
                return r instanceof StoreResult.Retry && !a.observe().reachable() ? null : r;
              }
            },
            CALLS);
    // In a failover, at most the probe timeout: a node that does not answer a probe in that long
    // is, for the gate, one the orchestrator did not fence. In a switchover or failback the old
    // writer region is up, and a node left unfenced costs the gate its full wait for the agent's
    // lease (3.7 s in a failback whose fences took over 250 ms on a loaded lab): wait up to
    // PLANNED_FENCE_WAIT for the fence instead. Less when etcd says the region's write authority
    // has already expired: its agent fenced the node or is gone with it, so waiting for the node
    // changes nothing the gate decides (the attempt goes on in the background).
    long cap =
        plan.kind() == io.summit.dr.orchestrator.plan.PlanKind.FAILOVER
            ? topology.health().timeout().toMillis()
            : PLANNED_FENCE_WAIT.toMillis();
    long waitMs = Math.max(50, Math.min(timeout.toMillis() * 3 / 4, cap));
    CompletableFuture<Boolean> expired = authorityExpired(region);
    try {
      CompletableFuture.anyOf(call, expired).get(waitMs, TimeUnit.MILLISECONDS);
      if (!call.isDone()) {
        return leftToLease(
            plan,
            store,
            a.id()
                + ": no answer yet, and the write authority of "
                + region
                + " has already expired in etcd (its agent fenced it or is down)");
      }
      StoreResult r = call.get();
      if (r != null) {
        return StepResult.of(r);
      }
      return leftToLease(plan, store, a.id() + ": unreachable");
    } catch (TimeoutException e) {
      return leftToLease(plan, store, a.id() + ": no answer within " + waitMs + " ms");
    } catch (ExecutionException e) {
      return leftToLease(plan, store, a.id() + ": " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new StepResult.Retry(a.id() + ": interrupted");
    }
  }

  /**
   * Completes (with true) only when etcd shows no write authority for {@code region}; never when
   * the store has no leases, the key exists, or etcd cannot be read.
   */
  private CompletableFuture<Boolean> authorityExpired(String region) {
    CompletableFuture<Boolean> gone = new CompletableFuture<>();
    if (control.authorityBound().isZero()) {
      return gone;
    }
    if (control.authorityKnownGone(region)) {
      gone.complete(true); // a watch saw the key deleted: no round trip needed
      return gone;
    }
    CompletableFuture.runAsync(
        () -> {
          try {
            if (control.authority(region).isEmpty()) {
              gone.complete(true);
            }
          } catch (CoordinationException e) {
            // unknown: wait for the fence attempt
          }
        },
        CALLS);
    return gone;
  }

  /**
   * Rolls a fence back. An old primary the orchestrator cannot reach is left to its agent: the
   * writer term did not move (no promotion started), so the agent unfences what it fenced itself
   * once it renews its lease again.
   */
  private StepResult unfence(String store, String region, Duration timeout) {
    StoreAdapter a = stores.adapter(store, region);
    CompletableFuture<StoreResult> call =
        CompletableFuture.supplyAsync(
            () -> {
              try (a) {
                StoreResult r = a.unfence();
                return r instanceof StoreResult.Retry && !a.observe().reachable() ? null : r;
              }
            },
            CALLS);
    long waitMs = Math.max(50, timeout.toMillis() * 3 / 4);
    try {
      StoreResult r = call.get(waitMs, TimeUnit.MILLISECONDS);
      return r != null
          ? StepResult.of(r)
          : new StepResult.Applied(a.id() + ": unreachable, left to its agent");
    } catch (TimeoutException | ExecutionException e) {
      return new StepResult.Applied(
          a.id() + ": no answer within " + waitMs + " ms, left to its agent");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new StepResult.Retry(a.id() + ": interrupted");
    }
  }

  /** How long a switchover's or failback's fence step waits for a live old primary to fence. */
  static final Duration PLANNED_FENCE_WAIT = Duration.ofMillis(1500);

  private static final java.util.concurrent.ExecutorService CALLS =
      java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

  private StepResult leftToLease(Plan plan, String store, String why) {
    unfenced.computeIfAbsent(plan.id(), k -> ConcurrentHashMap.newKeySet()).add(store);
    return new StepResult.Applied(
        why
            + ", not fenced by the orchestrator (left to its agent's lease; the promotion gate"
            + " waits for it)");
  }

  /**
   * Promotes {@code store} in {@code region}, after the promotion gate of the plan has passed: no
   * node of the old writer region can still take writes.
   */
  private StepResult promote(Plan plan, String store, String region) {
    long t0 = System.nanoTime();
    StepResult gate = gate(plan);
    if (!(gate instanceof StepResult.Applied) && !(gate instanceof StepResult.AlreadyDone)) {
      return gate;
    }
    long gatePassed = System.nanoTime();
    try (StoreAdapter a = stores.adapter(store, region)) {
      StoreResult promoted = a.promote();
      if (!promoted.succeeded()) {
        return StepResult.of(promoted);
      }
      long promotedAt = System.nanoTime();
      WriterRecord passed = gated.get(plan.id());
      long term =
          passed != null ? passed.term() : control.writer(WriterRecord.initial(region)).term();
      StoreResult recorded = a.recordTerm(term);
      if (!recorded.succeeded()) {
        return StepResult.of(recorded);
      }
      // Where the step's time went: the promotion gate (shared by the plan's promote steps), the
      // store's promotion, recording the term.
      String detail =
          promoted.detail()
              + "; "
              + recorded.detail()
              + String.format(
                  java.util.Locale.ROOT,
                  " (gate here %d ms, promote %d ms, term %d ms)",
                  (gatePassed - t0) / 1_000_000,
                  (promotedAt - gatePassed) / 1_000_000,
                  (System.nanoTime() - promotedAt) / 1_000_000);
      return promoted instanceof StoreResult.Applied
          ? new StepResult.Applied(detail)
          : new StepResult.AlreadyDone(detail);
    } catch (CoordinationException e) {
      return new StepResult.Retry("promote: " + e.getMessage());
    }
  }

  /**
   * The promotion gate, once per plan (the promote steps of a parallel group share it):
   *
   * <ol>
   *   <li>the writer record moves to the new region under the next term, so the old region's agent
   *       stops renewing its authority and never takes it back;
   *   <li>unless the orchestrator fenced every old primary itself, it first waits (up to the
   *       authority bound) for the old region's authority key to go by itself: expired (its agent
   *       is past its own deadline) or released (its agent saw the new term and fenced first);
   *   <li>the old region's authority (its agent's lease), if etcd still holds it, is revoked: the
   *       key is gone at once and the agent, whose next renewal fails, fences its primaries;
   *   <li>unless the orchestrator fenced every old primary itself in this plan, it then waits the
   *       authority bound (the agents' lease TTL plus a margin): by then an agent that could not
   *       renew has passed its own deadline, earlier by its fence budget, and fenced.
   * </ol>
   *
   * A key already gone needs no wait: etcd expires a lease no earlier than the TTL after its last
   * renewal was granted, which is after the agent's own deadline. A region without an agent (no
   * coordination store) has no authority to wait for.
   */
  private synchronized StepResult gate(Plan plan) {
    if (gated.containsKey(plan.id())) {
      return new StepResult.AlreadyDone("gate: passed");
    }
    String from = plan.from();
    try {
      ControlStore.TermAdvance moved = control.advanceTerm(from, plan.to(), plan.id());
      WriterRecord next = moved.writer();
      Set<String> ran = fenceRan.getOrDefault(plan.id(), Set.of());
      boolean fencedAll =
          unfenced.getOrDefault(plan.id(), Set.of()).isEmpty()
              && topology.stores().stream()
                  .filter(s -> s.involves(from) && s.involves(plan.to()))
                  .allMatch(s -> ran.contains(s.name()));
      long waitedMs = 0;
      Optional<Authority> held = moved.oldAuthority();
      boolean revoked = false;
      if (held.isPresent() && !fencedAll) {
        // A key that goes by itself within the bound needs no revoke and no full wait: it expired
        // (no renewal for a TTL, so past its agent's deadline: fenced, or dead) or its agent
        // released it (which it does only after fencing its primaries). Detection often outruns a
        // dead agent's lease by a few hundred ms; revoking then would cost the whole bound.
        long start = System.nanoTime();
        held = awaitAuthorityGone(from, start + control.authorityBound().toNanos());
        waitedMs += (System.nanoTime() - start) / 1_000_000;
      }
      for (int round = 0; round < 3; round++) {
        if (round > 0) {
          held = control.authority(from);
        }
        if (held.isEmpty()) {
          break;
        }
        control.revoke(held.get());
        revoked = true;
        if (fencedAll) {
          continue;
        }
        long start = System.nanoTime();
        long until = start + control.authorityBound().toNanos();
        while (System.nanoTime() < until) {
          LockSupport.parkNanos(until - System.nanoTime());
        }
        waitedMs += (System.nanoTime() - start) / 1_000_000;
      }
      gated.put(plan.id(), next);
      return new StepResult.Applied(
          String.format(
              java.util.Locale.ROOT,
              "gate: writer %s -> %s term %d; %s",
              from,
              next.region(),
              next.term(),
              revoked
                  ? "old authority revoked, waited " + waitedMs + " ms for its agent's deadline"
                  : waitedMs > 0
                      ? "old authority gone after "
                          + waitedMs
                          + " ms (expired, or released by its agent)"
                      : fencedAll
                          ? "old primaries fenced by the orchestrator"
                          : "no authority held by " + from));
    } catch (CoordinationException e) {
      return new StepResult.Retry("gate: " + e.getMessage());
    }
  }

  /**
   * Waits until {@code region}'s authority key is gone (the watch says so and a read confirms it)
   * or {@code untilNanos}; returns what etcd holds then (empty when gone).
   */
  private Optional<Authority> awaitAuthorityGone(String region, long untilNanos) {
    long lastRead = System.nanoTime();
    while (System.nanoTime() < untilNanos) {
      long since = System.nanoTime() - lastRead;
      // the watch's word is confirmed by a read (at most every 50 ms); without it, a read every
      // 250 ms in case the watch is behind
      if ((control.authorityKnownGone(region) && since >= 50_000_000L) || since >= 250_000_000L) {
        Optional<Authority> held = control.authority(region);
        if (held.isEmpty()) {
          return held;
        }
        lastRead = System.nanoTime();
      }
      LockSupport.parkNanos(Math.min(20_000_000L, Math.max(0, untilNanos - System.nanoTime())));
    }
    return control.authority(region);
  }

  private StepResult checkRpo(Plan plan, String store, String region) {
    // as of the plan's creation (its detection), also for a plan a new leader resumed later
    RpoGuard.Verdict v = rpo.check(topology.store(store).orElseThrow(), region, plan.createdAt());
    if (v.within()) {
      return new StepResult.Applied(v.detail());
    }
    return plan.forced()
        ? new StepResult.Applied(v.detail() + "; FORCED by operator")
        : new StepResult.Fatal(v.detail() + "; automatic failover refused; use --force");
  }

  private StepResult onStore(
      @Nullable String store,
      String region,
      java.util.function.Function<StoreAdapter, StoreResult> op) {
    try (StoreAdapter a = stores.adapter(Objects.requireNonNull(store), region)) {
      return StepResult.of(op.apply(a));
    }
  }

  /**
   * Writes to every store of the new writer region, then, when that region runs the service behind
   * the router, a write through the router that must land in that region.
   */
  private StepResult verify(Plan plan, String region) {
    StringBuilder detail = new StringBuilder();
    for (Store s : topology.stores()) {
      if (!s.primaryRegion().equals(region) && !s.replicaRegions().contains(region)) {
        continue;
      }
      try (StoreAdapter a = stores.adapter(s.name(), region)) {
        StoreResult r = a.verifyWrite();
        if (!r.succeeded()) {
          return StepResult.of(r);
        }
        detail.append(detail.length() == 0 ? "" : "; ").append(r.detail());
      }
    }
    WriteRouter r = router;
    if (r != null && r.canWriteThrough() && runsService(region)) {
      try {
        String took = r.writeThrough("summit-dr-verify-" + plan.id());
        if (!took.equals(region)) {
          return new StepResult.Retry(
              "router: the verify write landed in " + took + " (expected: " + region + ")");
        }
        detail.append("; a write through the router landed in ").append(took);
      } catch (IOException e) {
        return new StepResult.Retry(e.getMessage() == null ? e.toString() : e.getMessage());
      }
    }
    return new StepResult.Applied(detail.toString());
  }

  private boolean runsService(String region) {
    try {
      return services != null && services.scale(region).isPresent();
    } catch (IOException e) {
      return false;
    }
  }

  /** Waits until the replica in {@code region} has everything the (paused) primary has. */
  private StepResult catchUp(Plan plan, String store, String region) {
    try (StoreAdapter primary = stores.adapter(store, plan.from());
        StoreAdapter replica = stores.adapter(store, region)) {
      StoreObservation p = primary.observe();
      if (!p.reachable() || p.position() == null) {
        return new StepResult.Retry(primary.id() + ": primary position unknown: " + p.detail());
      }
      String target = p.position();
      while (!Thread.currentThread().isInterrupted()) {
        StoreObservation r = replica.observe();
        if (r.position() != null && Positions.compare(r.position(), target) >= 0) {
          return new StepResult.Applied(
              replica.id() + ": replayed up to " + r.position() + " (primary at " + target + ")");
        }
        LockSupport.parkNanos(5_000_000L);
      }
      return new StepResult.Retry(replica.id() + ": interrupted while catching up to " + target);
    }
  }

  /** Rejoins the node in {@code region} to the plan's other region, which holds the primary. */
  private StepResult rejoin(Plan plan, String store, String region) {
    String newPrimary = region.equals(plan.to()) ? plan.from() : plan.to();
    try (StoreAdapter a = stores.adapter(store, region)) {
      return StepResult.of(a.rejoin(stores.replicationSource(store, region, newPrimary)));
    }
  }
}
