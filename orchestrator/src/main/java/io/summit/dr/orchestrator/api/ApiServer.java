package io.summit.dr.orchestrator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.summit.dr.access.AccessList;
import io.summit.dr.access.Guard;
import io.summit.dr.access.Policy;
import io.summit.dr.access.Problem;
import io.summit.dr.access.Role;
import io.summit.dr.orchestrator.Events;
import io.summit.dr.orchestrator.Orchestrator;
import io.summit.dr.orchestrator.PreCheckRefusedException;
import io.summit.dr.orchestrator.plan.PlanRefusedException;
import io.summit.dr.orchestrator.plan.PlanStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The orchestrator's HTTP API (JDK HttpServer: a few JSON resources and one event stream need no
 * framework).
 *
 * <pre>
 * GET  /v1/status                    writer region, regions with each observer's view, stores with role and lag, last plan
 * GET  /v1/plans                     every plan with its step timings;  GET /v1/plans/{id}: one
 * POST /v1/plans                     {"kind": "failover"|"switchover"|"failback", "to": R, "force": false, "requested_by": "..."}
 * POST /v1/plans/{id}/approve        {"by": "..."}
 * GET  /v1/endpoints[?version=N&amp;wait=30s]   discovery; long-polls until the version is above N
 * GET  /v1/events                    server-sent events (recent ones first)
 * GET  /v1/events/recent             the last 1000 events as JSON
 * GET  /v1/audit                     who asked for what, when, with what result
 * GET  /metrics                      Prometheus
 * GET  /  (or /dashboard)            the live dashboard (a page that asks this API with a token)
 * GET  /v1/openapi.yaml (or .json)   this API's OpenAPI 3.1 description (the committed openapi.yaml)
 * </pre>
 *
 * Bad requests get a 4xx RFC 9457 problem ({@code application/problem+json}: type, title, status,
 * detail "field: what is wrong (expected: ...)", and the same text as "error") and change nothing.
 * With {@link #require} (the orchestrator's {@code --access-file} or {@code --api-token-file}),
 * every request but {@code GET /healthz} needs a bearer token of the role {@link #POLICY} names:
 * 401 without, 403 with too low a role. A plan request the pre-checks refuse (the same ones
 * detection's automatic failover passes: the writer region declared failed by a quorum, the target
 * not, each replica's lag known fresh and within budget) gets a 409 with {"error", "reasons":
 * [...], "forcible"} and changes nothing; a failover with "force": true goes through, recorded as
 * forced.
 */
public final class ApiServer implements AutoCloseable {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  private static final Set<String> PLAN_FIELDS = Set.of("kind", "to", "force", "requested_by");

  private final Orchestrator orchestrator;
  private final Supplier<Map<String, Object>> regionsView;
  private final OrchestratorMetrics orchestratorMetrics;
  private final PrometheusMeterRegistry metrics =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final @Nullable HttpServer server;
  private volatile Guard guard = Guard.open();
  private volatile Supplier<? extends java.util.Collection<String>> connectTo = List::of;
  private final List<Route> routes;

  /**
   * @param regionsView per region: role, failed flag and each observer's view (from detection)
   */
  public ApiServer(
      Orchestrator orchestrator,
      InetSocketAddress listen,
      Supplier<Map<String, Object>> regionsView)
      throws IOException {
    this(orchestrator, listen, regionsView, null);
  }

  /**
   * The API on its own listener, HTTPS with {@code tls} ({@code null}: plain HTTP).
   *
   * @param regionsView per region: role, failed flag and each observer's view (from detection)
   */
  public ApiServer(
      Orchestrator orchestrator,
      InetSocketAddress listen,
      Supplier<Map<String, Object>> regionsView,
      javax.net.ssl.@Nullable SSLContext tls)
      throws IOException {
    this(orchestrator, regionsView, io.summit.dr.access.Tls.listen(listen, 128, tls));
  }

  /**
   * The API without a listener of its own: {@link #handle} serves it from a server that someone
   * else owns (an orchestrator replica's, which answers as follower until it leads).
   */
  public ApiServer(Orchestrator orchestrator, Supplier<Map<String, Object>> regionsView) {
    this(orchestrator, regionsView, null);
  }

  private ApiServer(
      Orchestrator orchestrator,
      Supplier<Map<String, Object>> regionsView,
      @Nullable HttpServer server) {
    this.orchestrator = orchestrator;
    this.regionsView = regionsView;
    this.server = server;
    this.routes = routes();
    if (server != null) {
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.createContext("/", this::handle);
    }
    this.orchestratorMetrics = new OrchestratorMetrics(metrics, orchestrator, regionsView);
  }

  /** Where the dashboard page is served (it holds no data: it asks the API with the token). */
  public static final Set<String> DASHBOARD_PATHS = Set.of("/", "/dashboard");

  /** What anyone may read without a token: the dashboard page and the API's description. */
  private static final Set<String> OPEN_PATHS =
      Set.of("/", "/dashboard", "/v1/openapi.yaml", "/v1/openapi.json");

  /**
   * The roles this API's requests need: {@code GET /healthz} none; every other read (status, plans,
   * discovery, events, audit, metrics) a viewer's; starting a plan or approving one an operator's.
   */
  public static final Policy POLICY =
      (method, path) ->
          OPEN_PATHS.contains(path) && method.equals("GET")
              ? null
              : Policy.readsAndChanges(Role.OPERATOR).required(method, path);

  /**
   * From now on every request but {@code GET /healthz} must carry {@code Authorization: Bearer
   * <token>} of a caller in {@code access} whose role {@link #POLICY} allows: without one it gets
   * 401, with too low a role 403, and changes nothing. Plans and approvals are recorded under the
   * caller's name.
   */
  public ApiServer require(AccessList access) {
    return require(access, POLICY);
  }

  /**
   * The policy of an orchestrator given only the AWS alarm hook's {@code --api-token-file}: reads
   * open (the deployments that use it distribute no viewer tokens), changes an operator's.
   */
  public static final Policy CHANGES_ONLY =
      (method, path) -> method.equals("GET") || method.equals("HEAD") ? null : Role.OPERATOR;

  /** {@link #require(AccessList)} under another policy. */
  public ApiServer require(AccessList access, Policy policy) {
    this.guard = Guard.of(access, policy);
    return this;
  }

  /**
   * From now on the dashboard page may call the API at {@code origins} too ({@code
   * http://HOST:PORT} of the other replicas, named in its Content-Security-Policy's {@code
   * connect-src}): it follows the lead there.
   */
  public ApiServer connectTo(Supplier<? extends java.util.Collection<String>> origins) {
    this.connectTo = origins;
    return this;
  }

  /** Where the API listens; empty when it is served from another listener. */
  public java.util.Optional<InetSocketAddress> address() {
    HttpServer s = server;
    return s == null ? java.util.Optional.empty() : java.util.Optional.of(s.getAddress());
  }

  public void start() {
    if (server != null) {
      server.start();
    }
  }

  /** The Prometheus text of every meter, brought up to date. */
  public String scrape() {
    orchestratorMetrics.refresh();
    return metrics.scrape();
  }

  public PrometheusMeterRegistry metrics() {
    return metrics;
  }

  /** Answers one request of the API. */
  public void handle(HttpExchange x) throws IOException {
    try (x) {
      String path = x.getRequestURI().getPath();
      String method = x.getRequestMethod();
      metrics.counter("summit_dr_api_requests", "method", method).increment();
      if (!guard.admit(x)) {
        metrics
            .counter("summit_dr_api_unauthorized", "status", String.valueOf(x.getResponseCode()))
            .increment();
        return;
      }
      try {
        route(x, method, path);
      } catch (PlanRefusedException e) {
        reply(x, 409, Map.of("error", e.getMessage(), "running_plan", e.runningPlan()));
      } catch (PreCheckRefusedException e) {
        reply(
            x,
            409,
            Map.of(
                "error",
                String.valueOf(e.getMessage()),
                "reasons",
                e.reasons(),
                "forcible",
                e.forcible()));
      } catch (IllegalArgumentException e) {
        reply(x, 400, Map.of("error", String.valueOf(e.getMessage())));
      } catch (IOException e) {
        reply(
            x,
            400,
            Map.of(
                "error", "body: not valid JSON: " + e.getMessage() + " (expected: a JSON object)"));
      }
    }
  }

  /** One operation's handler: the exchange and the path's {@code {id}} segment, if any. */
  @FunctionalInterface
  private interface Handler {
    void handle(HttpExchange x, @Nullable String id) throws IOException;
  }

  /** One operation: a method and a path template whose {@code {id}} matches one segment. */
  private record Route(String method, String template, Handler handler) {
    @Nullable String match(String m, String path) {
      if (!method.equals(m)) {
        return null;
      }
      String[] want = template.split("/", -1);
      String[] got = path.split("/", -1);
      if (want.length != got.length) {
        return null;
      }
      String id = "";
      for (int i = 0; i < want.length; i++) {
        if (want[i].equals("{id}")) {
          if (got[i].isEmpty()) {
            return null;
          }
          id = got[i];
        } else if (!want[i].equals(got[i])) {
          return null;
        }
      }
      return id;
    }
  }

  /** Every operation this API serves, in the order it matches them. */
  private List<Route> routes() {
    return List.of(
        new Route("GET", "/healthz", (x, id) -> reply(x, 200, Map.of("status", "ok"))),
        new Route("GET", "/", (x, id) -> dashboard(x)),
        new Route("GET", "/dashboard", (x, id) -> dashboard(x)),
        new Route("GET", OPENAPI_YAML, (x, id) -> openApi(x, false)),
        new Route("GET", OPENAPI_JSON, (x, id) -> openApi(x, true)),
        new Route("GET", "/v1/status", (x, id) -> reply(x, 200, status())),
        new Route(
            "GET",
            "/v1/plans",
            (x, id) -> reply(x, 200, Map.of("plans", orchestrator.plans().plans()))),
        new Route("POST", "/v1/plans", (x, id) -> reply(x, 202, startPlan(x, body(x)))),
        new Route("GET", "/v1/plans/{id}", this::plan),
        new Route(
            "POST",
            "/v1/plans/{id}/approve",
            (x, id) ->
                reply(
                    x,
                    200,
                    orchestrator.approve(
                        String.valueOf(id), who(x, body(x).path("by").asText(""))))),
        new Route("GET", "/v1/endpoints", (x, id) -> endpoints(x)),
        new Route(
            "GET",
            "/v1/events/recent",
            (x, id) -> reply(x, 200, Map.of("events", orchestrator.events().recent()))),
        new Route("GET", "/v1/events", (x, id) -> stream(x)),
        new Route(
            "GET",
            "/v1/audit",
            (x, id) -> reply(x, 200, Map.of("entries", orchestrator.audit().entries()))),
        new Route("GET", "/metrics", (x, id) -> metricsText(x)));
  }

  /**
   * Every operation of this API as {@code "METHOD /template"} (a path segment {@code {id}}), the
   * list the OpenAPI description is checked against.
   */
  public List<String> operations() {
    return routes.stream().map(r -> r.method() + " " + r.template()).toList();
  }

  private void route(HttpExchange x, String method, String path) throws IOException {
    for (Route r : routes) {
      String id = r.match(method, path);
      if (id != null) {
        r.handler().handle(x, id.isEmpty() ? null : id);
        return;
      }
    }
    boolean known = routes.stream().anyMatch(r -> r.match(r.method(), path) != null);
    if (known) {
      x.getResponseHeaders()
          .set(
              "Allow",
              String.join(
                  ", ",
                  routes.stream()
                      .filter(r -> r.match(r.method(), path) != null)
                      .map(Route::method)
                      .toList()));
      reply(
          x,
          405,
          Map.of(
              "error",
              method
                  + " "
                  + path
                  + ": method not allowed (expected: "
                  + x.getResponseHeaders().getFirst("Allow")
                  + ")"));
      return;
    }
    reply(
        x,
        404,
        Map.of(
            "error",
            method
                + " "
                + path
                + ": no such resource (expected: see GET /v1/status, /v1/plans, /v1/endpoints,"
                + " /v1/events, /v1/audit, /metrics, or the API's description at "
                + OPENAPI_YAML
                + ")"));
  }

  private void plan(HttpExchange x, @Nullable String id) throws IOException {
    PlanStatus plan = orchestrator.plans().plan(String.valueOf(id)).orElse(null);
    if (plan == null) {
      reply(
          x,
          404,
          Map.of("error", "plan: '" + id + "' not found (expected: an id from GET /v1/plans)"));
    } else {
      reply(x, 200, plan);
    }
  }

  private void metricsText(HttpExchange x) throws IOException {
    byte[] bytes = scrape().getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
    x.sendResponseHeaders(200, bytes.length);
    x.getResponseBody().write(bytes);
  }

  /** Where the API's OpenAPI 3.1 description is served, as YAML (the committed file) and JSON. */
  public static final String OPENAPI_YAML = "/v1/openapi.yaml";

  public static final String OPENAPI_JSON = "/v1/openapi.json";

  /** The committed OpenAPI 3.1 description of this API (a resource of the jar). */
  public static byte[] openApiYaml() throws IOException {
    try (java.io.InputStream in = ApiServer.class.getResourceAsStream("openapi.yaml")) {
      if (in == null) {
        throw new IOException("openapi.yaml is missing from the jar");
      }
      return in.readAllBytes();
    }
  }

  private static void openApi(HttpExchange x, boolean json) throws IOException {
    byte[] yaml = openApiYaml();
    byte[] bytes =
        json
            ? JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsBytes(
                    new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                        .readTree(yaml))
            : yaml;
    x.getResponseHeaders()
        .set("Content-Type", json ? "application/json" : "application/yaml; charset=utf-8");
    x.sendResponseHeaders(200, bytes.length);
    x.getResponseBody().write(bytes);
  }

  private void dashboard(HttpExchange x) throws IOException {
    byte[] page;
    try (java.io.InputStream in = ApiServer.class.getResourceAsStream("dashboard.html")) {
      if (in == null) {
        throw new IOException("dashboard.html is missing from the jar");
      }
      page = in.readAllBytes();
    }
    x.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
    x.getResponseHeaders().set("Cache-Control", "no-store");
    x.getResponseHeaders()
        .set(
            "Content-Security-Policy",
            "default-src 'self'; connect-src "
                + String.join(" ", connectSources())
                + "; script-src 'unsafe-inline'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    x.sendResponseHeaders(200, page.length);
    x.getResponseBody().write(page);
  }

  private List<String> connectSources() {
    List<String> out = new java.util.ArrayList<>(List.of("'self'"));
    try {
      out.addAll(connectTo.get());
    } catch (RuntimeException e) {
      // the other replicas unknown now: the page calls this one only
    }
    return out;
  }

  private Map<String, Object> status() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("writer_region", orchestrator.writerRegion());
    // the term discovery publishes the writer under (a new writer gets a higher one)
    s.put("writer_term", orchestrator.discovery().snapshot().term());
    s.put("regions", withZones(regionsView.get()));
    s.put("stores", orchestrator.storeStatus());
    s.put("running_plan", orchestrator.plans().running().map(PlanStatus::id).orElse(null));
    s.put("last_plan", orchestrator.plans().last().orElse(null));
    return s;
  }

  /** Each region's view with its zones from the topology added. */
  private Map<String, Object> withZones(Map<String, Object> regions) {
    Map<String, Object> out = new LinkedHashMap<>();
    regions.forEach(
        (name, view) -> {
          Map<String, Object> r = new LinkedHashMap<>();
          if (view instanceof Map<?, ?> m) {
            m.forEach((k, v) -> r.put(String.valueOf(k), v));
          }
          r.put(
              "zones",
              orchestrator.topology().regions().stream()
                  .filter(reg -> reg.name().equals(name))
                  .findFirst()
                  .map(io.summit.dr.topology.Region::zones)
                  .orElse(List.of()));
          out.put(name, r);
        });
    return out;
  }

  /**
   * The name a plan or approval is recorded under: the authenticated caller's, with the name the
   * request claims after it when that differs ({@code lab-operator (for alice)}); the claimed name
   * alone, or "api", when this API requires no token.
   */
  private static String who(HttpExchange x, String claimed) {
    return Guard.caller(x)
        .map(
            p ->
                claimed.isBlank() || claimed.equals(p.name())
                    ? p.name()
                    : p.name() + " (for " + claimed + ")")
        .orElse(claimed.isBlank() ? "api" : claimed);
  }

  private PlanStatus startPlan(HttpExchange x, JsonNode b) {
    if (!b.isObject()) {
      throw new IllegalArgumentException(
          "body: " + b.getNodeType() + " (expected: a JSON object with kind and to)");
    }
    b.fieldNames()
        .forEachRemaining(
            f -> {
              if (!PLAN_FIELDS.contains(f)) {
                throw new IllegalArgumentException(
                    f + ": unknown field (expected: one of kind, to, force, requested_by)");
              }
            });
    String kind = b.path("kind").asText("");
    String who = who(x, b.path("requested_by").asText(""));
    JsonNode force = b.path("force");
    if (!force.isMissingNode() && !force.isBoolean()) {
      throw new IllegalArgumentException("force: " + force + " (expected: true or false)");
    }
    return switch (kind) {
      case "failover" -> orchestrator.failover(requireTo(b), force.asBoolean(false), who);
      case "switchover" -> orchestrator.switchover(requireTo(b), who);
      case "failback" -> orchestrator.failback(who);
      default ->
          throw new IllegalArgumentException(
              "kind: '" + kind + "' (expected: failover, switchover or failback)");
    };
  }

  private static String requireTo(JsonNode b) {
    JsonNode to = b.path("to");
    if (!to.isTextual()) {
      throw new IllegalArgumentException(
          "to: " + (to.isMissingNode() ? "missing" : to.toString()) + " (expected: a region name)");
    }
    return to.asText();
  }

  /** A long poll, counted by discovery from its start until its answer is written. */
  private void endpoints(HttpExchange x) throws IOException {
    Map<String, String> q = query(x);
    if (!q.containsKey("wait")) {
      reply(x, 200, snapshotAfter(x));
      return;
    }
    long version = parseVersion(q.getOrDefault("version", "0"));
    orchestrator.discovery().following(version);
    try {
      reply(x, 200, snapshotAfter(x));
    } finally {
      orchestrator.discovery().answered(version);
    }
  }

  private static long parseVersion(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "version: '" + text + "' (expected: version=N&wait=30s, N a number)", e);
    }
  }

  private Object snapshotAfter(HttpExchange x) {
    Map<String, String> q = query(x);
    long version;
    Duration wait;
    try {
      version = Long.parseLong(q.getOrDefault("version", "0"));
      wait = io.summit.dr.topology.Durations.parse(q.getOrDefault("wait", "0s"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "version/wait: " + e.getMessage() + " (expected: version=N&wait=30s)", e);
    }
    if (wait.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new IllegalArgumentException("wait: " + q.get("wait") + " (expected: at most 5m)");
    }
    try {
      return orchestrator.discovery().await(version, wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return orchestrator.discovery().snapshot();
    }
  }

  private void stream(HttpExchange x) throws IOException {
    x.getResponseHeaders().set("Content-Type", "text/event-stream");
    x.getResponseHeaders().set("Cache-Control", "no-cache");
    x.sendResponseHeaders(200, 0);
    BlockingQueue<Events.Event> q = orchestrator.events().subscribe();
    try (OutputStream out = x.getResponseBody()) {
      // A comment first: the headers leave now, not with the first event (a quiet orchestrator
      // would otherwise hold them up to the first keep-alive, 15 s, past a client's timeout).
      out.write(": stream open\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      for (Events.Event e : orchestrator.events().recent()) {
        send(out, e);
      }
      while (true) {
        Events.Event e = q.poll(15, TimeUnit.SECONDS);
        if (e == null) {
          out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
          out.flush();
        } else {
          send(out, e);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException clientGone) {
      // The subscriber disconnected.
    } finally {
      orchestrator.events().unsubscribe(q);
    }
  }

  private static void send(OutputStream out, Events.Event e) throws IOException {
    String frame =
        "id: " + e.id() + "\nevent: " + e.type() + "\ndata: " + JSON.writeValueAsString(e) + "\n\n";
    out.write(frame.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static JsonNode body(HttpExchange x) throws IOException {
    byte[] bytes = x.getRequestBody().readNBytes(64 * 1024);
    if (bytes.length == 0) {
      return JSON.createObjectNode();
    }
    return JSON.readTree(bytes);
  }

  private static Map<String, String> query(HttpExchange x) {
    Map<String, String> out = new LinkedHashMap<>();
    String raw = x.getRequestURI().getRawQuery();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(
            pair.substring(0, eq),
            java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static void reply(HttpExchange x, int status, Object body) throws IOException {
    if (status >= 400 && body instanceof Map<?, ?> m && m.get("error") instanceof String detail) {
      Map<String, Object> extensions = new LinkedHashMap<>();
      m.forEach((k, v) -> extensions.put(String.valueOf(k), v));
      Problem.send(x, status, detail, extensions);
      return;
    }
    byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(status, bytes.length);
    x.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
    }
  }
}
