package io.summit.dr.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.summit.dr.access.AccessList;
import io.summit.dr.access.Guard;
import io.summit.dr.access.Policy;
import io.summit.dr.access.Role;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * The agent's HTTP endpoints (JDK HttpServer):
 *
 * <pre>
 * GET /v1/agent   the {@link AgentStatus} as JSON (snake_case): region, state, writer, term, lease id,
 *                 last renewal age, time to the deadline, stores fenced by this agent, fence count,
 *                 and under "zones" the in-region failovers (writer zone, standby state, last
 *                 failover, why one was refused, alerts)
 * GET /healthz    200 "ok" while the agent's loops run cleanly, 503 otherwise
 * GET /metrics    Prometheus text: summit_dr_agent_state{state}, summit_dr_agent_fences_total,
 *                 summit_dr_agent_last_renewal_age_seconds, summit_dr_agent_deadline_remaining_seconds,
 *                 summit_dr_agent_fenced_stores, summit_dr_agent_last_lapse_to_fence_seconds
 * </pre>
 *
 * Lifecycle: {@link #start()} once, {@link #close()} (idempotent) stops the server.
 */
public final class AgentServer implements AutoCloseable {
  private static final ObjectMapper JSON =
      new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  private final RegionAgent agent;
  private final HttpServer server;
  private volatile Guard guard = Guard.open();
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final PrometheusMeterRegistry metrics =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  /**
   * @throws IOException when {@code listen} cannot be bound
   */
  public AgentServer(RegionAgent agent, InetSocketAddress listen) throws IOException {
    this(agent, listen, null);
  }

  /**
   * @param tls the context the API listens with (HTTPS only; {@code --tls-cert}, {@code
   *     --tls-key}), or null: plain HTTP
   * @throws IOException when {@code listen} cannot be bound
   */
  public AgentServer(
      RegionAgent agent, InetSocketAddress listen, javax.net.ssl.@Nullable SSLContext tls)
      throws IOException {
    this.agent = agent;
    this.server = io.summit.dr.access.Tls.listen(listen, 64, tls);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    register();
  }

  /**
   * From now on every request but {@code GET /healthz} needs a viewer's token (or above) of {@code
   * access}: 401 without one.
   */
  public AgentServer require(AccessList access) {
    this.guard = Guard.of(access, Policy.readsAndChanges(Role.ADMIN));
    return this;
  }

  public void start() {
    server.start();
  }

  /** The bound address (the port when 0 was asked). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void register() {
    // The JVM's own meters (memory, GC, threads, classes, CPU, uptime).
    new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(metrics);
    new io.micrometer.core.instrument.binder.jvm.JvmGcMetrics().bindTo(metrics);
    new io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics().bindTo(metrics);
    new io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics().bindTo(metrics);
    new io.micrometer.core.instrument.binder.system.ProcessorMetrics().bindTo(metrics);
    new io.micrometer.core.instrument.binder.system.UptimeMetrics().bindTo(metrics);
    String region = agent.status().region();
    for (AgentState s : AgentState.values()) {
      gauge("summit_dr_agent_state", "1 for the agent's current state", a -> a.state() == s ? 1 : 0)
          .tag("state", s.wireName())
          .tag("region", region)
          .register(metrics);
    }
    FunctionCounter.builder("summit_dr_agent_fences", agent, a -> a.status().fences())
        .description("times the agent fenced its region's primaries itself")
        .tag("region", region)
        .register(metrics);
    seconds("summit_dr_agent_last_renewal_age_seconds", "since the last successful renewal's send")
        .register(metrics);
    gauge(
            "summit_dr_agent_deadline_remaining_seconds",
            "until the local deadline (negative when passed, NaN without a lease)",
            a -> a.deadlineInMillis() == null ? Double.NaN : a.deadlineInMillis() / 1000.0)
        .tag("region", region)
        .register(metrics);
    gauge(
            "summit_dr_agent_fenced_stores",
            "stores fenced by this agent",
            a -> a.fencedStores().size())
        .tag("region", region)
        .register(metrics);
    gauge(
            "summit_dr_agent_last_lapse_to_fence_seconds",
            "from the last successful renewal's send to the fence done, at the last self-fence",
            a ->
                a.lastLapseToFenceMillis() == null
                    ? Double.NaN
                    : a.lastLapseToFenceMillis() / 1000.0)
        .tag("region", region)
        .register(metrics);
  }

  private Gauge.Builder<RegionAgent> seconds(String name, String description) {
    return gauge(
            name,
            description,
            a -> a.lastRenewalAgeMillis() == null ? Double.NaN : a.lastRenewalAgeMillis() / 1000.0)
        .tag("region", agent.status().region());
  }

  private Gauge.Builder<RegionAgent> gauge(
      String name, String description, ToDoubleFunction<AgentStatus> value) {
    return Gauge.builder(name, agent, a -> value.applyAsDouble(a.status()))
        .description(description);
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      if (!guard.admit(x)) {
        return;
      }
      String path = x.getRequestURI().getPath();
      if (!x.getRequestMethod().equals("GET")) {
        reply(x, 405, "text/plain", "method: " + x.getRequestMethod() + " (expected: GET)\n");
        return;
      }
      switch (path) {
        case "/v1/agent" ->
            reply(x, 200, "application/json", JSON.writeValueAsString(agent.status()));
        case "/healthz" -> {
          boolean ok = agent.status().healthy();
          reply(x, ok ? 200 : 503, "text/plain", ok ? "ok\n" : "unhealthy\n");
        }
        case "/metrics" -> reply(x, 200, "text/plain; version=0.0.4", metrics.scrape());
        default ->
            reply(
                x,
                404,
                "text/plain",
                "path: " + path + " (expected: /v1/agent, /healthz or /metrics)\n");
      }
    }
  }

  private static void reply(HttpExchange x, int code, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", type);
    x.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(bytes);
    }
  }
}
