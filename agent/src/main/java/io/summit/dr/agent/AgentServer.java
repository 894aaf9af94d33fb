package io.summit.dr.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.summit.dr.access.AccessList;
import io.summit.dr.access.ControlServer;
import io.summit.dr.access.Guard;
import io.summit.dr.access.Policy;
import io.summit.dr.access.Role;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * The agent's HTTP endpoints (a {@link ControlServer}; other paths and methods get 404 and 405
 * problems):
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
 * Lifecycle: {@link #start()} once (it binds), {@link #close()} (idempotent) stops the server.
 */
public final class AgentServer implements AutoCloseable {
  private static final ObjectMapper JSON =
      new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  private final RegionAgent agent;
  private final InetSocketAddress listen;
  private final javax.net.ssl.@Nullable SSLContext tls;
  private volatile Guard guard = Guard.open();
  private volatile @Nullable ControlServer server;
  private final PrometheusMeterRegistry metrics =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  public AgentServer(RegionAgent agent, InetSocketAddress listen) {
    this(agent, listen, null);
  }

  /**
   * @param tls the context the API listens with (HTTPS only; {@code --tls-cert}, {@code
   *     --tls-key}), or null: plain HTTP
   */
  public AgentServer(
      RegionAgent agent, InetSocketAddress listen, javax.net.ssl.@Nullable SSLContext tls) {
    this.agent = agent;
    this.listen = listen;
    this.tls = tls;
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

  /**
   * Binds and serves.
   *
   * @throws IOException when the address cannot be bound
   */
  public void start() throws IOException {
    server =
        ControlServer.builder("agent " + agent.status().region(), listen)
            .tls(tls)
            .guard(() -> guard)
            .routes(
                r ->
                    r.get(
                            "/v1/agent",
                            (req, res) ->
                                ControlServer.json(
                                    res, 200, JSON.writeValueAsBytes(agent.status())))
                        .get("/healthz", this::health)
                        .get(
                            "/metrics",
                            (req, res) ->
                                ControlServer.reply(
                                    res, 200, "text/plain; version=0.0.4", metrics.scrape())))
            .start();
  }

  /** The bound address (the port when 0 was asked), once started. */
  public InetSocketAddress address() {
    ControlServer s = server;
    if (s == null) {
      throw new IllegalStateException("agent API: not started");
    }
    return s.address();
  }

  @Override
  public void close() {
    ControlServer s = server;
    if (s != null) {
      s.close();
    }
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

  private void health(ServerRequest req, ServerResponse res) {
    boolean ok = agent.status().healthy();
    ControlServer.reply(res, ok ? 200 : 503, "text/plain", ok ? "ok\n" : "unhealthy\n");
  }
}
