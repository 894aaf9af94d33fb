package io.summit.dr.workload.service;

import com.sun.net.httpserver.HttpExchange;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The sample service's {@code /metrics}: {@code summit_service_requests_total{route}} (route:
 * write, read, health, metrics, other) and the JVM's meters. Thread-safe.
 */
final class ServiceMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter writes = counter("write");
  private final Counter reads = counter("read");
  private final Counter health = counter("health");
  private final Counter scrapes = counter("metrics");
  private final Counter other = counter("other");

  ServiceMetrics() {
    new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.jvm.JvmGcMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.system.ProcessorMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.system.UptimeMetrics().bindTo(registry);
  }

  private Counter counter(String route) {
    return Counter.builder("summit_service_requests")
        .description("Requests received, by route")
        .tag("route", route)
        .register(registry);
  }

  void request(String path, String method) {
    Counter c =
        path.startsWith("/entities")
            ? (method.equals("POST") ? writes : reads)
            : path.equals("/healthz") || path.equals("/readyz")
                ? health
                : path.equals("/metrics") ? scrapes : other;
    c.increment();
  }

  void serve(HttpExchange x) throws IOException {
    byte[] bytes = registry.scrape().getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    x.sendResponseHeaders(200, bytes.length);
    x.getResponseBody().write(bytes);
  }
}
