package io.summit.dr.agent.zones;

import io.summit.dr.agent.zones.ZoneNodeClient.Probe;
import io.summit.dr.agent.zones.ZoneNodeClient.Probe.Answered;
import io.summit.dr.agent.zones.ZoneStatus.Failover;
import io.summit.dr.agent.zones.ZoneStatus.StandbyState;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreResult;
import io.summit.dr.replication.postgres.PostgresControl;
import io.summit.dr.topology.StandbyLoss;
import io.summit.dr.topology.StandbyMode;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-region (Multi-AZ) failover of one PostgreSQL store in the agent's region, as RDS Multi-AZ
 * does it: two nodes, one per zone, and a region endpoint that targets the <em>writer node</em>.
 * The endpoint targets the first zone's node at start (or the node it says it targets, when it can
 * say); only this class moves it. Every {@code probeInterval} it probes both nodes directly and:
 *
 * <ol>
 *   <li><b>Failover.</b> When the writer node failed {@code failureThreshold} probes in a row, the
 *       agent holds its region's write authority, the other node answered its last probe as a
 *       standby that was streaming (at the writer's last successful probe, or by its own WAL
 *       receiver) and, with a synchronous standby, the writer's last successful probe showed it
 *       {@code sync}: it promotes the other node, sets its {@code synchronous_standby_names} to ''
 *       (it writes alone until the other zone's node is back) and moves the endpoint to it. The
 *       standby's own receiver is not required to stream <em>now</em>: it stops the moment its
 *       primary dies. An asynchronous standby is promoted with a warning that the last writes may
 *       be lost. When a condition fails it does nothing, logs why once and shows it in the status
 *       ({@link ZoneStatus#refusedBecause()}). Once started, a failover is carried to its end,
 *       retried step by step; one loss gets one failover.
 *   <li><b>Rejoin.</b> While holding and the writer node is a primary, or without the authority and
 *       both nodes standbys (a replica region: the other node cascades from the cross-region
 *       replica, and is never rejoined while a primary), the other node must be a standby streaming
 *       from it: when it answers as a primary, or answers without streaming for {@code
 *       rejoinAfter}, it is rejoined to the writer's peer address (pg_rewind, in the background),
 *       at most once per {@code rejoinAfter}.
 *   <li><b>Synchronous standby upkeep</b> (synchronous mode, while holding): when the writer node
 *       is a primary and the other node streams from it, the writer's {@code
 *       synchronous_standby_names} is the other node's quoted application name.
 *   <li><b>Standby loss</b> while the writer lives (the other node failed {@code failureThreshold}
 *       probes, or the writer saw it not streaming in as many probes in a row): an alert, logged
 *       once and shown in the status. With {@link StandbyLoss#WAIT} commits wait; with {@link
 *       StandbyLoss#KEEP_WRITING} (and a synchronous standby, while holding) the writer's {@code
 *       synchronous_standby_names} is cleared until the standby streams again.
 * </ol>
 *
 * Without the authority (a replica region) it only observes and reports.
 *
 * <p>Lifecycle: NEW, {@link #start()} (ticks on the given scheduler), {@link #close()} (stops
 * ticking and closes the node clients; the nodes and the endpoint stay as they are). Thread-safe;
 * {@link #status()} never waits for a tick.
 */
public final class ZoneFailover implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ZoneFailover.class);
  private static final java.time.Duration ENDPOINT_TIMEOUT = java.time.Duration.ofSeconds(2);

  private enum Lifecycle {
    NEW,
    STARTED,
    CLOSED
  }

  /**
   * A failover once decided: promote, go standalone, move the endpoint; each retried until done.
   */
  private static final class Move {
    final int to;
    final long firstFailure;
    boolean promoted;
    boolean standalone;

    Move(int to, long firstFailure) {
      this.to = to;
      this.firstFailure = firstFailure;
    }
  }

  private final ZoneSettings settings;
  private final String id;
  private final List<ZoneNode> nodes;
  private final List<ZoneNodeClient> clients;
  private final RegionEndpoint endpoint;
  private final Optional<RegionEndpoint> source;
  private final BooleanSupplier holding;
  private final LongSupplier nanoTime;
  private final InstantSource wallClock;
  private final ScheduledExecutorService scheduler;
  private final Executor operations;
  private final @Nullable ExecutorService ownedOperations;
  private final AtomicReference<Lifecycle> lifecycle = new AtomicReference<>(Lifecycle.NEW);
  private final ReentrantLock lock = new ReentrantLock();
  private volatile @Nullable ScheduledFuture<?> task;
  // Guarded by lock.
  private int writer;
  private final NodeTrack[] tracks = {new NodeTrack(), new NodeTrack()};
  private final StandbyWatch watch;
  private @Nullable Move move;
  private @Nullable String refusal;
  private @Nullable String failedFailover;
  private long failovers;
  private @Nullable Failover lastFailover;
  private final Map<String, String> logged = new HashMap<>();
  private volatile ZoneStatus status;
  // the node the replication source endpoint targets (-1: not known yet); guarded by lock
  private int sourceAt = -1;

  /**
   * @param first the client of {@code settings.first()}'s node, the writer node at start
   * @param second the client of {@code settings.second()}'s node
   * @param holding whether the agent holds its region's write authority now
   * @param nanoTime the monotonic clock ({@code System::nanoTime})
   * @param wallClock for the time of a failover in the status
   * @param scheduler runs the ticks; the caller owns it
   * @param operations runs the two probes of a tick side by side and the rejoins (which take
   *     seconds); the caller owns it
   */
  public ZoneFailover(
      ZoneSettings settings,
      ZoneNodeClient first,
      ZoneNodeClient second,
      RegionEndpoint endpoint,
      BooleanSupplier holding,
      LongSupplier nanoTime,
      InstantSource wallClock,
      ScheduledExecutorService scheduler,
      Executor operations) {
    this(
        settings,
        first,
        second,
        endpoint,
        Optional.empty(),
        holding,
        nanoTime,
        wallClock,
        scheduler,
        operations,
        null);
  }

  /** As the public constructor, with a replication source to keep (tests pass one too). */
  ZoneFailover(
      ZoneSettings settings,
      ZoneNodeClient first,
      ZoneNodeClient second,
      RegionEndpoint endpoint,
      Optional<RegionEndpoint> source,
      BooleanSupplier holding,
      LongSupplier nanoTime,
      InstantSource wallClock,
      ScheduledExecutorService scheduler,
      Executor operations,
      @Nullable ExecutorService ownedOperations) {
    this.source = source;
    this.settings = settings;
    this.id = settings.store();
    this.nodes = List.of(settings.first(), settings.second());
    this.clients = List.of(first, second);
    this.endpoint = endpoint;
    this.holding = holding;
    this.nanoTime = nanoTime;
    this.wallClock = wallClock;
    this.scheduler = scheduler;
    this.operations = operations;
    this.ownedOperations = ownedOperations;
    this.watch = new StandbyWatch(settings, operations, this::logOnce);
    this.status = snapshot();
  }

  /**
   * A zone failover of two PostgreSQL nodes reached over pgjdbc, {@code controls} giving the local
   * control of a node by its direct address (null: it cannot be rejoined, which the status says).
   */
  public static ZoneFailover postgres(
      ZoneSettings settings,
      RegionEndpoint endpoint,
      Optional<RegionEndpoint> source,
      Function<Endpoint, @Nullable PostgresControl> controls,
      List<String> slots,
      BooleanSupplier holding,
      ScheduledExecutorService scheduler) {
    ZoneNode a = settings.first();
    ZoneNode b = settings.second();
    ExecutorService operations = Executors.newVirtualThreadPerTaskExecutor();
    return new ZoneFailover(
        settings,
        new PostgresZoneNode(
            settings.store(),
            a,
            b.applicationName(),
            controls.apply(a.address()),
            settings.probeTimeout(),
            slots),
        new PostgresZoneNode(
            settings.store(),
            b,
            a.applicationName(),
            controls.apply(b.address()),
            settings.probeTimeout(),
            slots),
        endpoint,
        source,
        holding,
        System::nanoTime,
        InstantSource.system(),
        scheduler,
        operations,
        operations);
  }

  /**
   * A zone failover of two Redis nodes reached over Lettuce (asynchronous: the topology refuses a
   * synchronous Redis standby). No replication source: the other regions' replicas follow the
   * region endpoint itself, and Redis's partial resynchronisation (the promoted node keeps its
   * predecessor's replication id as its second one) lets them go on after a move.
   */
  public static ZoneFailover redis(
      ZoneSettings settings,
      RegionEndpoint endpoint,
      BooleanSupplier holding,
      ScheduledExecutorService scheduler) {
    ZoneNode a = settings.first();
    ZoneNode b = settings.second();
    ExecutorService operations = Executors.newVirtualThreadPerTaskExecutor();
    return new ZoneFailover(
        settings,
        new RedisZoneNode(settings.store(), a, b.address().port(), settings.probeTimeout()),
        new RedisZoneNode(settings.store(), b, a.address().port(), settings.probeTimeout()),
        endpoint,
        Optional.empty(),
        holding,
        System::nanoTime,
        InstantSource.system(),
        scheduler,
        operations,
        operations);
  }

  /** The endpoint client {@link #postgres} callers use: {@code RegionEndpoint.http} with 2 s. */
  public static RegionEndpoint endpoint(
      java.net.URI url,
      Optional<io.summit.dr.access.BearerToken> token,
      Optional<javax.net.ssl.SSLContext> trust) {
    return RegionEndpoint.http(url, token, ENDPOINT_TIMEOUT, trust);
  }

  /**
   * Asks the endpoint where it points (keeping the first zone's node as the writer when it cannot
   * say), then ticks now and every {@code probeInterval}.
   *
   * @throws IllegalStateException when already started or closed
   */
  public void start() {
    if (!lifecycle.compareAndSet(Lifecycle.NEW, Lifecycle.STARTED)) {
      throw new IllegalStateException(id + ": start in state " + lifecycle.get());
    }
    Optional<Endpoint> target = endpoint.target();
    lock.lock();
    try {
      if (target.isPresent() && target.get().equals(nodes.get(1).address())) {
        writer = 1;
      }
      publish();
    } finally {
      lock.unlock();
    }
    long interval = settings.probeInterval().toNanos();
    task = scheduler.scheduleAtFixedRate(this::tickSafely, 0, interval, TimeUnit.NANOSECONDS);
    LOG.info(
        "{}: zone failover started; writer node in zone {} ({}), standby zone {}, {} standby,"
            + " on loss {}, probes every {} ms (timeout {} ms, {} failures), endpoint {}",
        id,
        zone(writer),
        nodes.get(writer).address(),
        zone(other()),
        settings.standby().name().toLowerCase(java.util.Locale.ROOT),
        settings.onStandbyLoss().name().toLowerCase(java.util.Locale.ROOT),
        settings.probeInterval().toMillis(),
        settings.probeTimeout().toMillis(),
        settings.failureThreshold(),
        endpoint);
  }

  /**
   * Stops ticking and closes the node clients; a second close does nothing. A rejoin under way is
   * left to finish.
   */
  @Override
  public void close() {
    if (lifecycle.getAndSet(Lifecycle.CLOSED) == Lifecycle.CLOSED) {
      return;
    }
    ScheduledFuture<?> t = task;
    if (t != null) {
      t.cancel(false);
    }
    clients.forEach(ZoneNodeClient::close);
    if (ownedOperations != null) {
      ownedOperations.shutdown(); // a rejoin under way ends as it would have (not interrupted)
    }
  }

  /** What it sees and did, as of the last tick. */
  public ZoneStatus status() {
    return status;
  }

  /** One round: probes both nodes, then applies the rules of the class comment. */
  void tick() {
    lock.lock();
    try {
      if (lifecycle.get() == Lifecycle.CLOSED) {
        return;
      }
      long now = nanoTime.getAsLong();
      List<Probe> seen = probeBoth();
      for (int i = 0; i < 2; i++) {
        tracks[i].record(seen.get(i), now);
      }
      boolean holds = holding.getAsBoolean();
      watch.takeRejoinOutcome(now); // one that ended between ticks backs off before rejoinIfDue
      NodeTrack w = tracks[writer];
      if (move != null) {
        continueMove();
      } else if (w.failures >= settings.failureThreshold()) {
        writerLost(holds);
      } else if (w.last instanceof Answered answered) {
        writerAnswers(answered, holds, now);
      }
      watch.takeRejoinOutcome(now);
      if (move == null) {
        keepSource();
      }
      publish();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The replication source (when given): the other regions' replicas stream from the standby while
   * it streams from the writer (synchronously, when the standby is synchronous and the writer a
   * primary), else from the writer. Cascading from the standby, a replica never holds WAL the
   * standby lacks, so it follows the standby's promotion; re-attached to the writer it could be
   * ahead of a standby promoted later, and stop there. The slots the replicas use are created on
   * the new target before the move and dropped, unused, from the old one after it.
   */
  private void keepSource() {
    if (source.isEmpty()) {
      return;
    }
    StandbyState standby = standbyState();
    boolean writerIsPrimary = tracks[writer].last instanceof Answered w && !w.inRecovery();
    boolean standbyServes =
        standby == StandbyState.SYNC
            || (standby == StandbyState.ASYNC
                && (!writerIsPrimary || settings.standby() == StandbyMode.ASYNCHRONOUS));
    int wanted = standbyServes ? other() : writer;
    if (wanted == sourceAt || !(tracks[wanted].last instanceof Answered)) {
      return;
    }
    if (sourceAt >= 0
        && tracks[sourceAt].last instanceof Answered
        && clients.get(sourceAt).copyInProgress()) {
      // a replica is being rewound or re-cloned through the source: moving it now would cut the
      // copy (a pg_rewind cut this way fell back to a 69 s base backup in a failback)
      logOnce(
          "source",
          "copy",
          id
              + ": replication source stays on zone "
              + zone(sourceAt)
              + "'s node while a replica copies from it (pg_rewind or pg_basebackup)");
      return;
    }
    StoreResult slots = clients.get(wanted).ensureSlots();
    if (!slots.succeeded()) {
      logOnce("source", slots.detail(), id + ": replication source: " + slots.detail());
      return;
    }
    StoreResult moved = source.get().moveTo(nodes.get(wanted).address());
    if (!moved.succeeded()) {
      logOnce("source", moved.detail(), id + ": replication source: " + moved.detail());
      return;
    }
    int before = sourceAt;
    sourceAt = wanted;
    logged.remove("source");
    LOG.info(
        "{}: replication source now zone {}'s node ({}): {}",
        id,
        zone(wanted),
        standbyServes ? "the streaming standby" : "the writer",
        moved.detail());
    if (before >= 0 && tracks[before].last instanceof Answered) {
      StoreResult dropped = clients.get(before).dropIdleSlots();
      if (!dropped.succeeded()) {
        LOG.info("{}: {}", id, dropped.detail());
      }
    }
  }

  private void tickSafely() {
    if (lifecycle.get() != Lifecycle.STARTED) {
      return;
    }
    try {
      tick();
    } catch (RuntimeException e) {
      LOG.error("{}: zone failover tick failed; writer zone {}: {}", id, zone(writer), e, e);
    }
  }

  private List<Probe> probeBoth() {
    List<CompletableFuture<Probe>> probes = new ArrayList<>();
    for (ZoneNodeClient c : clients) {
      probes.add(
          CompletableFuture.supplyAsync(c::probe, operations)
              .exceptionally(e -> new Probe.Unanswered(String.valueOf(e))));
    }
    return probes.stream().map(CompletableFuture::join).toList();
  }

  private void writerLost(boolean holds) {
    String why = whyNoFailover(holds);
    NodeTrack w = tracks[writer];
    if (why != null) {
      refusal = why;
      logOnce(
          "refusal",
          why,
          id
              + ": writer node in zone "
              + zone(writer)
              + " lost ("
              + w.failures
              + " failed probes, last: "
              + w.lastFailure
              + "); no failover: "
              + why);
      return;
    }
    refusal = null;
    move = new Move(other(), w.firstFailure);
    LOG.warn(
        "{}: writer node in zone {} lost ({} failed probes, last: {}); failing over to zone {}{}",
        id,
        zone(writer),
        w.failures,
        w.lastFailure,
        zone(other()),
        settings.standby() == StandbyMode.ASYNCHRONOUS
            ? " (asynchronous standby: the last writes may be lost)"
            : " (synchronous standby: nothing acknowledged is lost)");
    continueMove();
  }

  /** Why the lost writer node must not be failed over now; null when it may. */
  private @Nullable String whyNoFailover(boolean holds) {
    if (!holds) {
      return "the agent does not hold its region's write authority: observing only";
    }
    if (failedFailover != null) {
      return "the failover of this loss failed: " + failedFailover;
    }
    if (watch.rejoining()) {
      return "the standby zone's node is being rejoined";
    }
    if (!(tracks[other()].last instanceof Answered standby)) {
      return "the standby zone's node did not answer its last probe either";
    }
    if (!standby.inRecovery()) {
      return "the standby zone's node is a primary, not a standby";
    }
    Answered w = tracks[writer].lastAnswer;
    if (!(w != null && w.peerStreaming()) && !standby.receiving()) {
      return "the standby was not streaming at the writer's last probe: promoting it would lose"
          + " writes";
    }
    if (settings.standby() == StandbyMode.SYNCHRONOUS && (w == null || !w.peerSynchronous())) {
      return "standby was not synchronous at the writer's last probe (sync_state="
          + (w == null ? "unknown: the writer never answered" : w.peerSyncState())
          + "): promoting it could lose acknowledged writes";
    }
    return null;
  }

  private void continueMove() {
    Move m = java.util.Objects.requireNonNull(move);
    ZoneNodeClient to = clients.get(m.to);
    if (!m.promoted) {
      StoreResult r = to.promote();
      if (r instanceof StoreResult.Fatal) {
        move = null;
        failedFailover = r.detail();
        LOG.error("{}: failover to zone {} abandoned: {}", id, zone(m.to), r.detail());
        return;
      }
      if (!step("promote", r)) {
        return;
      }
      m.promoted = true;
      // what a probe would see now (the status shows it until the next probe); no standby yet
      tracks[m.to].record(new Answered(false, "", null, null, null), nanoTime.getAsLong());
    }
    if (!m.standalone) {
      if (!step("standalone", to.setSynchronousStandbyNames(""))) {
        return;
      }
      m.standalone = true;
    }
    if (!step("endpoint", endpoint.moveTo(nodes.get(m.to).address()))) {
      return;
    }
    long took = nanoTime.getAsLong() - m.firstFailure;
    lastFailover =
        new Failover(wallClock.instant().toString(), millis(took), zone(writer), zone(m.to));
    failovers++;
    LOG.warn(
        "{}: failed over from zone {} to zone {} in {} ms (first failed probe to endpoint moved);"
            + " the new writer writes alone until zone {}'s node is back",
        id,
        zone(writer),
        zone(m.to),
        millis(took),
        zone(writer));
    writer = m.to;
    move = null;
    watch.reset();
  }

  /** Whether a failover step succeeded; logs a failed one once per message. */
  private boolean step(String name, StoreResult r) {
    if (r.succeeded()) {
      LOG.info("{}: failover {}: {}", id, name, r.detail());
      return true;
    }
    logOnce(
        "step " + name,
        r.detail(),
        id + ": failover " + name + " failed, retried next tick: " + r.detail());
    return false;
  }

  private void writerAnswers(Answered w, boolean holds, long now) {
    if (refusal != null || failedFailover != null) {
      LOG.info("{}: writer node in zone {} answers again ({})", id, zone(writer), w.role());
      refusal = null;
      failedFailover = null;
      logged.remove("refusal");
    }
    NodeTrack s = tracks[other()];
    if (holds
        && w.inRecovery()
        && !watch.rejoining()
        && s.last instanceof Answered a
        && !a.inRecovery()) {
      adopt();
      return;
    }
    if (!holds
        && w.inRecovery()
        && settings.standby() == StandbyMode.SYNCHRONOUS
        && !w.synchronousStandbyNames().isEmpty()) {
      // A replica region's writer node (the cross-region replica) is promoted by a regional
      // failover or a failback; it then writes alone, as a node this class promotes does, until
      // this agent holds the authority and sees the zone standby streaming
      // (keepSynchronousStandby).
      // With the setting left, its first commits (the writer term) waited seconds for a standby
      // still being rejoined: a failback's promote/postgres took 7.8 and 9.3 s.
      StoreResult r = clients.get(writer).setSynchronousStandbyNames("");
      if (r.succeeded()) {
        LOG.info(
            "{}: {}; the replica region's writer node will start alone if promoted",
            id,
            r.detail());
      } else {
        logOnce(
            "replica-sync",
            r.detail(),
            id + ": clearing its synchronous standby failed: " + r.detail());
      }
    }
    boolean primary = holds && !w.inRecovery();
    ZoneNode standby = nodes.get(other());
    watch.observe(w, s, standby, primary ? clients.get(writer) : null);
    if (primary) {
      watch.rejoinIfDue(w, s, standby, clients.get(other()), nodes.get(writer).peer(), now);
      watch.keepSynchronousStandby(w, s, standby, clients.get(writer));
    } else if (!holds && w.inRecovery() && s.last instanceof Answered a && a.inRecovery()) {
      // A replica region: the other zone's node cascades from the cross-region replica. After a
      // failback rewound that replica, the cascading node is on the abandoned timeline (and its
      // slot is gone): a standby there is rejoined like a writer region's; a primary never is
      // without the authority.
      watch.rejoinIfDue(w, s, standby, clients.get(other()), nodes.get(writer).peer(), now);
    }
  }

  /**
   * The writer node answers as a standby and the other as a primary (an agent started after a
   * failover whose endpoint could not say where it points): the endpoint follows the primary.
   */
  private void adopt() {
    StoreResult r = endpoint.moveTo(nodes.get(other()).address());
    if (!r.succeeded()) {
      logOnce(
          "adopt", r.detail(), id + ": moving the endpoint to the primary failed: " + r.detail());
      return;
    }
    LOG.warn(
        "{}: zone {}'s node is a standby and zone {}'s a primary: the endpoint now targets zone"
            + " {}'s ({}; not counted as a failover)",
        id,
        zone(writer),
        zone(other()),
        zone(other()),
        r.detail());
    writer = other();
    watch.reset();
  }

  private void publish() {
    status = snapshot();
  }

  private ZoneStatus snapshot() {
    NodeTrack w = tracks[writer];
    String role =
        w.last == null ? "unknown" : w.last instanceof Answered a ? a.role() : "unreachable";
    return new ZoneStatus(
        id,
        zone(writer),
        zone(other()),
        standbyState(),
        role,
        lastFailover,
        refusal,
        failovers,
        watch.alerts());
  }

  private StandbyState standbyState() {
    if (watch.rejoining()) {
      return StandbyState.REJOINING;
    }
    NodeTrack s = tracks[other()];
    if (s.failures >= settings.failureThreshold()) {
      return StandbyState.LOST;
    }
    Answered standby = s.lastAnswer;
    if (standby == null || !standby.inRecovery()) {
      return StandbyState.NOT_STREAMING;
    }
    if (tracks[writer].last instanceof Answered w) {
      return !w.peerStreaming()
          ? StandbyState.NOT_STREAMING
          : w.peerSynchronous() ? StandbyState.SYNC : StandbyState.ASYNC;
    }
    return standby.receiving() ? StandbyState.ASYNC : StandbyState.NOT_STREAMING;
  }

  /** Logs {@code line} at WARN unless {@code topic}'s last line had the same reason. */
  private void logOnce(String topic, String reason, String line) {
    if (!reason.equals(logged.put(topic, reason))) {
      LOG.warn(line);
    }
  }

  private int other() {
    return 1 - writer;
  }

  private String zone(int node) {
    return nodes.get(node).zone();
  }

  private static long millis(long nanos) {
    return Math.floorDiv(nanos, 1_000_000L);
  }
}
