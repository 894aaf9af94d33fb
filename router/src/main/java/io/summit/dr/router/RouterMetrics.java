package io.summit.dr.router;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.summit.dr.routing.HealthListener;
import io.summit.dr.routing.Instance;
import io.summit.dr.routing.RegionState;
import io.summit.dr.routing.RequestClass;
import io.summit.dr.routing.RoutingTable;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's Prometheus metrics (Micrometer):
 *
 * <ul>
 *   <li>{@code summit_router_requests_total{region,class,status}}: answered requests; region {@code
 *       none} when no instance was picked (e.g. 503 without a writer); status 499 when the client
 *       left first
 *   <li>{@code summit_router_request_duration_seconds{region,class}}: latency histogram
 *   <li>{@code summit_router_health_transitions_total{region,instance,zone,to}}: to = up, down,
 *       ejected, restored; zone the instance's availability zone, {@code none} when its
 *       registration named none
 *   <li>{@code summit_router_retries_total{class}}, {@code
 *       summit_router_aborted_responses_total{region,class}} (failed after the response started),
 *       {@code summit_router_bad_requests_total}
 *   <li>per region gauges: {@code summit_router_region_healthy}, {@code _writer}, {@code _drained},
 *       {@code _available_instances}, {@code _rtt_seconds}
 * </ul>
 *
 * Thread-safe; the per-request path does no allocation once its meters exist.
 */
final class RouterMetrics implements HealthListener {
  private static final Logger log = LoggerFactory.getLogger(RouterMetrics.class);
  private static final int STATUSES = 600;

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, RegionMeters> byRegion = new ConcurrentHashMap<>();
  private final Counter[] retries = new Counter[2];
  private final Counter badRequests;

  private final class RegionMeters {
    final String region;
    final Timer[] timers = new Timer[2];
    final AtomicReferenceArray<Counter> counters = new AtomicReferenceArray<>(2 * STATUSES);
    final Counter[] aborted = new Counter[2];

    RegionMeters(String region) {
      this.region = region;
      for (RequestClass c : RequestClass.values()) {
        timers[c.ordinal()] =
            Timer.builder("summit_router_request_duration")
                .description("Time from request head to the end of the response")
                .tags("region", region, "class", c.label())
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                // One bucket set, not a ring of three: half the atomic updates per request.
                .distributionStatisticBufferLength(1)
                .register(registry);
        aborted[c.ordinal()] =
            Counter.builder("summit_router_aborted_responses")
                .description("Responses cut off because the instance failed after they started")
                .tags("region", region, "class", c.label())
                .register(registry);
      }
    }

    Counter counter(RequestClass c, int status) {
      int s = status < 0 || status >= STATUSES ? 0 : status;
      int index = c.ordinal() * STATUSES + s;
      Counter counter = counters.get(index);
      if (counter == null) {
        counter =
            Counter.builder("summit_router_requests")
                .description("Requests answered, by region, class and status")
                .tags("region", region, "class", c.label(), "status", Integer.toString(s))
                .register(registry);
        counters.set(index, counter);
      }
      return counter;
    }
  }

  RouterMetrics(RoutingTable table) {
    // The JVM's own meters (memory, GC, threads, classes, CPU, uptime).
    new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.jvm.JvmGcMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.system.ProcessorMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.system.UptimeMetrics().bindTo(registry);
    for (RequestClass c : RequestClass.values()) {
      retries[c.ordinal()] =
          Counter.builder("summit_router_retries")
              .description("Requests retried on another instance after a failure")
              .tag("class", c.label())
              .register(registry);
    }
    badRequests =
        Counter.builder("summit_router_bad_requests")
            .description("Requests that could not be parsed")
            .register(registry);
    for (RegionState r : table.regions()) {
      byRegion.put(r.name(), new RegionMeters(r.name()));
      double fraction = table.policy().regionHealthyFraction();
      gauge("summit_router_region_healthy", r, s -> s.isHealthy(fraction) ? 1 : 0);
      gauge("summit_router_region_drained", r, s -> s.isDrained() ? 1 : 0);
      gauge("summit_router_region_available_instances", r, RegionState::availableCount);
      Gauge.builder("summit_router_region_writer", table, t -> r.name().equals(t.writer()) ? 1 : 0)
          .tag("region", r.name())
          .register(registry);
      Gauge.builder("summit_router_region_rtt_seconds", r, s -> rttSeconds(s))
          .tag("region", r.name())
          .register(registry);
    }
    byRegion.put("none", new RegionMeters("none"));
  }

  private static double rttSeconds(RegionState s) {
    Double ms = s.rttMillis();
    return ms == null ? Double.NaN : ms / 1000;
  }

  private void gauge(
      String name, RegionState r, java.util.function.ToDoubleFunction<RegionState> f) {
    Gauge.builder(name, r, f).tag("region", r.name()).register(registry);
  }

  private RegionMeters meters(String region) {
    RegionMeters m = byRegion.get(region); // computeIfAbsent alone allocates its function each call
    return m != null ? m : byRegion.computeIfAbsent(region, RegionMeters::new);
  }

  void record(String region, RequestClass c, int status, long nanos) {
    RegionMeters m = meters(region);
    m.counter(c, status).increment();
    m.timers[c.ordinal()].record(nanos, TimeUnit.NANOSECONDS);
  }

  void retried(RequestClass c) {
    retries[c.ordinal()].increment();
  }

  void aborted(String region, RequestClass c) {
    meters(region).aborted[c.ordinal()].increment();
  }

  void badRequest() {
    badRequests.increment();
  }

  @Override
  public void onTransition(Instance instance, Transition transition) {
    Counter.builder("summit_router_health_transitions")
        .description("Instance health transitions")
        .tags(
            "region",
            instance.region(),
            "instance",
            instance.endpoint().toString(),
            "zone",
            instance.zone() == null ? "none" : instance.zone(),
            "to",
            transition.label())
        .register(registry)
        .increment();
    if (transition == Transition.EJECTED || transition == Transition.RESTORED) {
      log.info("{} {}: {}", instance.region(), instance.endpoint(), transition.label());
    }
  }

  /** The Prometheus text exposition of every meter. */
  String scrape() {
    return registry.scrape();
  }
}
