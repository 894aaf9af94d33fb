package io.summit.dr.routing;

import io.summit.dr.topology.ReadPolicy;
import io.summit.dr.topology.RoutingPolicy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The router's view of the regions: instances and their state, which region is the writer, which
 * regions are drained. Picks the instance for each request.
 *
 * <ul>
 *   <li>Reads go to the healthy, not drained region with the lowest smoothed RTT (a region without
 *       a sample yet ranks after those with one, in configuration order), and inside it to the
 *       available instance with the fewest requests in flight. When no region is healthy, any
 *       available instance of a non-drained region is used, nearest region first; when no instance
 *       is available at all, any registered one (panic routing: a false negative of the health
 *       checks is likelier than every instance being dead). A table built with a read region (a
 *       gateway) reads only from that region; with {@link ReadPolicy#WRITER_ONLY} only from the
 *       writer region.
 *   <li>Writes go only to available instances of the writer region, least loaded first. There is no
 *       write target when the writer is unset or has no available instance: the caller answers 503,
 *       never another region. Draining does not affect writes.
 * </ul>
 *
 * <p>Thread-safe; mutations (writer, drain, instances) take effect for requests routed after they
 * return.
 */
public final class RoutingTable {
  private final Map<String, RegionState> regions;
  private final RoutingPolicy policy;
  private final @Nullable String readRegion;
  private final AtomicReference<@Nullable String> writer;

  /**
   * @param regionNames every region the router knows, in preference order for ties
   * @param writer the initial writer region (usually the topology's primary), or null
   * @param readRegion if set, the only region reads go to (the local region of a gateway)
   */
  public RoutingTable(
      List<String> regionNames,
      @Nullable String writer,
      @Nullable String readRegion,
      RoutingPolicy policy) {
    this(regionNames, Map.of(), writer, readRegion, policy);
  }

  /**
   * @param regionNames every region the router knows, in preference order for ties
   * @param zones the availability zones of each region (a region without an entry has none): an
   *     instance may only be registered in one of its region's zones
   * @param writer the initial writer region (usually the topology's primary), or null
   * @param readRegion if set, the only region reads go to (the local region of a gateway)
   */
  public RoutingTable(
      List<String> regionNames,
      Map<String, List<String>> zones,
      @Nullable String writer,
      @Nullable String readRegion,
      RoutingPolicy policy) {
    Map<String, RegionState> map = new LinkedHashMap<>();
    for (String name : regionNames) {
      RegionState state =
          new RegionState(
              name, zones.getOrDefault(name, List.of()), map.size(), policy.rttSmoothing());
      if (map.put(name, state) != null) {
        throw new IllegalArgumentException("regions: '" + name + "' twice (expected: unique)");
      }
    }
    this.regions = map;
    this.policy = policy;
    this.readRegion = readRegion == null ? null : require(readRegion, "read_region").name();
    this.writer = new AtomicReference<>(writer == null ? null : require(writer, "writer").name());
  }

  public RoutingPolicy policy() {
    return policy;
  }

  public Collection<RegionState> regions() {
    return regions.values();
  }

  public @Nullable RegionState region(String name) {
    return regions.get(name);
  }

  /** The region reads are restricted to (a gateway's own region), or null. */
  public @Nullable String readRegion() {
    return readRegion;
  }

  public @Nullable String writer() {
    return writer.get();
  }

  /**
   * Sets the writer region (null: no writer, every write gets 503).
   *
   * @throws IllegalArgumentException naming the region when it is unknown
   */
  public void setWriter(@Nullable String region) {
    writer.set(region == null ? null : require(region, "region").name());
  }

  /** Takes a region out of read selection ({@code true}) or puts it back. */
  public void setDrained(String region, boolean drained) {
    require(region, "region").setDrained(drained);
  }

  /**
   * Replaces the instances of a region with backends of unknown zone; see {@link #replaceBackends}.
   *
   * @return the instances removed
   */
  public List<Instance> replaceInstances(String region, List<Endpoint> endpoints) {
    return replaceBackends(region, endpoints.stream().map(Backend::of).toList());
  }

  /**
   * Replaces the instances of a region. Instances whose endpoint and zone stay keep their state;
   * removed ones are retired (their idle connections are closed, their in-flight requests finish).
   * An endpoint registered again in another zone is another instance (a new process on a reused
   * address): the old one is retired, the new one starts up.
   *
   * @return the instances removed
   * @throws IllegalArgumentException naming the zone when it is not one of the region's zones
   */
  public List<Instance> replaceBackends(String region, List<Backend> backends) {
    RegionState state = require(region, "region");
    for (Backend b : backends) {
      if (b.zone() != null && !state.zones().contains(b.zone())) {
        throw new IllegalArgumentException(
            "zone: '"
                + b.zone()
                + "' of "
                + b.endpoint()
                + " is not a zone of "
                + region
                + " (expected: one of "
                + state.zones()
                + ")");
      }
    }
    synchronized (state) {
      Map<Endpoint, Instance> old = new HashMap<>();
      for (Instance i : state.instances()) {
        old.put(i.endpoint(), i);
      }
      List<Instance> next = new ArrayList<>();
      for (Backend b : backends) {
        Instance kept = old.get(b.endpoint());
        if (kept != null && java.util.Objects.equals(kept.zone(), b.zone())) {
          old.remove(b.endpoint());
          next.add(kept);
        } else {
          next.add(new Instance(state.name(), b.endpoint(), b.zone()));
        }
      }
      state.setInstances(next);
      for (Instance removed : old.values()) {
        removed.retire();
      }
      return List.copyOf(old.values());
    }
  }

  /** Every instance of every region. */
  public List<Instance> allInstances() {
    List<Instance> all = new ArrayList<>();
    for (RegionState r : regions.values()) {
      all.addAll(r.instances());
    }
    return all;
  }

  /** Picks the instance for a read, avoiding {@code tried}; null when there is none. */
  public @Nullable Instance pickRead(Collection<Instance> tried) {
    return pickRead(tried, null);
  }

  /**
   * Picks the instance for a read of data that may only be served in {@code allowed} (null: any
   * region), avoiding {@code tried}; null when there is none. With {@code allowed}, no region
   * outside it is ever picked (data residency), and no down instance inside it either: a gateway
   * whose own region is not allowed reads from the nearest allowed one.
   */
  public @Nullable Instance pickRead(
      Collection<Instance> tried, @Nullable Collection<String> allowed) {
    if (allowed != null) {
      return pickAllowed(tried, allowed);
    }
    String only = readRegion;
    if (only == null && policy.reads() == ReadPolicy.WRITER_ONLY) {
      only = writer.get();
      if (only == null) {
        return null;
      }
    }
    if (only != null) {
      RegionState region = require(only, "region");
      Instance i = leastLoaded(region, tried, false);
      return i != null ? i : leastLoaded(region, tried, true);
    }
    if (!tried.isEmpty()) {
      // A retry goes to another healthy region first: when a whole region dies, its other
      // instances are dying too, and the health checks have not said so yet.
      Instance elsewhere = pickNearest(tried, Mode.HEALTHY_REGIONS, true);
      if (elsewhere != null) {
        return elsewhere;
      }
    }
    Instance best = pickNearest(tried, Mode.HEALTHY_REGIONS, false);
    if (best == null) {
      best = pickNearest(tried, Mode.AVAILABLE_INSTANCES, false);
    }
    return best != null ? best : pickNearest(tried, Mode.PANIC, false);
  }

  /** How hard read selection looks, from strict to last resort. */
  private enum Mode {
    /** Available instances of healthy regions. */
    HEALTHY_REGIONS,
    /** Available instances of any region. */
    AVAILABLE_INSTANCES,
    /**
     * Any registered instance, down or ejected: with nothing available anywhere, a false negative
     * of the health checks (probes timing out on an overloaded machine) is likelier than every
     * instance being dead, and a dead one fails fast at connect and is skipped.
     */
    PANIC
  }

  /** Picks the instance for a write, avoiding {@code tried}; null when there is none. */
  public @Nullable Instance pickWrite(Collection<Instance> tried) {
    String w = writer.get();
    return w == null ? null : leastLoaded(require(w, "region"), tried, false);
  }

  /**
   * Picks the instance for a write of data that may only be stored in {@code allowed} (null: any
   * region): the writer region when it is allowed, otherwise the nearest healthy allowed region
   * (where the data's own stores are); never a region outside {@code allowed}. Null when none.
   */
  public @Nullable Instance pickWrite(
      Collection<Instance> tried, @Nullable Collection<String> allowed) {
    if (allowed == null) {
      return pickWrite(tried);
    }
    String w = writer.get();
    if (w != null && allowed.contains(w)) {
      Instance i = leastLoaded(require(w, "region"), tried, false);
      if (i != null) {
        return i;
      }
    }
    return pickAllowed(tried, allowed);
  }

  /**
   * The least loaded available instance of the nearest allowed region: a gateway's own region first
   * when allowed, healthy regions before the rest. No panic routing: with no available instance in
   * any allowed region the request is refused at once (a dead region's instances would hold it
   * until its timeout), never sent elsewhere.
   */
  private @Nullable Instance pickAllowed(Collection<Instance> tried, Collection<String> allowed) {
    if (readRegion != null && allowed.contains(readRegion)) {
      return leastLoaded(require(readRegion, "region"), tried, false);
    }
    Instance best = pickNearest(tried, Mode.HEALTHY_REGIONS, false, allowed);
    return best != null ? best : pickNearest(tried, Mode.AVAILABLE_INSTANCES, false, allowed);
  }

  private @Nullable Instance pickNearest(
      Collection<Instance> tried, Mode mode, boolean otherRegions) {
    return pickNearest(tried, mode, otherRegions, null);
  }

  private @Nullable Instance pickNearest(
      Collection<Instance> tried,
      Mode mode,
      boolean otherRegions,
      @Nullable Collection<String> allowed) {
    Instance best = null;
    double bestRtt = Double.MAX_VALUE;
    for (RegionState r : regions.values()) {
      if ((allowed != null && !allowed.contains(r.name()))
          || r.isDrained()
          || (mode == Mode.HEALTHY_REGIONS && !r.isHealthy(policy.regionHealthyFraction()))
          || (otherRegions && tried.stream().anyMatch(r.instances()::contains))) {
        continue;
      }
      Double rtt = r.rttMillis();
      double key = rtt == null ? Double.MAX_VALUE / 2 : rtt;
      if (best != null && key >= bestRtt) {
        continue;
      }
      Instance candidate = leastLoaded(r, tried, mode == Mode.PANIC);
      if (candidate != null) {
        best = candidate;
        bestRtt = key;
      }
    }
    return best;
  }

  /**
   * The available (with {@code anyHealth}: registered) untried instance with the fewest in flight;
   * ties broken at random.
   */
  static @Nullable Instance leastLoaded(
      RegionState region, Collection<Instance> tried, boolean anyHealth) {
    List<Instance> all = region.instances();
    int n = all.size();
    if (n == 0) {
      return null;
    }
    int start = n == 1 ? 0 : ThreadLocalRandom.current().nextInt(n);
    Instance best = null;
    for (int k = 0; k < n; k++) {
      Instance i = all.get((start + k) % n);
      boolean usable = anyHealth ? !i.isRetired() : i.isAvailable();
      if (!usable || (!tried.isEmpty() && tried.contains(i))) {
        continue;
      }
      if (best == null || i.inFlight() < best.inFlight()) {
        best = i;
      }
    }
    return best;
  }

  private RegionState require(String name, String field) {
    RegionState r = regions.get(name);
    if (r == null) {
      throw new UnknownRegionException(
          field
              + ": '"
              + name
              + "' is not a region of this router (expected: one of "
              + String.join(", ", regions.keySet())
              + ")");
    }
    return r;
  }

  /** Thrown for a region name the router does not know. */
  public static final class UnknownRegionException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UnknownRegionException(String message) {
      super(message);
    }
  }
}
