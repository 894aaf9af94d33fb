package io.summit.dr.lab.metrics;

import io.helidon.webserver.http.ServerResponse;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.summit.dr.access.ControlServer;
import io.summit.dr.orchestrator.api.OrchestratorMetrics;

/**
 * A lab process's Prometheus registry, the JVM's meters bound, and how {@code GET /metrics} answers
 * from it (a route of the process's {@link ControlServer}). The process registers its own meters on
 * {@link #registry()}.
 */
public final class PrometheusText {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  public PrometheusText() {
    OrchestratorMetrics.bindJvm(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Answers 200 with the text exposition (version 0.0.4); the response is then sent. */
  public void serve(ServerResponse res) {
    ControlServer.reply(res, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
  }
}
