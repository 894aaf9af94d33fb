package io.summit.dr.orchestrator.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.summit.dr.orchestrator.Orchestrator;
import io.summit.dr.orchestrator.plan.PlanStatus;
import io.summit.dr.topology.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The orchestrator's Prometheus metrics (names in docs/observability.md): writer, plans (count,
 * state, waiting for approval, durations of plans and steps, the last plan's step timeline),
 * replication lag per store and replica region with the age of the figure and the RPO budget, and
 * detection (each observer's view of each region, failed regions, suspected partitions), plus the
 * JVM's. Gauges are read at scrape time; {@link #refresh} (called before each scrape) records the
 * plans that ended since the last scrape and rebuilds the per-observer and per-step rows.
 * Thread-safe.
 */
public final class OrchestratorMetrics {
  private final MeterRegistry registry;
  private final Orchestrator orchestrator;
  private final Supplier<Map<String, Object>> regionsView;
  private final Set<String> recordedPlans = ConcurrentHashMap.newKeySet();
  private final MultiGauge observerUp;
  private final MultiGauge stepStart;
  private final MultiGauge stepEnd;
  private final Map<String, Integer> failed = new ConcurrentHashMap<>();
  private final Map<String, Integer> partition = new ConcurrentHashMap<>();

  OrchestratorMetrics(
      MeterRegistry registry,
      Orchestrator orchestrator,
      Supplier<Map<String, Object>> regionsView) {
    this.registry = registry;
    this.orchestrator = orchestrator;
    this.regionsView = regionsView;
    bindJvm(registry);
    registerPlans();
    registerRegions();
    registerStores();
    observerUp =
        MultiGauge.builder("summit_dr_observer_region_up")
            .description("1 when the observer sees the region up, 0 down, NaN unknown")
            .register(registry);
    stepStart =
        MultiGauge.builder("summit_dr_last_plan_step_start_seconds")
            .description("When each step of the last plan started, seconds from the plan's start")
            .register(registry);
    stepEnd =
        MultiGauge.builder("summit_dr_last_plan_step_end_seconds")
            .description("When each step of the last plan ended, seconds from the plan's start")
            .register(registry);
  }

  /** The JVM's memory, GC, threads, classes, CPU and uptime meters. */
  public static void bindJvm(MeterRegistry registry) {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  private void registerPlans() {
    FunctionCounter.builder("summit_dr_plans", orchestrator, o -> o.plans().plans().size())
        .description("Plans started since the orchestrator started")
        .register(registry);
    Gauge.builder("summit_dr_plan_running", orchestrator, o -> running(o) == null ? 0 : 1)
        .description("1 while a plan runs")
        .register(registry);
    Gauge.builder("summit_dr_plan_waiting_approval", orchestrator, o -> waiting(o) ? 1 : 0)
        .description("1 while the running plan waits for an operator's approval")
        .register(registry);
    Gauge.builder("summit_dr_last_plan_duration_seconds", orchestrator, o -> lastDuration(o))
        .description("Duration of the last plan (so far, while it runs); NaN before any plan")
        .register(registry);
  }

  private void registerRegions() {
    for (String region : orchestrator.regions()) {
      Gauge.builder(
              "summit_dr_writer_region", orchestrator, o -> o.writerRegion().equals(region) ? 1 : 0)
          .description("1 for the region that holds the writers")
          .tag("region", region)
          .register(registry);
      Gauge.builder("summit_dr_detection_region_failed", failed, m -> m.getOrDefault(region, 0))
          .description("1 while a quorum of observers agrees the region is down")
          .tag("region", region)
          .register(registry);
      Gauge.builder("summit_dr_partition_suspected", partition, m -> m.getOrDefault(region, 0))
          .description("1 while some observers see the region down and others up, no quorum")
          .tag("region", region)
          .register(registry);
    }
  }

  private void registerStores() {
    for (Store s : orchestrator.topology().stores()) {
      Gauge.builder("summit_dr_replication_rpo_budget_seconds", s, x -> seconds(x.rpoBudget()))
          .description("The store's RPO budget: most lag an automatic failover may lose")
          .tag("store", s.name())
          .register(registry);
      for (String region : s.replicaRegions()) {
        storeGauge(
            "summit_dr_replication_lag_seconds", "Replica lag behind its primary", s, region);
        storeGauge(
            "summit_dr_replication_lag_bytes", "Replica lag in bytes, where known", s, region);
        storeGauge(
            "summit_dr_replication_lag_age_seconds",
            "Age of the last lag figure; NaN when none",
            s,
            region);
      }
    }
  }

  private void storeGauge(String name, String description, Store s, String region) {
    Gauge.builder(name, orchestrator, o -> storeValue(o, name, s.name(), region))
        .description(description)
        .tags("store", s.name(), "region", region)
        .register(registry);
  }

  private static double storeValue(Orchestrator o, String name, String store, String region) {
    for (Map<String, Object> row : o.storeStatus()) {
      if (store.equals(row.get("name")) && region.equals(row.get("region"))) {
        return switch (name) {
          case "summit_dr_replication_lag_seconds" -> number(row.get("lag_seconds"));
          case "summit_dr_replication_lag_bytes" -> number(row.get("lag_bytes"));
          default -> age(row.get("lag_measured_at"));
        };
      }
    }
    return Double.NaN;
  }

  private static double number(@Nullable Object value) {
    return value instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  private static double age(@Nullable Object at) {
    return at instanceof Instant i
        ? Duration.between(i, Instant.now()).toMillis() / 1000.0
        : Double.NaN;
  }

  private static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }

  private static @Nullable PlanStatus running(Orchestrator o) {
    return o.plans().running().orElse(null);
  }

  private static boolean waiting(Orchestrator o) {
    PlanStatus p = running(o);
    return p != null && "waiting-approval".equals(p.state());
  }

  private static double lastDuration(Orchestrator o) {
    PlanStatus p = o.plans().last().orElse(null);
    if (p == null) {
      return Double.NaN;
    }
    Instant ended = p.endedAt();
    return seconds(Duration.between(p.startedAt(), ended != null ? ended : Instant.now()));
  }

  /** Brings the event-like meters up to date; call before each scrape. */
  public void refresh() {
    for (PlanStatus p : orchestrator.plans().plans()) {
      if (p.endedAt() != null && recordedPlans.add(p.id())) {
        recordEnded(p);
      }
    }
    orchestrator.plans().last().ifPresent(this::timeline);
    detection();
  }

  private void recordEnded(PlanStatus p) {
    String kind = p.kind().name().toLowerCase(java.util.Locale.ROOT);
    Counter.builder("summit_dr_plans_ended")
        .description("Plans that ended, by kind and end state")
        .tags("kind", kind, "state", p.state())
        .register(registry)
        .increment();
    Timer.builder("summit_dr_plan_duration")
        .description("Plan durations, from start to end")
        .tags("kind", kind, "state", p.state())
        .publishPercentileHistogram()
        .register(registry)
        .record(Duration.between(p.startedAt(), java.util.Objects.requireNonNull(p.endedAt())));
    for (PlanStatus.StepStatus s : p.steps()) {
      Double start = s.startS();
      Double end = s.endS();
      if (start != null && end != null) {
        Timer.builder("summit_dr_plan_step_duration")
            .description("Plan step durations, by action and end state")
            .tags("action", s.action(), "state", s.state())
            .publishPercentileHistogram()
            .register(registry)
            .record(Duration.ofMillis(Math.round((end - start) * 1000)));
      }
    }
  }

  private void timeline(PlanStatus p) {
    List<MultiGauge.Row<?>> starts = new ArrayList<>();
    List<MultiGauge.Row<?>> ends = new ArrayList<>();
    for (PlanStatus.StepStatus s : p.steps()) {
      Tags tags = Tags.of("step", s.id(), "action", s.action());
      Double start = s.startS();
      Double end = s.endS();
      if (start != null) {
        starts.add(MultiGauge.Row.of(tags, start));
      }
      if (end != null) {
        ends.add(MultiGauge.Row.of(tags, end));
      }
    }
    stepStart.register(starts, true);
    stepEnd.register(ends, true);
  }

  private void detection() {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    regionsView
        .get()
        .forEach(
            (region, value) -> {
              if (!(value instanceof Map<?, ?> view)) {
                return;
              }
              boolean isFailed = Boolean.TRUE.equals(view.get("failed"));
              failed.put(region, isFailed ? 1 : 0);
              Object observers = view.get("observers");
              int up = 0;
              int down = 0;
              if (observers instanceof Map<?, ?> seen) {
                for (Map.Entry<?, ?> e : seen.entrySet()) {
                  String health = String.valueOf(e.getValue());
                  up += health.equals("up") ? 1 : 0;
                  down += health.equals("down") ? 1 : 0;
                  rows.add(
                      MultiGauge.Row.of(
                          Tags.of("observer", String.valueOf(e.getKey()), "region", region),
                          health.equals("up") ? 1 : health.equals("down") ? 0 : Double.NaN));
                }
              }
              partition.put(region, !isFailed && up > 0 && down > 0 ? 1 : 0);
            });
    observerUp.register(rows, true);
  }
}
