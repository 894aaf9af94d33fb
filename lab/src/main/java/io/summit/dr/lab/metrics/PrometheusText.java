package io.summit.dr.lab.metrics;

import com.sun.net.httpserver.HttpExchange;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.summit.dr.orchestrator.api.OrchestratorMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A lab process's Prometheus registry, the JVM's meters bound, and how {@code GET /metrics} answers
 * from it. The process registers its own meters on {@link #registry()}.
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

  /** Answers with the text exposition (the caller closes the exchange). */
  public void serve(HttpExchange x) throws IOException {
    byte[] bytes = registry.scrape().getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    x.sendResponseHeaders(200, bytes.length);
    x.getResponseBody().write(bytes);
  }
}
