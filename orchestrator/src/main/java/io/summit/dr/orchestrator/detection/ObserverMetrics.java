package io.summit.dr.orchestrator.detection;

import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.summit.dr.orchestrator.api.OrchestratorMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An observer daemon's {@code /metrics}: {@code summit_dr_observer_sees_up{region}} (1 up, 0 down,
 * NaN unknown, from its latest view), {@code summit_dr_observer_view_age_seconds} and the JVM's.
 */
final class ObserverMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MultiGauge seesUp =
      MultiGauge.builder("summit_dr_observer_sees_up")
          .description("This observer's latest view of each region: 1 up, 0 down, NaN unknown")
          .register(registry);
  private volatile java.time.Instant at = java.time.Instant.EPOCH;

  ObserverMetrics() {
    OrchestratorMetrics.bindJvm(registry);
    io.micrometer.core.instrument.Gauge.builder(
            "summit_dr_observer_view_age_seconds",
            this,
            m -> java.time.Duration.between(m.at, java.time.Instant.now()).toMillis() / 1000.0)
        .description("Age of the observer's latest view")
        .register(registry);
  }

  void serve(io.helidon.webserver.http.ServerResponse res, ObserverView view) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (Map.Entry<String, RegionHealth> e : view.regions().entrySet()) {
      double v =
          e.getValue() == RegionHealth.UP ? 1 : e.getValue() == RegionHealth.DOWN ? 0 : Double.NaN;
      rows.add(MultiGauge.Row.of(Tags.of("region", e.getKey()), v));
    }
    seesUp.register(rows, true);
    at = view.at();
    io.summit.dr.access.ControlServer.reply(
        res, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
  }
}
