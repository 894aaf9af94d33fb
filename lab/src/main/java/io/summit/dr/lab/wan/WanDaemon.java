package io.summit.dr.lab.wan;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.summit.dr.access.AccessList;
import io.summit.dr.access.AccessOptions;
import io.summit.dr.access.ControlServer;
import io.summit.dr.access.Guard;
import io.summit.dr.access.Policy;
import io.summit.dr.access.Role;
import io.summit.dr.access.Tls;
import io.summit.dr.router.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The lab's WAN: one {@link LinkState} per pair of locations and per {@link WanSpec.ZoneLink zone
 * link}, every route of a {@link WanSpec} over one of them, its {@link WanSpec.RegionEndpoint
 * region endpoints} (each relaying without delay to a target the region's control moves), and an
 * admin API to cut, restore and slow the links and to move the endpoints.
 *
 * <pre>
 * GET  /v1/links                         the links (zone links included): a, b, cut, latency_ms,
 *                                        jitter_ms, connections, waiting (accepted, held until the
 *                                        cut link is restored)
 * POST /v1/links/{a}/{b}/cut             partition a from b
 * POST /v1/links/{a}/{b}/restore         heal that link
 * POST /v1/links/{a}/{b}/latency?ms=N    set its one-way latency (jitter kept)
 * POST /v1/locations/{l}/isolate         cut every link of l at once
 * POST /v1/heal                          restore every link and its own latency (the spec's for a
 *                                        zone link, the WAN's default for the others)
 * GET  /v1/endpoints                     the endpoints: name, listen, target, targets, connections
 * PUT  /v1/endpoints/{name}              body {"target":"host:port"}, one of its targets: new
 *                                        connections go there, those to the target before are
 *                                        closed; 404 for an unknown name, 400 for a bad body
 * GET  /metrics                          per link: cut and latency, in Prometheus text
 * </pre>
 *
 * With an access list, reads need a viewer's token, an endpoint's move an operator's (region agents
 * move endpoints) and every other change an admin's. Errors are JSON with an {@code error} member
 * naming what is wrong; another path or method gets a 404 or 405 RFC 9457 problem. The admin API is
 * a {@link ControlServer} (Helidon SE), each request on a virtual thread of its own; the routes and
 * endpoints relay TCP on their own event loops.
 *
 * <p>Runs as its own process ({@code main}) in the lab, or in-process through {@link #start}.
 */
public final class WanDaemon implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WanDaemon.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ENDPOINTS = "/v1/endpoints";
  private static final int MAX_BODY_BYTES = 64 * 1024;

  /** Operators move endpoints; every other change is an admin's. */
  private static final Policy POLICY =
      (method, path) ->
          method.equals("PUT") && path.startsWith(ENDPOINTS + "/")
              ? Role.OPERATOR
              : Policy.readsAndChanges(Role.ADMIN).required(method, path);

  private final WanSpec spec;
  private final Map<String, LinkState> links = new LinkedHashMap<>();
  // the latency each zone link heals back to, by link key
  private final Map<String, Long> zoneLatencies = new LinkedHashMap<>();
  private final List<Route> routes = new ArrayList<>();
  private final RegionEndpoints endpoints;
  private final javax.net.ssl.@Nullable SSLContext tls;
  // the admin API, once started
  private volatile @Nullable ControlServer admin;
  private final Transport transport = Transport.best();
  // the routes' event loops: two, one per core of the lab machine
  private final EventLoopGroup loops =
      new MultiThreadIoEventLoopGroup(2, transport.ioHandlerFactory());
  // by-source routes look their clients up in /proc, which blocks: one thread, off the event loops
  private final ExecutorService locating =
      Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("wan-locate").factory());

  private volatile Guard guard = Guard.open();

  private WanDaemon(WanSpec spec, javax.net.ssl.@Nullable SSLContext tls) throws IOException {
    this.spec = spec;
    this.tls = tls;
    List<String> locations = spec.locations();
    for (int i = 0; i < locations.size(); i++) {
      for (int j = i + 1; j < locations.size(); j++) {
        link(locations.get(i), locations.get(j));
      }
    }
    // before the routes: a route between two zones must cross the zone link, not a default one
    for (WanSpec.ZoneLink z : spec.zoneLinks()) {
      String k = key(z.a(), z.b());
      links.put(k, new LinkState(first(z.a(), z.b()), second(z.a(), z.b()), z.latencyMillis(), 0));
      zoneLatencies.put(k, z.latencyMillis());
    }
    SourceLocator locator = new SourceLocator(spec.sources());
    try {
      bind(locator);
      // binds all or none
      endpoints = RegionEndpoints.bind(spec.endpoints(), loops, transport);
    } catch (IOException | RuntimeException e) {
      closeRoutes();
      throw e;
    }
  }

  private void bind(SourceLocator locator) throws IOException {
    for (WanSpec.Route r : spec.routes()) {
      if (r.from().equals(WanSpec.BY_SOURCE)) {
        routes.add(
            new Route(
                r,
                (client, localPort) -> bySource(locator, r, client, localPort),
                locating,
                loops,
                transport));
      } else {
        LinkState link = link(r.from(), r.to());
        routes.add(new Route(r, (client, localPort) -> link, null, loops, transport));
      }
    }
  }

  /** Binds every route and the admin API. */
  public static WanDaemon start(WanSpec spec) throws IOException {
    return start(spec, null);
  }

  /**
   * A daemon whose admin API needs a token of {@code access} (a viewer's to read, an operator's to
   * move an endpoint, an admin's to change a link); open when {@code access} is null.
   */
  public static WanDaemon start(WanSpec spec, @Nullable AccessList access) throws IOException {
    return start(spec, access, null);
  }

  /**
   * A daemon whose admin API needs a token of {@code access} (open when null) and listens with
   * HTTPS only when {@code tls} is given ({@code --tls-cert}, {@code --tls-key}); the routes are
   * not affected.
   */
  public static WanDaemon start(
      WanSpec spec, @Nullable AccessList access, javax.net.ssl.@Nullable SSLContext tls)
      throws IOException {
    WanDaemon daemon = new WanDaemon(spec, tls);
    daemon.guard = Guard.ofNullable(access, POLICY);
    try {
      daemon.serveAdmin();
    } catch (IOException | RuntimeException e) {
      try {
        daemon.close();
      } catch (IOException | RuntimeException also) {
        e.addSuppressed(also);
      }
      throw e;
    }
    return daemon;
  }

  /**
   * Binds the admin API and serves it.
   *
   * @throws IOException naming the address when it cannot be bound
   */
  private void serveAdmin() throws IOException {
    admin =
        ControlServer.builder("wan admin", new InetSocketAddress(spec.host(), spec.adminPort()))
            .tls(tls)
            .guard(() -> guard)
            .routes(
                r ->
                    r.get("/metrics", (req, res) -> metrics().serve(res))
                        .get("/v1/links", (req, res) -> reply(res, 200, linksJson()))
                        .post(
                            "/v1/heal",
                            (req, res) -> {
                              heal();
                              reply(res, 200, linksJson());
                            })
                        .get(ENDPOINTS, (req, res) -> reply(res, 200, endpoints.json()))
                        .put(ENDPOINTS + "/{name}", this::move)
                        .post(
                            "/v1/locations/{location}/isolate",
                            (req, res) -> isolate(res, req.path().pathParameters().get("location")))
                        .post("/v1/links/{a}/{b}/cut", (req, res) -> act(req, res, "cut"))
                        .post("/v1/links/{a}/{b}/restore", (req, res) -> act(req, res, "restore"))
                        .post("/v1/links/{a}/{b}/latency", (req, res) -> act(req, res, "latency")))
            .start();
  }

  public static void main(String[] args) throws Exception {
    AccessOptions access;
    try {
      access = AccessOptions.split(List.of(args));
    } catch (IllegalArgumentException e) {
      System.err.println("wan: " + e.getMessage());
      System.exit(2);
      return;
    }
    List<String> rest = access.rest();
    if (rest.size() != 2 || !rest.get(0).equals("--spec")) {
      System.err.println(
          "usage: WanDaemon --spec FILE [--access-file FILE] [--tls-cert FILE --tls-key FILE]");
      System.exit(2);
    }
    WanSpec spec = JSON.readValue(Path.of(rest.get(1)).toFile(), WanSpec.class);
    WanDaemon daemon = start(spec, access.access().orElse(null), access.serverTls());
    LOG.info(
        "wan: "
            + daemon.routes.size()
            + " routes over "
            + daemon.links.size()
            + " links, "
            + spec.endpoints().size()
            + " endpoints, admin on "
            + Tls.scheme(access.serverTls())
            + "://"
            + spec.host()
            + ":"
            + spec.adminPort()
            + ", latency "
            + spec.latencyMillis()
            + "ms");
    new CountDownLatch(1).await();
  }

  private LinkState link(String a, String b) {
    return links.computeIfAbsent(
        key(a, b),
        k -> new LinkState(first(a, b), second(a, b), spec.latencyMillis(), spec.jitterMillis()));
  }

  /** The link between the location of the process that opened {@code client} and the target. */
  private @org.jspecify.annotations.Nullable LinkState bySource(
      SourceLocator locator, WanSpec.Route r, InetSocketAddress client, int localPort) {
    return locator
        .locate(client.getPort(), localPort, isIpv6(client))
        .filter(from -> !from.equals(r.to()))
        .map(from -> links.get(key(from, r.to())))
        .orElse(null);
  }

  /** Whether a client's socket is an IPv6 one (not an IPv4 address seen as IPv4-mapped). */
  static boolean isIpv6(InetSocketAddress client) {
    byte[] a = client.getAddress().getAddress();
    if (a.length == 4) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (a[i] != 0) {
        return true;
      }
    }
    return !(a[10] == (byte) 0xff && a[11] == (byte) 0xff);
  }

  static String key(String a, String b) {
    return first(a, b) + "|" + second(a, b);
  }

  private static String first(String a, String b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static String second(String a, String b) {
    return a.compareTo(b) <= 0 ? b : a;
  }

  private io.summit.dr.lab.metrics.@org.jspecify.annotations.Nullable PrometheusText metrics;

  /** Per link: cut (1/0) and latency; registered on the first scrape, when the links exist. */
  private synchronized io.summit.dr.lab.metrics.PrometheusText metrics() {
    var existing = metrics;
    if (existing != null) {
      return existing;
    }
    var m = new io.summit.dr.lab.metrics.PrometheusText();
    for (LinkState l : links.values()) {
      io.micrometer.core.instrument.Gauge.builder(
              "summit_lab_wan_link_cut", l, x -> x.isCut() ? 1 : 0)
          .description("1 while the WAN link between the two locations is cut")
          .tags("a", l.a(), "b", l.b())
          .register(m.registry());
      io.micrometer.core.instrument.Gauge.builder(
              "summit_lab_wan_link_latency_seconds", l, x -> x.latencyMillis() / 1000.0)
          .description("One-way latency the WAN link adds")
          .tags("a", l.a(), "b", l.b())
          .register(m.registry());
    }
    metrics = m;
    return m;
  }

  /** {@code PUT /v1/endpoints/{name}}: moves the endpoint to the target its body names. */
  private void move(ServerRequest req, ServerResponse res) throws IOException {
    byte[] body;
    try (InputStream in = req.content().inputStream()) {
      body = in.readNBytes(MAX_BODY_BYTES);
    }
    RegionEndpoints.Reply r = endpoints.move(req.path().pathParameters().get("name"), body);
    reply(res, r.status(), r.body());
  }

  /** Restores every link and its own latency: a zone link's from the spec, the WAN's default. */
  private void heal() {
    links.forEach(
        (k, l) -> {
          Long zone = zoneLatencies.get(k);
          if (zone != null) {
            l.setLatency(zone, 0);
          } else {
            l.setLatency(spec.latencyMillis(), spec.jitterMillis());
          }
          l.restore();
        });
  }

  private void isolate(ServerResponse res, String location) throws IOException {
    List<LinkState> own =
        links.values().stream()
            .filter(l -> l.a().equals(location) || l.b().equals(location))
            .toList();
    if (own.isEmpty()) {
      reply(
          res,
          404,
          Map.of(
              "error", "location: '" + location + "' (expected: one of " + spec.locations() + ")"));
      return;
    }
    own.forEach(LinkState::cut);
    reply(res, 200, own.stream().map(WanDaemon::linkJson).toList());
  }

  /** {@code POST /v1/links/{a}/{b}/ACTION}: cuts, restores or slows the link between a and b. */
  private void act(ServerRequest req, ServerResponse res, String action) throws IOException {
    String a = req.path().pathParameters().get("a");
    String b = req.path().pathParameters().get("b");
    LinkState link = links.get(key(a, b));
    if (link == null) {
      reply(
          res,
          404,
          Map.of(
              "error",
              "link: no link between '"
                  + a
                  + "' and '"
                  + b
                  + "' (expected: one of "
                  + links.keySet()
                  + ")"));
      return;
    }
    switch (action) {
      case "cut" -> link.cut();
      case "restore" -> link.restore();
      case "latency" -> {
        String query = req.query().first("ms").orElse(null);
        long ms;
        try {
          ms = Long.parseLong(String.valueOf(query));
        } catch (NumberFormatException e) {
          reply(
              res,
              400,
              Map.of(
                  "error",
                  "ms: "
                      + (query == null ? "missing" : "'" + query + "'")
                      + " (expected: ms=N, a whole number of milliseconds >= 0)"));
          return;
        }
        if (ms < 0 || ms > 60_000) {
          reply(res, 400, Map.of("error", "ms: " + ms + " (expected: 0..60000)"));
          return;
        }
        link.setLatency(ms, link.jitterMillis());
      }
      default -> {
        reply(
            res,
            404,
            Map.of("error", "action: '" + action + "' (expected: cut, restore or latency)"));
        return;
      }
    }
    reply(res, 200, linkJson(link));
  }

  private List<Map<String, Object>> linksJson() {
    return links.values().stream().map(WanDaemon::linkJson).toList();
  }

  private static Map<String, Object> linkJson(LinkState l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("a", l.a());
    m.put("b", l.b());
    m.put("cut", l.isCut());
    m.put("latency_ms", l.latencyMillis());
    m.put("jitter_ms", l.jitterMillis());
    m.put("connections", l.connections().get());
    m.put("waiting", l.waiting().get());
    return m;
  }

  private static void reply(ServerResponse res, int status, Object body) throws IOException {
    ControlServer.json(res, status, JSON.writeValueAsBytes(body));
  }

  @Override
  public void close() throws IOException {
    ControlServer a = admin;
    if (a != null) {
      a.close();
    }
    endpoints.close();
    closeRoutes();
  }

  private void closeRoutes() {
    for (Route r : routes) {
      r.close();
    }
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    locating.shutdownNow();
  }
}
