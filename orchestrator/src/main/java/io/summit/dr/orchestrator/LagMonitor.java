package io.summit.dr.orchestrator;

import io.summit.dr.replication.StoreAdapter;
import io.summit.dr.replication.StoreObservation;
import io.summit.dr.replication.StoreRole;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Observes every store node on a schedule and keeps the last observation of each, so that the RPO
 * check of a failover uses the replica's last known lag from before the failure.
 *
 * <p>While a store's primary answers, a replica's last known observation is its latest one,
 * whatever it shows: a replica that cannot be reached, is not streaming, or has no lag figure
 * replaces an older good measurement (which would otherwise vouch for it after a long partition).
 * Once the primary stops answering the last one is kept: it is what a failover would lose.
 *
 * <p>The monitor also keeps each primary's recent positions with the time they were seen, and
 * measures a lag an adapter could not (a Redis replica more than a second behind) as the time since
 * the primary was last at or below the replica's position. Not thread-safe for concurrent {@link
 * #pollOnce} calls; readers may call from any thread.
 *
 * <p>Each node's adapter is kept from one pass to the next and replaced after an observation that
 * could not reach the node (or failed): a new adapter a pass built HTTP and S3 clients, and in a
 * zoned lab a TLS session to the WAN daemon, for every node every second, on every replica
 * (measured: 1,300 HTTP clients in 10 minutes on a follower, 13-15 % of a core at rest).
 */
final class LagMonitor implements AutoCloseable {
  /** How far back the primaries' positions are kept. */
  static final Duration HISTORY = Duration.ofMinutes(10);

  private record Sample(Instant at, long position) {}

  private final Stores stores;
  private final List<String> storeNames;
  private final List<String> regions;
  private final Map<String, StoreObservation> last = new ConcurrentHashMap<>();
  private final Map<String, StoreObservation> lastReachable = new ConcurrentHashMap<>();
  private final Map<String, Deque<Sample>> primaryPositions = new ConcurrentHashMap<>();
  private final Map<String, Instant> primarySeen = new ConcurrentHashMap<>();
  // Per node: the adapter kept between passes (see the class comment).
  private final Map<String, StoreAdapter> adapters = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private final int voidAfter;
  // Per replica: observations in a row that were not good while its primary answered.
  private final Map<String, Integer> doubtful = new java.util.concurrent.ConcurrentHashMap<>();

  /** A monitor of every store of {@code topology} in every region that holds stores. */
  static LagMonitor of(io.summit.dr.topology.Topology topology, Stores stores) {
    return new LagMonitor(
        stores,
        topology.stores().stream().map(io.summit.dr.topology.Store::name).toList(),
        topology.servingRegions(),
        topology.health().failureThreshold());
  }

  LagMonitor(Stores stores, List<String> storeNames, List<String> regions) {
    this(stores, storeNames, regions, 1);
  }

  /**
   * @param voidAfter how many observations in a row of a replica not streaming (or unreachable, or
   *     without a figure) while its primary answers void its last good lag: one blip of a loaded
   *     machine must not refuse a failover, a silent link (a partition) must
   */
  LagMonitor(Stores stores, List<String> storeNames, List<String> regions, int voidAfter) {
    this.voidAfter = voidAfter;
    this.stores = stores;
    this.storeNames = List.copyOf(storeNames);
    this.regions = List.copyOf(regions);
  }

