package io.summit.dr.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.agent.Coordination.Lease;
import io.summit.dr.agent.Coordination.LeaseGone;
import io.summit.dr.agent.Coordination.Renewal;
import io.summit.dr.agent.Coordination.Renewed;
import io.summit.dr.agent.Coordination.Versioned;
import io.summit.dr.agent.zones.ZoneStatus;
import io.summit.dr.replication.StoreAdapter;
import io.summit.dr.replication.StoreResult;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds one region's write authority on an etcd lease and fences the region's primaries itself when
 * it cannot keep it (PROTOCOL.md, region agent rules 1-4).
 *
 * <ol>
 *   <li>Every {@code renewInterval} it looks at {@code writer}. While {@code writer.region} is its
 *       region it takes a lease of {@code leaseTtl} (its spare one, granted and renewed every tick
 *       while it does not hold the authority, when that one's deadline has not passed; else one
 *       granted now), puts {@code authority/<region>} attached to it (in a transaction guarded by
 *       the writer key's revision, so the put fails if the writer changed since it was read), and
 *       renews it with one keep-alive every {@code renewInterval}, sent without waiting for the
 *       previous one. It records the monotonic time at which each renewal that then succeeded was
 *       <em>sent</em>; the grant counts as the first renewal, and so does one sent just before the
 *       put.
 *   <li>Its deadline is {@code lastSuccessfulSend + leaseTtl - fenceBudget}, checked every {@code
 *       checkInterval} on the monotonic clock. When it passes, or when etcd says the lease is gone
 *       (revoked or expired), it fences every local primary ({@link StoreAdapter#fence()}) and
 *       enters {@link AgentState#FENCED_SELF}. A fence that fails is retried every check.
 *   <li>When it can reach etcd again and {@code writer} still names its region with the same term,
 *       it grants a new lease, re-creates the key, and unfences ({@link StoreAdapter#unfence()})
 *       only the stores whose fence it applied itself ({@code Applied}; an {@code AlreadyDone}
 *       store was fenced by someone else, the orchestrator, and stays fenced). With another term
 *       the orchestrator has moved the writer since: it holds the new lease and unfences nothing.
 *   <li>When {@code writer} names another region it holds no lease (it revokes one it held) and
 *       does nothing to its stores.
 * </ol>
 *
 * <p><b>Why the old writer is fenced before the orchestrator sees its key gone.</b> Let {@code s}
 * be the send time of the agent's last successful renewal and {@code r >= s} the time the etcd
 * leader handled it. The leader then sets the lease's expiry to {@code r + TTL} on its own clock;
 * the key disappears only when the leader, after that expiry, commits the revocation through Raft
 * (its expiry loop runs every 500 ms), so never before {@code r + TTL >= s + TTL}. The agent fences
 * at its deadline {@code s + TTL - fenceBudget}, at most one {@code checkInterval} late, and the
 * fence takes a few milliseconds on a local store: it is done at least {@code fenceBudget -
 * checkInterval - fenceTime} (about 340 ms with the defaults) before the key can vanish, so before
 * the orchestrator, which waits for the key to vanish (or revokes it only after fencing the
 * primaries itself), can promote another region. Measuring from the <em>send</em> time, never the
 * response time, is what makes this hold whatever the network delays: a response that arrives late
 * only makes the agent more conservative.
 *
 * <p>Clock assumption: only clock <em>rates</em> matter, never synchronized wall clocks. The agent
 * measures with {@link System#nanoTime()} (monotonic), the etcd leader with its own monotonic
 * clock; over one TTL their rates must not differ by more than what the budget leaves ({@code ~340
 * ms / 1 s}: any working clock does, NTP-disciplined ones differ by ~1e-4). A pause of the agent's
 * own process (GC, SIGSTOP) longer than the remaining budget defeats it: the agent cannot fence
 * while it does not run. That is why promotion also needs the orchestrator's quorum detection and
 * why writes carry the writer term (the store refuses a superseded one).
 *
 * <p>etcd leader changes only extend leases: a new leader resets every lease's expiry to {@code now
 * + TTL + electionTimeout} when it takes over, later than the old leader's expiry. A renewal the
 * deposed leader still accepted (it keeps leading up to one election timeout after losing its
 * quorum) was accepted at most one election timeout before the new leader took over, so the
 * extension covers it too. Expiry only moves later; the agent's deadline, fixed by its own send
 * time, stays before it.
 *
 * <p>Lifecycle: NEW, {@link #start()} (ticks every {@code renewInterval}, checks every {@code
 * checkInterval}, both on the given scheduler, which needs at least two threads because a tick
 * waits up to {@code requestTimeout} for etcd while the agent is not holding; the caller owns and
 * shuts it down), then {@link #close()}, which stops both loops and leaves the lease to expire and
 * the stores as they are. {@link #tick()} and {@link #checkDeadline()} may also be called directly
 * (tests drive a fake clock with them). Thread-safe.
 */
public final class RegionAgent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RegionAgent.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private enum Lifecycle {
    NEW,
    STARTED,
    CLOSED
  }

  private final AgentConfig config;
  private final String id;
  private final Coordination etcd;
  private final Map<String, StoreAdapter> stores = new LinkedHashMap<>();
  private final LongSupplier nanoTime;
  private final InstantSource wallClock;
  private final ScheduledExecutorService scheduler;
  private final Supplier<List<ZoneStatus>> zones;
  private final long ttlNanos;
  private final long budgetNanos;
  private final AtomicReference<Lifecycle> lifecycle = new AtomicReference<>(Lifecycle.NEW);
  private final List<ScheduledFuture<?>> tasks = new ArrayList<>();
  private final ReentrantLock lock = new ReentrantLock();
  // Guarded by lock.
  private AgentState state = AgentState.STANDBY;
  private @Nullable Writer writer;
  private long leaseId;
  private long staleLeaseId;
  private long term;
  private long lastSuccessfulSend;
  // A lease granted and renewed while not holding, so that taking the authority is one put, with
  // a renewal at most a tick old (see keepSpare()). 0: none; pending: a grant is on its way.
  private long spareLeaseId;
  private long spareLastSend;
  private boolean spareGrantPending;
  private long regainedAt;
  private boolean renewalsFailing;
  private final Set<String> fencedByMe = new LinkedHashSet<>();
  private final Set<String> fenceFailed = new LinkedHashSet<>();
  private long fences;
  private @Nullable Long lastLapseToFence;
  private @Nullable Long lastRegainToUnfence;
  // For readers that must not wait for a fence in progress.
  private volatile View view;
  private volatile boolean healthy = true;

  /**
   * @param stores the region's local primaries (their ids unique); the caller closes them
   * @param nanoTime the monotonic clock ({@code System::nanoTime})
   * @param wallClock for the {@code since} field of the authority value only
   * @throws IllegalArgumentException when two stores share an id
   */
  public RegionAgent(
      AgentConfig config,
      Coordination etcd,
      List<StoreAdapter> stores,
      LongSupplier nanoTime,
      InstantSource wallClock,
      ScheduledExecutorService scheduler) {
    this(config, etcd, stores, nanoTime, wallClock, scheduler, List::of);
  }

  /**
   * An agent whose {@link #status()} also shows {@code zones}, the statuses of the in-region
   * failovers run beside it (read on every call, so they must not block).
   */
  public RegionAgent(
      AgentConfig config,
      Coordination etcd,
      List<StoreAdapter> stores,
      LongSupplier nanoTime,
      InstantSource wallClock,
      ScheduledExecutorService scheduler,
      Supplier<List<ZoneStatus>> zones) {
    this.zones = zones;
    this.config = config;
    this.id = config.agentId();
    this.etcd = etcd;
    this.nanoTime = nanoTime;
    this.wallClock = wallClock;
    this.scheduler = scheduler;
    this.ttlNanos = config.leaseTtl().toNanos();
    this.budgetNanos = config.fenceBudget().toNanos();
    for (StoreAdapter s : stores) {
      if (this.stores.put(s.id(), s) != null) {
        throw new IllegalArgumentException(
            "stores: '" + s.id() + "' appears twice (expected: unique store ids)");
      }
    }
    this.view = snapshot();
  }

  /**
   * Starts both loops: ticks now and every {@code renewInterval}, checks the deadline every {@code
   * checkInterval}.
   *
   * @throws IllegalStateException when already started or closed
   */
  public void start() {
    if (!lifecycle.compareAndSet(Lifecycle.NEW, Lifecycle.STARTED)) {
      throw new IllegalStateException(id + ": start in state " + lifecycle.get());
    }
    long renew = config.renewInterval().toNanos();
    long check = config.checkInterval().toNanos();
    tasks.add(scheduler.scheduleAtFixedRate(this::tickSafely, 0, renew, TimeUnit.NANOSECONDS));
    tasks.add(scheduler.scheduleAtFixedRate(this::checkSafely, 0, check, TimeUnit.NANOSECONDS));
    LOG.info("{}: started for region {}, {}", id, config.region(), timings());
  }

  /**
   * Stops both loops; a second close does nothing. The lease expires, the stores stay as they are.
   */
  @Override
  public void close() {
    if (lifecycle.getAndSet(Lifecycle.CLOSED) != Lifecycle.CLOSED) {
      tasks.forEach(t -> t.cancel(false));
      LOG.info("{}: closed in state {}; lease left to expire, stores untouched", id, view.state);
    }
  }

  /** The agent's state now. */
  public AgentStatus status() {
    View v = view;
    long now = nanoTime.getAsLong();
    boolean held = v.leaseId != 0;
    return new AgentStatus(
        id,
        config.region(),
        v.state,
        v.writer == null ? null : v.writer.region(),
        v.term == 0 ? null : v.term,
        held ? v.leaseId : null,
        held ? millis(now - v.lastSuccessfulSend) : null,
        held ? millis(v.lastSuccessfulSend + ttlNanos - budgetNanos - now) : null,
        config.leaseTtl().toMillis(),
        config.fenceBudget().toMillis(),
        v.fencedByMe,
        v.fences,
        v.lastLapseToFence == null ? null : millis(v.lastLapseToFence),
        v.lastRegainToUnfence == null ? null : millis(v.lastRegainToUnfence),
        healthy,
        zones.get());
  }

  /**
   * One round of rules 1, 3 and 4: while holding, sends a renewal (without waiting for it) and
   * re-reads the writer; otherwise reads the writer and, when it names this region, acquires the
   * authority (waiting for etcd up to the request timeout per call).
   *
   * @throws CoordinationUnavailableException when etcd cannot be read or written while acquiring
   * @throws IllegalStateException when closed
   */
  public void tick() {
    requireOpen();
    View v = view;
    if (v.state == AgentState.HOLDING) {
      renew(v.leaseId);
      watchWriter(v.leaseId);
      retryUnfence();
    } else {
      keepSpare();
      acquire();
    }
  }

  /**
   * While not holding: grants the spare lease, or renews it (without waiting for either). Taking
   * the authority with a lease granted then took a grant and a put, two Raft writes across the WAN
   * to the etcd leader: on a loaded lab up to 750 ms, so the agent started holding with its
   * deadline (counted from the grant's send) already passed or some ms away, fenced the primaries
   * it had just been given, and did the same again on each retry (measured: three fences in 2 s
   * after a failover, write RTO 7.7 s).
   */
  private void keepSpare() {
    long spare;
    lock.lock();
    try {
      if (spareGrantPending) {
        return;
      }
      spare = spareLeaseId;
      spareGrantPending = spare == 0;
    } finally {
      lock.unlock();
    }
    long sentAt = nanoTime.getAsLong();
    if (spare == 0) {
      var unused =
          etcd.grant(config.leaseTtl())
              .whenComplete((lease, e) -> later(() -> onSpareGranted(lease, sentAt)));
    } else {
      var unused =
          etcd.keepAliveOnce(spare)
              .whenComplete((r, e) -> later(() -> onSpareRenewal(spare, sentAt, r)));
    }
  }

  private void onSpareGranted(@Nullable Lease lease, long sentAt) {
    lock.lock();
    try {
      spareGrantPending = false;
      if (lease == null) {
        return; // the grant failed: the next tick tries again
      }
      if (spareLeaseId != 0 || state == AgentState.HOLDING) {
        revokeQuietly(lease.id());
        return;
      }
      spareLeaseId = lease.id();
      spareLastSend = sentAt;
    } finally {
      lock.unlock();
    }
  }

  private void onSpareRenewal(long spare, long sentAt, @Nullable Renewal renewal) {
    lock.lock();
    try {
      if (spare == leaseId && state == AgentState.HOLDING) {
        // Sent for the spare before it was taken (the tick that took it sends one first): it
        // renewed the lease this agent now holds on, at its send time like any other renewal.
        if (renewal instanceof Renewed) {
          renewed(sentAt);
        }
        return;
      }
      if (spare != spareLeaseId) {
        return;
      }
      switch (renewal) {
        case Renewed r -> {
          if (sentAt - spareLastSend > 0) {
            spareLastSend = sentAt;
          }
        }
        case LeaseGone g -> spareLeaseId = 0;
        case null -> {} // not answered: kept until its own deadline passes
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes the spare lease when its deadline (last successful renewal sent + TTL - fence budget) has
   * not passed: holding on it, the agent's deadline is the one the spare had, so it stays before
   * the lease's expiry in etcd by the same argument as for a granted lease. Null when there is none
   * usable (a stale one is revoked).
   */
  private @Nullable Spare takeSpare() {
    lock.lock();
    try {
      long spare = spareLeaseId;
      if (spare == 0) {
        return null;
      }
      spareLeaseId = 0;
      if (nanoTime.getAsLong() - (spareLastSend + ttlNanos - budgetNanos) >= 0) {
        revokeQuietly(spare);
        return null;
      }
      return new Spare(new Lease(spare, config.leaseTtl()), spareLastSend);
    } finally {
      lock.unlock();
    }
  }

  private record Spare(Lease lease, long lastSend) {}

  /**
   * Rule 2: fences the stores when the deadline has passed while holding; retries fences that
   * failed while fenced-self.
   *
   * @throws IllegalStateException when closed
   */
  public void checkDeadline() {
    requireOpen();
    lock.lock();
    try {
      long now = nanoTime.getAsLong();
      if (state == AgentState.HOLDING && now - deadline() >= 0) {
        fenceSelf("no successful renewal before the deadline", now);
      } else if (state == AgentState.FENCED_SELF && !fenceFailed.isEmpty()) {
        fenceAll(List.copyOf(fenceFailed));
        publish();
      }
    } finally {
      lock.unlock();
    }
  }

  private void renew(long lease) {
    long sentAt = nanoTime.getAsLong();
    var unused =
        etcd.keepAliveOnce(lease)
            .whenComplete((r, e) -> later(() -> onRenewal(lease, sentAt, r, e)));
  }

  private void onRenewal(
      long lease, long sentAt, @Nullable Renewal renewal, @Nullable Throwable e) {
    lock.lock();
    try {
      if (lease != leaseId || state != AgentState.HOLDING) {
        return; // an answer about a lease this agent no longer holds
      }
      switch (renewal) {
        case Renewed r -> renewed(sentAt);
        case LeaseGone g -> fenceSelf(g.detail(), nanoTime.getAsLong());
        case null -> renewalFailed(e);
      }
    } finally {
      lock.unlock();
    }
  }

  private void renewed(long sentAt) {
    if (sentAt - lastSuccessfulSend > 0) {
      lastSuccessfulSend = sentAt;
    }
    if (renewalsFailing) {
      renewalsFailing = false;
      LOG.info("{}: renewals succeed again; {}", id, snapshotText(nanoTime.getAsLong()));
    }
    publish();
  }

  private void renewalFailed(@Nullable Throwable e) {
    if (!renewalsFailing) {
      renewalsFailing = true;
      LOG.warn("{}: renewal failed: {}; {}", id, e, snapshotText(nanoTime.getAsLong()));
    }
  }

  private void watchWriter(long lease) {
    var unused =
        etcd.get(config.writerKey())
            .whenComplete(
                (got, e) -> {
                  if (e == null) {
                    later(() -> onWriterWhileHolding(lease, got));
                  }
                });
  }

  private void onWriterWhileHolding(long lease, Optional<Versioned> got) {
    lock.lock();
    try {
      Writer w = parse(got);
      if (lease != leaseId || state != AgentState.HOLDING || w == null) {
        return;
      }
      writer = w;
      if (!isOurs(w)) {
        LOG.warn(
            "{}: writer is now {} (term {}) while this agent held lease {}: fencing the local"
                + " primaries, then releasing the authority; {}",
            id,
            w.region(),
            w.term(),
            hex(leaseId),
            snapshotText(nanoTime.getAsLong()));
        // Fence before the key goes: the orchestrator's gate takes the key's disappearance as "no
        // writer left in this region" (expired, so past this agent's deadline; or released, so
        // fenced here). Fencing what the orchestrator fenced already is a no-op.
        fenceAll(List.copyOf(stores.keySet()));
        revokeQuietly(leaseId);
        standBy();
      } else if (w.term() != term) {
        LOG.info("{}: writer term {} -> {} while holding", id, term, w.term());
        term = w.term();
      }
      publish();
    } finally {
      lock.unlock();
    }
  }

  private void acquire() {
    Optional<Versioned> got = await(etcd.get(config.writerKey()));
    Writer w = parse(got);
    if (w == null) {
      return;
    }
    if (!isOurs(w)) {
      lock.lock();
      try {
        writer = w;
        standBy();
        publish();
      } finally {
        lock.unlock();
      }
      return;
    }
    acquire(w, got.orElseThrow().modRevision());
  }

  private void acquire(Writer w, long writerRevision) {
    long stale = view.staleLeaseId;
    if (stale != 0) {
      // Clean-up only: the put below replaces the key, and a stale lease expires by itself.
      revokeQuietly(stale);
    }
    Spare spare = takeSpare();
    long sentAt;
    Lease lease;
    if (spare != null) {
      sentAt = spare.lastSend();
      lease = spare.lease();
    } else {
      sentAt = nanoTime.getAsLong();
      lease = await(etcd.grant(config.leaseTtl()));
    }
    String value = authorityValue(w.term());
    // A renewal sent with the put, so that the agent starts holding with a deadline counted from
    // the put's send, not from the spare's last renewal or the grant, both sent before the writer
    // was read: that read and the put are Raft round trips across the WAN, together up to 600 ms
    // on a loaded lab, and an agent that started holding with its deadline some ms away fenced the
    // primaries the orchestrator had just promoted (a plan's verify step found them read-only).
    long renewSent = nanoTime.getAsLong();
    CompletableFuture<Renewal> renewal = etcd.keepAliveOnce(lease.id());
    boolean put =
        await(
            etcd.putIfUnchanged(
                config.authorityKey(), value, lease.id(), config.writerKey(), writerRevision));
    if (!put) {
      LOG.info("{}: writer changed while acquiring; revoking lease {}", id, hex(lease.id()));
      revokeQuietly(lease.id());
      return;
    }
    if (renewal.isDone()
        && !renewal.isCompletedExceptionally()
        && renewal.join() instanceof Renewed
        && renewSent - sentAt > 0) {
      sentAt = renewSent;
    }
    hold(w, lease, sentAt);
    // Not answered yet: it counts when it is, like any renewal of the held lease.
    var unused =
        renewal.whenComplete((r, e) -> later(() -> onRenewal(lease.id(), renewSent, r, e)));
  }

  private void hold(Writer w, Lease lease, long sentAt) {
    lock.lock();
    try {
      boolean resume = state == AgentState.FENCED_SELF && term == w.term();
      if (!resume && !fencedByMe.isEmpty()) {
        LOG.info(
            "{}: term {} -> {}: the orchestrator moved the writer since this agent fenced {}; not"
                + " unfencing them",
            id,
            term,
            w.term(),
            fencedByMe);
        fencedByMe.clear();
      }
      if (lease.ttl().compareTo(config.leaseTtl()) != 0) {
        LOG.warn("{}: etcd granted {} for a TTL of {}", id, lease.ttl(), config.leaseTtl());
      }
      state = AgentState.HOLDING;
      writer = w;
      term = w.term();
      leaseId = lease.id();
      staleLeaseId = 0;
      lastSuccessfulSend = sentAt;
      regainedAt = sentAt;
      renewalsFailing = false;
      fenceFailed.clear();
      // A renewal now, not at the next tick: the lease's last renewal was sent before the writer
      // key was read and the authority put, which takes hundreds of ms on a loaded lab.
      renew(leaseId);
      LOG.info(
          "{}: holding {} (term {}) on lease {}; {}",
          id,
          config.authorityKey(),
          term,
          hex(leaseId),
          snapshotText(nanoTime.getAsLong()));
      unfenceMine();
      publish();
    } finally {
      lock.unlock();
    }
  }

  private void retryUnfence() {
    if (view.fencedByMe.isEmpty()) {
      return;
    }
    lock.lock();
    try {
      unfenceMine();
      publish();
    } finally {
      lock.unlock();
    }
  }

  /** Under lock: unfences what this agent fenced, while the deadline has not passed. */
  private void unfenceMine() {
    if (fencedByMe.isEmpty() || state != AgentState.HOLDING) {
      return;
    }
    for (String storeId : List.copyOf(fencedByMe)) {
      if (nanoTime.getAsLong() - deadline() >= 0) {
        return; // the next check fences again; unfencing now would outlive the authority
      }
      StoreResult r = store(storeId).unfence();
      LOG.info("{}: unfence {}: {}", id, storeId, r);
      if (!(r instanceof StoreResult.Retry)) {
        fencedByMe.remove(storeId); // unfenced, or no longer a primary to unfence
      }
    }
    if (fencedByMe.isEmpty()) {
      lastRegainToUnfence = nanoTime.getAsLong() - regainedAt;
      LOG.info(
          "{}: unfenced every store it had fenced, {} ms after regaining the lease",
          id,
          millis(lastRegainToUnfence));
    }
  }

  /** Under lock: rule 2. */
  private void fenceSelf(String reason, long now) {
    String before = snapshotText(now);
    state = AgentState.FENCED_SELF;
    staleLeaseId = leaseId;
    leaseId = 0;
    fenceAll(List.copyOf(stores.keySet()));
    long done = nanoTime.getAsLong();
    fences++;
    lastLapseToFence = done - lastSuccessfulSend;
    LOG.warn(
        "{}: fenced-self: {}; {}; fenced by this agent {}, fence failed {}, last renewal to fence"
            + " {} ms",
        id,
        reason,
        before,
        fencedByMe,
        fenceFailed,
        millis(lastLapseToFence));
    publish();
  }

  /** Under lock: fences {@code ids}, remembering which fences this agent applied. */
  private void fenceAll(List<String> ids) {
    for (String storeId : ids) {
      StoreResult r = store(storeId).fence();
      switch (r) {
        case StoreResult.Applied a -> {
          fencedByMe.add(storeId);
          fenceFailed.remove(storeId);
        }
        case StoreResult.AlreadyDone d -> fenceFailed.remove(storeId);
        case StoreResult.Retry t -> fenceFailed.add(storeId);
        case StoreResult.Fatal f -> fenceFailed.remove(storeId); // not a primary: nothing to stop
      }
      LOG.warn("{}: fence {}: {}", id, storeId, r);
    }
  }

  /** Under lock: rule 4. */
  private void standBy() {
    if (state != AgentState.STANDBY) {
      LOG.info(
          "{}: standby: writer is {}; stores left as they are (fenced by this agent: {})",
          id,
          writer,
          fencedByMe);
    }
    state = AgentState.STANDBY;
    leaseId = 0;
    fencedByMe.clear();
    fenceFailed.clear();
  }

  private void revokeQuietly(long lease) {
    var unused =
        etcd.revoke(lease)
            .whenComplete(
                (r, e) -> {
                  if (e != null) {
                    LOG.info(
                        "{}: revoking lease {} failed (it expires anyway): {}", id, hex(lease), e);
                  }
                });
  }

  private long deadline() {
    return lastSuccessfulSend + ttlNanos - budgetNanos;
  }

  private boolean isOurs(Writer w) {
    return w.region().equals(config.region());
  }

  private @Nullable Writer parse(Optional<Versioned> got) {
    if (got.isEmpty()) {
      LOG.debug("{}: no writer key {} yet", id, config.writerKey());
      return null;
    }
    try {
      return Writer.parse(got.get().value());
    } catch (IllegalArgumentException e) {
      LOG.error("{}: {}: {}", id, config.writerKey(), e.getMessage());
      return null;
    }
  }

  private String authorityValue(long writerTerm) {
    return JSON.createObjectNode()
        .put("agent", id)
        .put("term", writerTerm)
        .put("since", wallClock.instant().toString())
        .toString();
  }

  private StoreAdapter store(String storeId) {
    StoreAdapter s = stores.get(storeId);
    if (s == null) {
      throw new IllegalStateException(id + ": unknown store " + storeId);
    }
    return s;
  }

  private void later(Runnable action) {
    try {
      scheduler.execute(() -> runSafely("etcd answer", action));
    } catch (RejectedExecutionException e) {
      LOG.debug("{}: scheduler stopped; dropping an etcd answer", id);
    }
  }

  private void tickSafely() {
    if (lifecycle.get() == Lifecycle.STARTED) {
      runSafely("tick", this::tick);
    }
  }

  private void checkSafely() {
    if (lifecycle.get() == Lifecycle.STARTED) {
      runSafely("deadline check", this::checkDeadline);
    }
  }

  /** The loop boundary: etcd being away is expected; anything else marks the agent unhealthy. */
  private void runSafely(String what, Runnable action) {
    try {
      action.run();
      healthy = true;
    } catch (CoordinationUnavailableException e) {
      LOG.debug("{}: {}: {}", id, what, e.getMessage());
    } catch (RuntimeException e) {
      healthy = false;
      LOG.error("{}: {} failed; {}: {}", id, what, snapshotText(nanoTime.getAsLong()), e, e);
    }
  }

  private <T> T await(CompletableFuture<T> call) {
    try {
      return call.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CoordinationUnavailableException(id + ": interrupted waiting for etcd", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof CoordinationUnavailableException cu) {
        throw cu;
      }
      throw new CoordinationUnavailableException(id + ": etcd call failed: " + cause, e);
    }
  }

  private void requireOpen() {
    if (lifecycle.get() == Lifecycle.CLOSED) {
      throw new IllegalStateException(id + ": used after close");
    }
  }

  /** The state snapshot every log line about the lease carries. */
  private String snapshotText(long now) {
    if (leaseId == 0) {
      return "state=" + state.wireName() + ", no lease, ttl=" + config.leaseTtl().toMillis() + "ms";
    }
    return "state="
        + state.wireName()
        + ", lease="
        + hex(leaseId)
        + ", term="
        + term
        + ", lastRenewalAge="
        + millis(now - lastSuccessfulSend)
        + "ms, deadlineIn="
        + millis(deadline() - now)
        + "ms, ttl="
        + config.leaseTtl().toMillis()
        + "ms, fenceBudget="
        + config.fenceBudget().toMillis()
        + "ms";
  }

  private String timings() {
    return "ttl="
        + config.leaseTtl().toMillis()
        + "ms, renewEvery="
        + config.renewInterval().toMillis()
        + "ms, fenceBudget="
        + config.fenceBudget().toMillis()
        + "ms, checkEvery="
        + config.checkInterval().toMillis()
        + "ms";
  }

  private void publish() {
    view = snapshot();
  }

  private View snapshot() {
    return new View(
        state,
        writer,
        term,
        leaseId,
        staleLeaseId,
        lastSuccessfulSend,
        List.copyOf(fencedByMe),
        fences,
        lastLapseToFence,
        lastRegainToUnfence);
  }

  private static long millis(long nanos) {
    return Math.floorDiv(nanos, 1_000_000L);
  }

  private static String hex(long lease) {
    return Long.toHexString(lease);
  }

  private record View(
      AgentState state,
      @Nullable Writer writer,
      long term,
      long leaseId,
      long staleLeaseId,
      long lastSuccessfulSend,
      List<String> fencedByMe,
      long fences,
      @Nullable Long lastLapseToFence,
      @Nullable Long lastRegainToUnfence) {}
}
