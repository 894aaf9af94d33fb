package io.summit.dr.orchestrator.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.summit.dr.access.AccessList;
import io.summit.dr.access.ControlServer;
import io.summit.dr.access.Guard;
import io.summit.dr.access.Policy;
import io.summit.dr.access.Problem;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP listener of one orchestrator replica, a {@link ControlServer} (Helidon SE). While the
 * replica leads it serves the API ({@link ApiServer}); while it follows it answers {@code GET
 * /healthz} itself and sends every other request to the leader with {@code 307 Temporary Redirect}
 * (the body says which replica leads), or {@code 503} with {@code Retry-After: 1} while no replica
 * leads (a path the API does not serve gets a 404 problem either way). {@code GET /v1/replica} says
 * this replica's role either way. {@code GET /metrics} is this replica's own: {@code
 * summit_dr_orchestrator_leader{replica}}, and the API's meters while it leads (the JVM's while it
 * follows). Clients (the CLI, the drills, the services following discovery) find the leader from
 * any replica this way.
 *
 * <p>{@code GET /v1/replica} also lists the control plane's replicas ({@code replicas}: id, API
 * address, whether it campaigns now, whether it leads), so that the dashboard page can follow the
 * lead to another replica; requests from the origin of a listed replica get CORS headers, and their
 * preflights are answered before the access guard ({@link CrossOrigin}).
 */
public final class ReplicaServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The operations a replica answers itself, beside the {@link ApiServer#operations()}. */
  public static final List<String> OPERATIONS = List.of("GET /v1/replica");

  private final InetSocketAddress listen;
  private final javax.net.ssl.@Nullable SSLContext tls;
  private volatile @Nullable ControlServer server;
  private final String id;
  private final String scheme;
  private final Supplier<Optional<String>> leaderApi;
  private final String self;
  private final Supplier<List<Peer>> peers;
  private final CrossOrigin crossOrigin;
  private volatile @Nullable ApiServer api;
  private volatile Guard guard = Guard.open();
  // The leadership gauge, served by every replica; the JVM's meters only while following (the
  // leader's API registry has its own, and a family may appear once per scrape).
  private final PrometheusMeterRegistry own = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final PrometheusMeterRegistry followerJvm =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  /**
   * One replica of the control plane as the coordination store lists it.
   *
   * @param api its API address, {@code host:port}
   * @param campaigning whether it runs and reaches the store now
   */
  public record Peer(String id, String api, boolean campaigning) {}

  /**
   * A replica that knows of no other (no cross-origin caller is allowed).
   *
   * @param leaderApi the leader's API address ({@code host:port}), read from the coordination store
   */
  public ReplicaServer(InetSocketAddress listen, String id, Supplier<Optional<String>> leaderApi) {
    this(listen, id, leaderApi, List::of);
  }

  /**
   * @param leaderApi the leader's API address ({@code host:port}), read from the coordination store
   * @param peers every replica of the control plane, this one included, read from the store (it may
   *     throw: then none is listed)
   */
  public ReplicaServer(
      InetSocketAddress listen,
      String id,
      Supplier<Optional<String>> leaderApi,
      Supplier<List<Peer>> peers) {
    this(listen, id, leaderApi, peers, null);
  }

  /**
   * @param leaderApi the leader's API address ({@code host:port}), read from the coordination store
   * @param peers every replica of the control plane, this one included, read from the store (it may
   *     throw: then none is listed)
   * @param tls this replica's TLS context, the same in every replica ({@code null}: plain HTTP);
   *     redirects and allowed origins use its scheme
   */
  public ReplicaServer(
      InetSocketAddress listen,
      String id,
      Supplier<Optional<String>> leaderApi,
      Supplier<List<Peer>> peers,
      javax.net.ssl.@Nullable SSLContext tls) {
    this.id = id;
    this.leaderApi = leaderApi;
    this.peers = peers;
    this.scheme = io.summit.dr.access.Tls.scheme(tls);
    this.crossOrigin = new CrossOrigin(this::peersOrNone, scheme);
    this.self = listen.getHostString() + ":" + listen.getPort();
    this.listen = listen;
    this.tls = tls;
    Gauge.builder("summit_dr_orchestrator_leader", this, r -> r.api != null ? 1 : 0)
        .description("1 while this replica holds the leadership lease and serves the API")
        .tag("replica", id)
        .register(own);
    OrchestratorMetrics.bindJvm(followerJvm);
  }

  /**
   * From now on every request but {@code GET /healthz} needs a token of {@code access} with the
   * role {@link ApiServer#POLICY} names, on a follower too (its redirects, {@code /v1/replica},
   * {@code /metrics}).
   */
  public ReplicaServer require(AccessList access) {
    return require(access, ApiServer.POLICY);
  }