  /**
   * One pass: every node observed at once (each observation opens its own connections, across the
   * WAN for the far region: one after the other a pass took 1.4 s, and seconds on a loaded machine,
   * which left the RPO guard's last sight of a primary up to 5 s old), then each store's primary
   * again, then the judgement.
   */
  void pollOnce() {
    Map<String, Map<String, StoreObservation>> seen = new HashMap<>();
    Map<String, StoreObservation> primaries = new HashMap<>();
    try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      Map<String, Map<String, java.util.concurrent.Future<StoreObservation>>> pending =
          new java.util.LinkedHashMap<>();
      for (String store : storeNames) {
        for (String region : regions) {
          pending
              .computeIfAbsent(store, k -> new java.util.LinkedHashMap<>())
              .put(region, pool.submit(() -> observe(store, region)));
        }
      }
      pending.forEach(
          (store, byRegion) -> {
            Map<String, StoreObservation> now = new HashMap<>();
            byRegion.forEach((region, f) -> now.put(region, join(f)));
            seen.put(store, now);
          });
      Map<String, java.util.concurrent.Future<@Nullable StoreObservation>> again =
          new java.util.LinkedHashMap<>();
      seen.forEach((store, now) -> again.put(store, pool.submit(() -> primaryAfter(store, now))));
      again.forEach(
          (store, f) -> {
            StoreObservation p = join(f);
            if (p != null) {
              primaries.put(store, p);
            }
          });
    }
    for (String store : storeNames) {
      Map<String, StoreObservation> now = seen.getOrDefault(store, Map.of());
      now.forEach((region, o) -> last.put(key(store, region), o));
      StoreObservation primary = primaries.get(store);
      if (primary != null) {
        remember(store, primary);
        primarySeen.put(store, primary.observedAt());
      }
      now.forEach((region, o) -> judge(store, region, o, primary != null));
    }
  }

  /**
   * Observes a node with its kept adapter; an unreachable node's adapter is closed and the next
   * pass builds a new one (a node that restarted or moved zones is found afresh).
   */
  private StoreObservation observe(String store, String region) {
    String k = key(store, region);
    StoreAdapter a = adapters.computeIfAbsent(k, x -> stores.adapter(store, region));
    StoreObservation o;
    try {
      o = a.observe();
    } catch (RuntimeException e) {
      drop(k, a);
      throw e;
    }
    if (!o.reachable() || closed) {
      drop(k, a);
    }
    return o;
  }

  private void drop(String key, StoreAdapter a) {
    if (adapters.remove(key, a)) {
      a.close();
    }
  }

  /** Closes the kept adapters; a pass after this observes with adapters it closes at once. */
  @Override
  public void close() {
    closed = true;
    adapters.forEach(this::drop);
  }

  private static <T> T join(java.util.concurrent.Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("lag poll interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(cause);
    }
  }

  /**
   * The primary, looked at again after its replicas: a primary that died while they were observed
   * must not make their "primary not reachable" look like a lag measured while it answered.
   */
  private @Nullable StoreObservation primaryAfter(String store, Map<String, StoreObservation> now) {
    String region =
        now.entrySet().stream()
            .filter(e -> e.getValue().reachable() && e.getValue().role() == StoreRole.PRIMARY)
            .map(Map.Entry::getKey)
            .findFirst()
            .orElse(null);
    if (region == null) {
      return null;
    }
    StoreObservation again = observe(store, region);
    return again.reachable() && again.role() == StoreRole.PRIMARY ? again : null;
  }

  private void judge(String store, String region, StoreObservation o, boolean primaryUp) {
    if (o.reachable() && o.role() != StoreRole.REPLICA) {
      // A node seen as a primary or fenced has no replica lag: a lag it had as a replica long
      // ago must not vouch for it now (a fenced old primary holds stale data).
      lastReachable.remove(key(store, region));
    } else if (primaryUp
        && (o.role() == StoreRole.REPLICA || lastReachable.containsKey(key(store, region)))) {
      String k = key(store, region);
      boolean good = o.reachable() && o.streaming() && o.lagSeconds() != null;
      int bad = good ? 0 : doubtful.merge(k, 1, Integer::sum);
      if (good) {
        doubtful.remove(k);
      }
      if (good || bad >= voidAfter || !lastReachable.containsKey(k)) {
        lastReachable.put(k, measured(store, o));
      }
    }
  }

  private void remember(String store, StoreObservation primary) {
    Long position = parse(primary.position());
    if (position == null) {
      return;
    }
    Deque<Sample> h = primaryPositions.computeIfAbsent(store, k -> new ArrayDeque<>());
    synchronized (h) {
      h.addLast(new Sample(primary.observedAt(), position));
      while (!h.isEmpty() && h.peekFirst().at().isBefore(primary.observedAt().minus(HISTORY))) {
        h.removeFirst();
      }
    }
  }

  /**
   * The replica's lag in seconds from the primary's history when the adapter gave bytes but no
   * seconds: the replica has everything the primary had at the newest sample at or below its
   * position, and may miss what came after, so the lag is at most the time since that sample.
   */
  private StoreObservation measured(String store, StoreObservation o) {
    Long own = parse(o.position());
    Deque<Sample> h = primaryPositions.get(store);
    if (o.lagSeconds() != null
        || o.lagBytes() == null
        || !o.streaming()
        || own == null
        || h == null) {
      return o;
    }
    @Nullable Sample covered = null;
    synchronized (h) {
      for (Sample s : h) {
        if (Long.compareUnsigned(s.position(), own) <= 0) {
          covered = s;
        }
      }
    }
    if (covered == null) {
      return o;
    }
    double seconds = Duration.between(covered.at(), o.observedAt()).toNanos() / 1e9;
    return o.withLagSeconds(
        Math.max(0, seconds),
        o.observedAt(),
        "lag from the primary's positions: it was at "
            + covered.position()
            + " at "
            + covered.at());
  }

  private static @Nullable Long parse(@Nullable String position) {
    if (position == null) {
      return null;
    }
    try {
      return Positions.value(position);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  Optional<StoreObservation> last(String store, String region) {
    return Optional.ofNullable(last.get(key(store, region)));
  }

  /**
   * When this monitor last saw {@code store}'s primary answer as a primary: a replica's last known
   * lag says nothing about what happened after it (empty when never).
   */
  Optional<Instant> primaryLastSeen(String store) {
    return Optional.ofNullable(primarySeen.get(store));
  }

  /** The replica's last observation while its primary answered (see the class comment). */
  Optional<StoreObservation> lastKnown(String store, String region) {
    return Optional.ofNullable(lastReachable.get(key(store, region)));
  }

  private static String key(String store, String region) {
    return store + "@" + region;
  }
}
