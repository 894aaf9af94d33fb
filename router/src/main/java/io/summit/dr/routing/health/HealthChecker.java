package io.summit.dr.routing.health;

import io.summit.dr.routing.HealthListener;
import io.summit.dr.routing.HealthListener.Transition;
import io.summit.dr.routing.Instance;
import io.summit.dr.routing.RegionState;
import io.summit.dr.routing.RoutingTable;
import io.summit.dr.topology.HealthPolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active health checking: every {@link HealthPolicy#probeInterval()}, an HTTP GET of the service's
 * health path on every instance. A probe fails on a status outside 200..399, a connection error, or
 * no answer within {@link HealthPolicy#timeout()}. {@link HealthPolicy#failureThreshold()}
 * consecutive failures mark an instance down, {@link HealthPolicy#recoveryThreshold()} consecutive
 * successes mark it up. The round trip of every successful probe is a sample of the region's RTT.
 * Each round also ends expired outlier ejections ({@link OutlierDetector#sweep()}).
 *
 * <p>Lifecycle {@code NEW -> STARTED -> CLOSED}; a second start fails, a second close does nothing.
 * The scheduler and HTTP client are the caller's (this class neither shuts down). All state changes
 * run on the scheduler's thread.
 */
public final class HealthChecker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);

  private enum State {
    NEW,
    STARTED,
    CLOSED
  }

  /** Consecutive probe outcomes of one instance; touched only on the scheduler thread. */
  private static final class Counts {
    int successes;
    int failures;
    boolean probing;
  }

  private final RoutingTable table;
  private final String healthPath;
  private final HealthPolicy policy;
  private final OutlierDetector outliers;
  private final HealthListener listener;
  private final ScheduledExecutorService scheduler;
  private final HttpClient client;
  private final Map<Instance, Counts> counts = new ConcurrentHashMap<>();
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private volatile @Nullable ScheduledFuture<?> task;

  public HealthChecker(
      RoutingTable table,
      String healthPath,
      HealthPolicy policy,
      OutlierDetector outliers,
      HealthListener listener,
      ScheduledExecutorService scheduler,
      HttpClient client) {
    this.table = table;
    this.healthPath = healthPath;
    this.policy = policy;
    this.outliers = outliers;
    this.listener = listener;
    this.scheduler = scheduler;
    this.client = client;
  }

  /** Starts the probe rounds, the first one now. */
  public void start() {
    if (!state.compareAndSet(State.NEW, State.STARTED)) {
      throw new IllegalStateException("health checker: " + state.get() + " (expected: NEW)");
    }
    task =
        scheduler.scheduleWithFixedDelay(
            this::round, 0, policy.probeInterval().toNanos(), TimeUnit.NANOSECONDS);
  }

  private void round() {
    try {
      outliers.sweep();
      counts.keySet().removeIf(Instance::isRetired);
      for (Instance instance : table.allInstances()) {
        Counts c = counts.computeIfAbsent(instance, i -> new Counts());
        if (!c.probing) {
          c.probing = true;
          probe(instance, c);
        }
      }
    } catch (RuntimeException e) {
      // The loop must not die: log and try again next round.
      log.error("health checker: probe round failed, retrying next round", e);
    }
  }

  private void probe(Instance instance, Counts c) {
    URI uri =
        URI.create(
            "http://" + instance.endpoint().host() + ":" + instance.endpoint().port() + healthPath);
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(policy.timeout()).GET().build();
    long started = System.nanoTime();
    client
        .sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .orTimeout(policy.timeout().toNanos(), TimeUnit.NANOSECONDS)
        .whenCompleteAsync(
            (response, error) -> {
              boolean ok =
                  error == null && response.statusCode() >= 200 && response.statusCode() < 400;
              onResult(instance, c, ok, System.nanoTime() - started, error);
            },
            scheduler);
  }

  private void onResult(
      Instance instance, Counts c, boolean ok, long nanos, @Nullable Throwable error) {
    c.probing = false;
    if (state.get() != State.STARTED || instance.isRetired()) {
      return;
    }
    if (ok) {
      c.failures = 0;
      c.successes++;
      RegionState region = table.region(instance.region());
      if (region != null) {
        region.recordRtt(nanos / 1e6);
      }
      if (!instance.isUp() && c.successes >= policy.recoveryThreshold()) {
        instance.setUp(true);
        log.info("{}: up after {} good probes", describe(instance), c.successes);
        listener.onTransition(instance, Transition.UP);
      }
    } else {
      c.successes = 0;
      c.failures++;
      if (instance.isUp() && c.failures >= policy.failureThreshold()) {
        instance.setUp(false);
        log.warn(
            "{}: down after {} failed probes, last: {}",
            describe(instance),
            c.failures,
            error == null ? "bad status" : error.toString());
        listener.onTransition(instance, Transition.DOWN);
      }
    }
  }

  private static String describe(Instance i) {
    return i.region() + " " + i.endpoint();
  }

  @Override
  public void close() {
    if (state.getAndSet(State.CLOSED) == State.STARTED) {
      ScheduledFuture<?> t = task;
      if (t != null) {
        t.cancel(false);
      }
    }
  }
}
