package io.summit.dr.orchestrator.detection;

import io.summit.dr.orchestrator.detection.DetectionEvent.ObserverReachable;
import io.summit.dr.orchestrator.detection.DetectionEvent.ObserverUnreachable;
import io.summit.dr.orchestrator.detection.DetectionEvent.PartitionHealed;
import io.summit.dr.orchestrator.detection.DetectionEvent.PartitionSuspected;
import io.summit.dr.orchestrator.detection.DetectionEvent.RegionFailed;
import io.summit.dr.orchestrator.detection.DetectionEvent.RegionRecovered;
import io.summit.dr.topology.HealthPolicy;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Declares a region failed only when observers in a quorum of distinct locations outside it agree
 * (safety invariant 2): {@code observerQuorum} counts failure domains, not sources, so the
 * orchestrator's own probes and a router that run at the edge are one vote between them.
 *
 * <p>Every poll asks all observers (in parallel) and, per (observer, region), keeps two streaks:
 * consecutive DOWN and consecutive UP reports. DOWN extends the DOWN streak and resets the UP
 * streak, UP the reverse. An observer that counts its own probes ({@link
 * ObserverView#consecutive()}, as observer daemons do) lifts the streak to its count: three failed
 * probes of the witness's observer are three, whether this detector polled it once or three times
 * since, so a remote vote is not delayed by the polling. {@link RegionHealth#UNKNOWN} (the observer
 * could not be asked) changes neither streak: an observer's own outage says nothing about the
 * region, so it neither restarts nor extends the count. But only an observer whose <em>latest</em>
 * report is DOWN (or UP) votes, so an unreachable observer never counts toward a quorum. Observers
 * whose {@link ObserverSource#location()} is the region itself never vote on it. Nor does an
 * observer that sees every region it judges (two or more) DOWN at once: far more likely it is cut
 * off or starved itself (a witness whose links flap, an observer on a loaded machine whose probes
 * time out) than that every region failed at once, and if they all did there is nowhere to fail
 * over to. Its DOWN reports count for nothing while that lasts (neither a failure nor a partition).
 * With {@code q = observerQuorum}:
 *
 * <ul>
 *   <li>{@link RegionFailed}: outside observers in at least {@code q} locations currently report
 *       DOWN with a DOWN streak {@code >= failureThreshold}. Fires once; the region is then failed
 *       until it recovers, and further polls never fire it again.
 *   <li>{@link RegionRecovered}: the region is failed and outside observers in at least {@code q}
 *       locations currently report UP with an UP streak {@code >= recoveryThreshold}.
 *   <li>{@link PartitionSuspected}: the region is not failed and outside observers in between 1 and
 *       {@code q - 1} locations currently report DOWN with a DOWN streak {@code >=
 *       failureThreshold}. Fires once per episode. An episode ends with {@link PartitionHealed}
 *       when no outside observer holds a DOWN streak {@code >= failureThreshold} any more (each of
 *       them has reported UP since; an observer that turned UNKNOWN keeps the episode open). If the
 *       region is declared failed during an episode, {@link RegionFailed} supersedes the suspicion:
 *       the episode ends without a {@link PartitionHealed}.
 *   <li>{@link ObserverUnreachable}: an observer could not be asked ({@link
 *       ObserverView#answered()} false) in {@code failureThreshold} full polls in a row; {@link
 *       ObserverReachable} when it answers again. A partition between the detector's location and
 *       an observer's changes no observer's view of any region (the observer's reports simply stop
 *       arriving), so without this event it would raise no alert at all.
 * </ul>
 *
 * <p>Lifecycle: NEW, then {@link #start()} (polls every {@code probeInterval} on the given
 * scheduler, and {@link #followUp() follows up} every {@link #FOLLOW_UP} while a region is
 * suspected, which the caller owns and shuts down), then {@link #close()}. {@link #pollOnce()} may
 * also be called directly, in NEW or STARTED. Thread-safe: polls are serialized; the listener is
 * called on the polling thread, outside any lock readers need, in the order events were reached. A
 * listener that throws is logged and does not stop detection.
 */
public final class QuorumDetector implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(QuorumDetector.class.getName());

  private enum State {
    NEW,
    STARTED,
    CLOSED
  }

  private final List<String> regions;
  // Locations judged for alerts only (the edge): events about them never mean a failover, and they
  // do not make an observer blind.
  private final Set<String> alertOnly;
  private final HealthPolicy policy;
  private final List<ObserverSource> observers;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final Consumer<DetectionEvent> listener;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final ReentrantLock pollLock = new ReentrantLock();
  // Guarded by pollLock.
  private final Map<String, Map<String, Streak>> streaks = new LinkedHashMap<>();
  private final Set<String> failed = new HashSet<>();
  private final Set<String> suspected = new HashSet<>();
  // Observers whose latest view has every region they judge DOWN (at least two): cut off
  // themselves, or starved; their DOWN reports vote on nothing (see the class comment).
  private final Set<String> blind = new HashSet<>();
  // Per observer: full polls in a row in which it could not be asked; those past the threshold.
  private final Map<String, Integer> unheard = new HashMap<>();
  private final Set<String> unreachable = new HashSet<>();
  // Immutable snapshots for readers that must not wait for a poll.
  private volatile Map<String, Map<String, RegionHealth>> lastViews = Map.of();
  private volatile Set<String> failedSnapshot = Set.of();
  private volatile Set<String> unreachableSnapshot = Set.of();
  private volatile boolean healthy = true;
  private volatile @Nullable ScheduledFuture<?> task;
  private volatile @Nullable ScheduledFuture<?> followUps;
  private volatile boolean anySuspected;

  /**
   * How often observers that count their own probes are asked again while a region is suspected.
   */
  static final java.time.Duration FOLLOW_UP = java.time.Duration.ofMillis(50);

  /**
   * How long a follow-up waits for an answer: an observer that is slower (one in the failed region
   * times out) is skipped this time and keeps its last report, so it cannot hold up the others.
   */
  static final java.time.Duration FOLLOW_UP_WAIT = java.time.Duration.ofMillis(150);

  /**
   * @param regions the regions to judge (witness regions need not be listed)
   * @param observers at least one; names unique
   * @throws IllegalArgumentException when regions or observers are empty or names repeat
   */
  public QuorumDetector(
      Collection<String> regions,
      HealthPolicy policy,
      List<ObserverSource> observers,
      Clock clock,
      ScheduledExecutorService scheduler,
      Consumer<DetectionEvent> listener) {
    this(regions, List.of(), policy, observers, clock, scheduler, listener);
  }

  /**
   * @param regions the regions to judge (witness regions need not be listed)
   * @param alertOnly further locations judged the same way (the edge, when observers probe it), for
   *     which every event is an alert: the listener must never fail over for them
   * @param observers at least one; names unique
   * @throws IllegalArgumentException when regions or observers are empty or names repeat
   */
  public QuorumDetector(
      Collection<String> regions,
      Collection<String> alertOnly,
      HealthPolicy policy,
      List<ObserverSource> observers,
      Clock clock,
      ScheduledExecutorService scheduler,
      Consumer<DetectionEvent> listener) {
    LinkedHashSet<String> judged = new LinkedHashSet<>(regions);
    this.alertOnly = Set.copyOf(alertOnly);
    judged.addAll(alertOnly);
    this.regions = List.copyOf(judged);
    this.policy = policy;
    this.observers = List.copyOf(observers);
    this.clock = clock;
    this.scheduler = scheduler;
    this.listener = listener;
    if (this.regions.isEmpty()) {
      throw new IllegalArgumentException("regions: [] (expected: at least one region)");
    }
    if (this.observers.isEmpty()) {
      throw new IllegalArgumentException("observers: [] (expected: at least one observer)");
    }
    for (ObserverSource o : this.observers) {
      Map<String, Streak> perRegion = new LinkedHashMap<>();
      this.regions.forEach(r -> perRegion.put(r, new Streak()));
      if (streaks.put(o.name(), perRegion) != null) {
        throw new IllegalArgumentException(
            "observers: '" + o.name() + "' appears twice (expected: unique names)");
      }
    }
  }

  /**
   * Polls now and then every {@code probeInterval} (fixed rate; a poll that overruns the interval
   * delays the next one, polls never overlap).
   *
   * @throws IllegalStateException when already started or closed
   */
  public void start() {
    if (!state.compareAndSet(State.NEW, State.STARTED)) {
      throw new IllegalStateException("detector: start in state " + state.get());
    }
    long nanos = policy.probeInterval().toNanos();
    task = scheduler.scheduleAtFixedRate(this::pollSafely, 0, nanos, TimeUnit.NANOSECONDS);
    long every = FOLLOW_UP.toNanos();
    followUps =
        scheduler.scheduleWithFixedDelay(this::followUpSafely, every, every, TimeUnit.NANOSECONDS);
  }

  /** Stops polling; a second close does nothing. Does not shut the scheduler down. */
  @Override
  public void close() {
    if (state.getAndSet(State.CLOSED) != State.CLOSED) {
      ScheduledFuture<?> t = task;
      if (t != null) {
        t.cancel(false);
      }
      ScheduledFuture<?> f = followUps;
      if (f != null) {
        f.cancel(false);
      }
    }
  }

  /**
   * Asks every observer once, updates the streaks and delivers the resulting events to the listener
   * before returning.
   *
   * @throws IllegalStateException when closed
   */
  public void pollOnce() {
    pollLock.lock();
    try {
      if (state.get() == State.CLOSED) {
        throw new IllegalStateException("detector: poll after close");
      }
      judgeAndDeliver(askAll());
    } finally {
      pollLock.unlock();
    }
  }

  /** Under the poll lock: counts {@code views}, judges every region, delivers the events. */
  private void judgeAndDeliver(List<@Nullable ObserverView> views) {
    Instant now = clock.instant();
    record(views);
    List<DetectionEvent> events = new ArrayList<>();
    judgeObservers(views, now, events);
    for (String region : regions) {
      judge(region, now, events);
    }
    failedSnapshot = Set.copyOf(failed);
    unreachableSnapshot = Set.copyOf(unreachable);
    anySuspected = !suspected.isEmpty();
    deliver(events);
  }

  /**
   * While some region is suspected (observers in too few locations see it down), asks again only
   * the observers that count their own probes, and judges with what they say: the observer whose
   * vote completes the quorum is heard within {@link #FOLLOW_UP} of its deciding probe instead of
   * at the next poll, up to a probe interval later. Their counts are their own, so asking more
   * often adds no evidence. Does nothing when no region is suspected.
   *
   * @throws IllegalStateException when closed
   */
  public void followUp() {
    if (!anySuspected) {
      return;
    }
    pollLock.lock();
    try {
      if (state.get() == State.CLOSED) {
        throw new IllegalStateException("detector: follow-up after close");
      }
      if (suspected.isEmpty()) {
        return;
      }
      judgeAndDeliver(ask(ObserverSource::countsItsOwnProbes, FOLLOW_UP_WAIT));
    } finally {
      pollLock.unlock();
    }
  }

  private void followUpSafely() {
    try {
      followUp();
    } catch (Throwable t) { // the loop boundary: log, the next follow-up or poll runs anyway
      LOG.log(Level.ERROR, "detector: follow-up failed, regions=" + regions + ": " + t, t);
    }
  }

  /** Observer name to region to its latest report; empty before the first poll. */
  public Map<String, Map<String, RegionHealth>> lastViews() {
    return lastViews;
  }

  /** Regions declared failed and not recovered since. */
  public Set<String> failedRegions() {
    return failedSnapshot;
  }

  /** False while the last scheduled poll failed unexpectedly (it is retried next interval). */
  public boolean healthy() {
    return healthy;
  }

  private void pollSafely() {
    try {
      pollOnce();
      healthy = true;
    } catch (Throwable t) { // the loop boundary: log, mark unhealthy, run again next interval
      healthy = false;
      LOG.log(Level.ERROR, "detector: poll failed, regions=" + regions + ": " + t, t);
    }
  }

  private List<@Nullable ObserverView> askAll() {
    return ask(o -> true, null);
  }

  /**
   * The views of the observers {@code which} selects, in observer order; null for the others, and,
   * when {@code wait} is given, for those that did not answer within it.
   */
  private List<@Nullable ObserverView> ask(
      java.util.function.Predicate<ObserverSource> which, java.time.@Nullable Duration wait) {
    var executor = Executors.newVirtualThreadPerTaskExecutor();
    try {
      List<@Nullable CompletableFuture<Optional<ObserverView>>> asks = new ArrayList<>();
      for (ObserverSource o : observers) {
        if (!which.test(o)) {
          asks.add(null);
          continue;
        }
        CompletableFuture<Optional<ObserverView>> f =
            CompletableFuture.supplyAsync(() -> Optional.of(ask(o)), executor);
        asks.add(
            wait == null
                ? f
                : f.completeOnTimeout(Optional.empty(), wait.toNanos(), TimeUnit.NANOSECONDS));
      }
      List<@Nullable ObserverView> views = new ArrayList<>();
      for (var f : asks) {
        views.add(f == null ? null : f.join().orElse(null));
      }
      return views;
    } finally {
      executor.shutdown();
    }
  }

  private ObserverView ask(ObserverSource observer) {
    try {
      return observer.poll();
    } catch (RuntimeException e) { // the contract says never; do not let one observer stop a poll
      LOG.log(Level.WARNING, "detector: observer " + observer.name() + " threw: " + e, e);
      return ObserverView.unreachable(
          observer.name(), observer.location(), regions, clock.instant());
    }
  }

  /** Counts what the asked observers saw; an observer not asked (null) keeps its last report. */
  private void record(List<@Nullable ObserverView> views) {
    Map<String, Map<String, RegionHealth>> seen = new LinkedHashMap<>(lastViews);
    for (int i = 0; i < views.size(); i++) {
      String name = observers.get(i).name();
      ObserverView view = views.get(i);
      if (view == null) {
        continue;
      }
      Map<String, RegionHealth> health = new LinkedHashMap<>();
      for (String region : regions) {
        RegionHealth h = view.health(region);
        streak(name, region).update(h, view.consecutive(region));
        health.put(region, h);
      }
      seen.put(name, Map.copyOf(health));
      String location = observers.get(i).location();
      List<String> judged =
          regions.stream().filter(r -> !r.equals(location) && !alertOnly.contains(r)).toList();
      if (judged.size() >= 2 && judged.stream().allMatch(r -> health.get(r) == RegionHealth.DOWN)) {
        blind.add(name);
      } else {
        blind.remove(name);
      }
    }
    lastViews = Map.copyOf(seen);
  }

  /** Under the poll lock: which asked observers went unheard for the threshold, or answer again. */
  private void judgeObservers(
      List<@Nullable ObserverView> views, Instant now, List<DetectionEvent> events) {
    for (int i = 0; i < views.size(); i++) {
      ObserverView view = views.get(i);
      if (view == null) {
        continue; // not asked, or a follow-up it did not answer in time: no news either way
      }
      ObserverSource o = observers.get(i);
      if (view.answered()) {
        unheard.remove(o.name());
        if (unreachable.remove(o.name())) {
          events.add(new ObserverReachable(o.name(), o.location(), now));
        }
        continue;
      }
      int polls = unheard.merge(o.name(), 1, Integer::sum);
      if (polls >= policy.failureThreshold() && unreachable.add(o.name())) {
        events.add(new ObserverUnreachable(o.name(), o.location(), polls, now));
      }
    }
  }

  /** Observers not heard from for the failure threshold, and not heard from since. */
  public Set<String> unreachableObservers() {
    return unreachableSnapshot;
  }

  private void judge(String region, Instant now, List<DetectionEvent> events) {
    List<String> down = new ArrayList<>();
    List<String> holdingDown = new ArrayList<>();
    List<String> currentlyUp = new ArrayList<>();
    // Votes count once per location (failure domain), never per source: two observers that share
    // a location share its fate and its view of the network.
    Set<String> downAt = new HashSet<>();
    Set<String> upAt = new HashSet<>();
    for (ObserverSource o : observers) {
      if (o.location().equals(region)) {
        continue;
      }
      Streak s = streak(o.name(), region);
      if (blind.contains(o.name()) && s.latest == RegionHealth.DOWN) {
        continue;
      }
      if (s.down >= policy.failureThreshold()) {
        holdingDown.add(o.name());
        if (s.latest == RegionHealth.DOWN) {
          down.add(o.name());
          downAt.add(o.location());
        }
      }
      if (s.latest == RegionHealth.UP) {
        currentlyUp.add(o.name());
        if (s.up >= policy.recoveryThreshold()) {
          upAt.add(o.location());
        }
      }
    }
    int quorum = policy.observerQuorum();
    if (failed.contains(region)) {
      if (upAt.size() >= quorum) {
        failed.remove(region);
        events.add(new RegionRecovered(region, now));
      }
    } else if (downAt.size() >= quorum) {
      failed.add(region);
      suspected.remove(region);
      events.add(new RegionFailed(region, down, now));
    } else if (!down.isEmpty() && suspected.add(region)) {
      events.add(new PartitionSuspected(region, down, currentlyUp, now));
    } else if (holdingDown.isEmpty() && suspected.remove(region)) {
      events.add(new PartitionHealed(region, now));
    }
  }

  private Streak streak(String observer, String region) {
    return Objects.requireNonNull(Objects.requireNonNull(streaks.get(observer)).get(region));
  }

  private void deliver(List<DetectionEvent> events) {
    for (DetectionEvent event : events) {
      LOG.log(Level.INFO, event.region() + ": " + event);
      try {
        listener.accept(event);
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, event.region() + ": listener failed on " + event + ": " + e, e);
      }
    }
  }

  /** Consecutive reports of one observer about one region. */
  private static final class Streak {
    int down;
    int up;
    RegionHealth latest = RegionHealth.UNKNOWN;

    /**
     * Counts one more poll that saw {@code health}. {@code observed} is how many probes in a row
     * the observer itself saw it so (0 when it does not say): then the streak is the observer's own
     * count, which neither lags behind its probes (as counting our polls would) nor runs ahead of
     * them when it is asked more often than it probes.
     */
    void update(RegionHealth health, int observed) {
      latest = health;
      switch (health) {
        case DOWN -> {
          down = observed > 0 ? observed : down + 1;
          up = 0;
        }
        case UP -> {
          up = observed > 0 ? observed : up + 1;
          down = 0;
        }
        case UNKNOWN -> {}
      }
    }
  }
}