  /** {@link #require(AccessList)} under another policy ({@link ApiServer#CHANGES_ONLY}). */
  public ReplicaServer require(AccessList access, Policy policy) {
    this.guard = Guard.of(access, policy);
    return this;
  }

  /** The port this replica listens on, once started. */
  public int port() {
    ControlServer s = server;
    if (s == null) {
      throw new IllegalStateException(id + ": not started");
    }
    return s.port();
  }

  /**
   * Binds and serves, as follower until {@link #lead}.
   *
   * @throws IOException when the address cannot be bound
   */
  public void start() throws IOException {
    server =
        ControlServer.builder(id, listen)
            .tls(tls)
            .before(crossOrigin.filter())
            .guard(() -> guard)
            .routes(
                r -> {
                  r.get("/v1/replica", this::replica).get("/metrics", this::metrics);
                  ApiServer.register(r, () -> api, this::follow);
                })
            .start();
  }

  /** From now on this replica serves the API (its dashboard may call the other replicas). */
  public void lead(ApiServer leading) {
    leading.connectTo(crossOrigin::origins);
    this.api = leading;
  }

  /** From now on this replica redirects to the leader. */
  public void follow() {
    this.api = null;
  }

  private void replica(ServerRequest req, ServerResponse res) throws IOException {
    Map<String, @Nullable Object> role = role(api != null);
    role.put("replicas", replicas(api != null));
    reply(res, 200, role);
  }

  private void metrics(ServerRequest req, ServerResponse res) {
    ApiServer leading = api;
    ControlServer.reply(
        res,
        200,
        "text/plain; version=0.0.4; charset=utf-8",
        own.scrape() + (leading != null ? leading.scrape() : followerJvm.scrape()));
  }

  /** A request of the API while this replica follows: redirected to the leader. */
  private void follow(ServerRequest req, ServerResponse res) throws IOException {
    if (req.path().path().equals("/healthz")) {
      reply(res, 200, role(false));
      return;
    }
    Optional<String> leader = leaderOrEmpty();
    // The key may name this replica while it is still starting as leader: no redirect to itself.
    if (leader.isEmpty() || leader.get().equals(self)) {
      res.header(HeaderNames.RETRY_AFTER, "1");
      reply(res, 503, Map.of("error", id + ": no orchestrator replica leads yet", "replica", id));
      return;
    }
    String query = req.query().rawValue();
    res.header(
        HeaderNames.LOCATION,
        scheme
            + "://"
            + leader.get()
            + req.path().rawPath()
            + (query == null || query.isEmpty() ? "" : "?" + query));
    reply(
        res,
        307,
        Map.of(
            "error", id + ": follower; the leader is at " + leader.get(), "leader", leader.get()));
  }

  private Optional<String> leaderOrEmpty() {
    try {
      return leaderApi.get();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private List<Peer> peersOrNone() {
    try {
      return peers.get();
    } catch (RuntimeException e) {
      return List.of();
    }
  }

  /** Each replica listed, with whether it leads (by the leader key; this one if it leads). */
  private List<Map<String, Object>> replicas(boolean leading) {
    String leader = leading ? null : leaderOrEmpty().orElse(null);
    return peersOrNone().stream()
        .map(
            p -> {
              Map<String, Object> out = new LinkedHashMap<>();
              out.put("id", p.id());
              out.put("api", p.api());
              out.put("campaigning", p.campaigning());
              out.put("leader", leading ? p.id().equals(id) : p.api().equals(leader));
              return out;
            })
        .toList();
  }

  private Map<String, @Nullable Object> role(boolean leading) {
    Map<String, @Nullable Object> out = new LinkedHashMap<>();
    out.put("status", "ok");
    out.put("replica", id);
    out.put("role", leading ? "leader" : "follower");
    out.put("leader", leading ? "self" : leaderOrEmpty().orElse(null));
    return out;
  }

  private static void reply(ServerResponse x, int status, Object body) throws IOException {
    if (status >= 400 && body instanceof Map<?, ?> m && m.get("error") instanceof String detail) {
      Map<String, Object> extensions = new LinkedHashMap<>();
      m.forEach((k, v) -> extensions.put(String.valueOf(k), v));
      Problem.send(x, status, detail, extensions);
      return;
    }
    ControlServer.json(x, status, JSON.writeValueAsBytes(body));
  }

  @Override
  public void close() {
    ControlServer s = server;
    if (s != null) {
      s.close();
    }
  }
}
