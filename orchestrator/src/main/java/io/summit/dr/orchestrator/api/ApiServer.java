package io.summit.dr.orchestrator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.summit.dr.access.AccessList;
import io.summit.dr.access.ControlServer;
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
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The orchestrator's HTTP API, served by a {@link ControlServer} (Helidon SE): its own, or an
 * orchestrator replica's ({@link ReplicaServer}, which registers the same operations and answers
 * them as follower until this API leads).
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
 * A path not served gets a 404 problem, a method the path does not take a 405 (ControlServer's).
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
  // its own listener (null: served from a replica's)
  private final @Nullable InetSocketAddress listen;
  private final javax.net.ssl.@Nullable SSLContext tls;
  private volatile @Nullable ControlServer server;
  private volatile Guard guard = Guard.open();
  private volatile Supplier<? extends java.util.Collection<String>> connectTo = List::of;

  /**
   * @param regionsView per region: role, failed flag and each observer's view (from detection)
   */
  public ApiServer(
      Orchestrator orchestrator,
      InetSocketAddress listen,
      Supplier<Map<String, Object>> regionsView) {
    this(orchestrator, listen, regionsView, null);
  }

  /**
   * The API on its own listener ({@link #start} binds it), HTTPS with {@code tls} ({@code null}:
   * plain HTTP).
   *
   * @param regionsView per region: role, failed flag and each observer's view (from detection)
   */
  public ApiServer(
      Orchestrator orchestrator,
      InetSocketAddress listen,
      Supplier<Map<String, Object>> regionsView,
      javax.net.ssl.@Nullable SSLContext tls) {
    this.orchestrator = orchestrator;
    this.regionsView = regionsView;
    this.listen = listen;
    this.tls = tls;
    this.orchestratorMetrics = new OrchestratorMetrics(metrics, orchestrator, regionsView);
  }

  /**
   * The API without a listener of its own: a replica's server serves its operations ({@link
   * #register}), answering as follower until it leads.
   */
  public ApiServer(Orchestrator orchestrator, Supplier<Map<String, Object>> regionsView) {
    this.orchestrator = orchestrator;
    this.regionsView = regionsView;
    this.listen = null;
    this.tls = null;
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

  /** Where the API listens; empty when it is served from another listener or not started. */
  public java.util.Optional<InetSocketAddress> address() {
    ControlServer s = server;
    return s == null ? java.util.Optional.empty() : java.util.Optional.of(s.address());
  }

  /**
   * Binds this API's own listener and serves (nothing when it is served from a replica's).
   *
   * @throws IOException when the address cannot be bound
   */
  public void start() throws IOException {
    InetSocketAddress at = listen;
    if (at == null) {
      return;
    }
    server =
        ControlServer.builder("orchestrator API", at)
            .tls(tls)
            .routes(r -> register(r, () -> this, (req, res) -> {}))
            .start();
  }

  /** The Prometheus text of every meter, brought up to date. */
  public String scrape() {
    orchestratorMetrics.refresh();
    return metrics.scrape();
  }

  public PrometheusMeterRegistry metrics() {
    return metrics;
  }

  /** Where the API's OpenAPI 3.1 description is served, as YAML (the committed file) and JSON. */
  public static final String OPENAPI_YAML = "/v1/openapi.yaml";

  public static final String OPENAPI_JSON = "/v1/openapi.json";

  /** One operation's handler, given the API that serves it. */
  @FunctionalInterface
  private interface Operation {
    void handle(ApiServer api, ServerRequest req, ServerResponse res) throws IOException;
  }

  /** One operation: a method and a path template whose {@code {id}} matches one segment. */
  private record Route(String method, String template, Operation operation) {}

  /** Every operation this API serves, in the order they are registered. */
  private static final List<Route> ROUTES =
      List.of(
          new Route("GET", "/healthz", (a, req, res) -> reply(res, 200, Map.of("status", "ok"))),
          new Route("GET", "/", (a, req, res) -> a.dashboard(res)),
          new Route("GET", "/dashboard", (a, req, res) -> a.dashboard(res)),
          new Route("GET", OPENAPI_YAML, (a, req, res) -> openApi(res, false)),
          new Route("GET", OPENAPI_JSON, (a, req, res) -> openApi(res, true)),
          new Route("GET", "/v1/status", (a, req, res) -> reply(res, 200, a.status())),
          new Route(
              "GET",
              "/v1/plans",
              (a, req, res) -> reply(res, 200, Map.of("plans", a.orchestrator.plans().plans()))),
          new Route(
              "POST", "/v1/plans", (a, req, res) -> reply(res, 202, a.startPlan(req, body(req)))),
          new Route("GET", "/v1/plans/{id}", (a, req, res) -> a.plan(res, id(req))),
          new Route(
              "POST",
              "/v1/plans/{id}/approve",
              (a, req, res) ->
                  reply(
                      res,
                      200,
                      a.orchestrator.approve(id(req), who(req, body(req).path("by").asText(""))))),
          new Route("GET", "/v1/endpoints", (a, req, res) -> a.endpoints(req, res)),
          new Route(
              "GET",
              "/v1/events/recent",
              (a, req, res) -> reply(res, 200, Map.of("events", a.orchestrator.events().recent()))),
          new Route("GET", "/v1/events", (a, req, res) -> a.stream(res)),
          new Route(
              "GET",
              "/v1/audit",
              (a, req, res) ->
                  reply(res, 200, Map.of("entries", a.orchestrator.audit().entries()))),
          new Route("GET", "/metrics", (a, req, res) -> a.metricsText(res)));

  /**
   * Every operation of this API as {@code "METHOD /template"} (a path segment {@code {id}}), the
   * list the OpenAPI description is checked against.
   */
  public List<String> operations() {
    return ROUTES.stream().map(r -> r.method() + " " + r.template()).toList();
  }

  /**
   * Registers every operation on {@code routes}: each is answered by the API {@code serving} gives
   * at that moment, or by {@code otherwise} while it gives none (a replica that follows).
   */
  public static void register(
      ControlServer.Routes routes, Supplier<@Nullable ApiServer> serving, Handler otherwise) {
    for (Route r : ROUTES) {
      routes.on(
          r.method(),
          r.template(),
          (req, res) -> {
            ApiServer api = serving.get();
            if (api == null) {
              otherwise.handle(req, res);
            } else {
              api.serve(r, req, res);
            }
          });
    }
  }

  /** Answers one request of the API: its guard first, then the operation. */
  private void serve(Route route, ServerRequest req, ServerResponse res) throws IOException {
    metrics.counter("summit_dr_api_requests", "method", route.method()).increment();
    if (!ControlServer.admit(guard, req, res)) {
      metrics
          .counter("summit_dr_api_unauthorized", "status", String.valueOf(res.status().code()))
          .increment();
      return;
    }
    try {
      route.operation().handle(this, req, res);
    } catch (PlanRefusedException e) {
      reply(res, 409, Map.of("error", e.getMessage(), "running_plan", e.runningPlan()));
    } catch (PreCheckRefusedException e) {
      reply(
          res,
          409,
          Map.of(
              "error",
              String.valueOf(e.getMessage()),
              "reasons",
              e.reasons(),
              "forcible",
              e.forcible()));
    } catch (IllegalArgumentException e) {
      reply(res, 400, Map.of("error", String.valueOf(e.getMessage())));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      reply(
          res,
          400,
          Map.of(
              "error",
              "body: not valid JSON: " + e.getOriginalMessage() + " (expected: a JSON object)"));
    }
  }

  private static String id(ServerRequest req) {
    return req.path().pathParameters().get("id");
  }

  private void plan(ServerResponse x, String id) throws IOException {
    PlanStatus plan = orchestrator.plans().plan(id).orElse(null);
    if (plan == null) {
      reply(
          x,
          404,
          Map.of("error", "plan: '" + id + "' not found (expected: an id from GET /v1/plans)"));
    } else {
      reply(x, 200, plan);
    }
  }

  private void metricsText(ServerResponse res) {
    ControlServer.reply(res, 200, "text/plain; version=0.0.4", scrape());
  }

  /** The committed OpenAPI 3.1 description of this API (a resource of the jar). */
  public static byte[] openApiYaml() throws IOException {
    try (java.io.InputStream in = ApiServer.class.getResourceAsStream("openapi.yaml")) {
      if (in == null) {
        throw new IOException("openapi.yaml is missing from the jar");
      }
      return in.readAllBytes();
    }
  }

  private static void openApi(ServerResponse res, boolean json) throws IOException {
    byte[] yaml = openApiYaml();
    byte[] bytes =
        json
            ? JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsBytes(
                    new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                        .readTree(yaml))
            : yaml;
    ControlServer.reply(
        res, 200, json ? "application/json" : "application/yaml; charset=utf-8", bytes);
  }

  private void dashboard(ServerResponse res) throws IOException {
    byte[] page;
    try (java.io.InputStream in = ApiServer.class.getResourceAsStream("dashboard.html")) {
      if (in == null) {
        throw new IOException("dashboard.html is missing from the jar");
      }
      page = in.readAllBytes();
    }
    res.header(HeaderNames.CACHE_CONTROL, "no-store");
    res.header(
        "Content-Security-Policy",
        "default-src 'self'; connect-src "
            + String.join(" ", connectSources())
            + "; script-src 'unsafe-inline'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    ControlServer.reply(res, 200, "text/html; charset=utf-8", page);
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
  private static String who(ServerRequest x, String claimed) {
    return ControlServer.caller(x)
        .map(
            p ->
                claimed.isBlank() || claimed.equals(p.name())
                    ? p.name()
                    : p.name() + " (for " + claimed + ")")
        .orElse(claimed.isBlank() ? "api" : claimed);
  }

  private PlanStatus startPlan(ServerRequest x, JsonNode b) {
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
  private void endpoints(ServerRequest req, ServerResponse x) throws IOException {
    Map<String, String> q = query(req);
    if (!q.containsKey("wait")) {
      reply(x, 200, snapshotAfter(q));
      return;
    }
    long version = parseVersion(q.getOrDefault("version", "0"));
    orchestrator.discovery().following(version);
    try {
      reply(x, 200, snapshotAfter(q));
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

  private Object snapshotAfter(Map<String, String> q) {
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

  private void stream(ServerResponse res) {
    res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
    res.header(HeaderNames.CACHE_CONTROL, "no-cache");
    BlockingQueue<Events.Event> q = orchestrator.events().subscribe();
    try (OutputStream out = res.outputStream()) {
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
    } catch (IOException | java.io.UncheckedIOException clientGone) {
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

  private static JsonNode body(ServerRequest x) throws IOException {
    byte[] bytes;
    try (java.io.InputStream in = x.content().inputStream()) {
      bytes = in.readNBytes(64 * 1024);
    }
    if (bytes.length == 0) {
      return JSON.createObjectNode();
    }
    return JSON.readTree(bytes);
  }

  private static Map<String, String> query(ServerRequest x) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : x.query().names()) {
      out.put(name, x.query().first(name).orElse(""));
    }
    return out;
  }

  private static void reply(ServerResponse x, int status, Object body) throws IOException {
    if (status >= 400 && body instanceof Map<?, ?> m && m.get("error") instanceof String detail) {
      Map<String, Object> extensions = new LinkedHashMap<>();
      m.forEach((k, v) -> extensions.put(String.valueOf(k), v));
      Problem.send(x, status, detail, extensions);
      return;
    }
    ControlServer.json(x, status, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body));
  }

  @Override
  public void close() {
    ControlServer s = server;
    if (s != null) {
      s.close();
    }
  }
}
