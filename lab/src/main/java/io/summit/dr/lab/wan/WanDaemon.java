package io.summit.dr.lab.wan;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * The lab's WAN: every route of a {@link WanSpec}, grouped into one {@link LinkState} per region
 * pair, and an admin API to cut, restore and slow the links.
 *
 * <pre>
 * GET  /v1/links                         the links: regions, cut, latency_ms, jitter_ms, connections
 * POST /v1/links/{a}/{b}/cut             partition a from b
 * POST /v1/links/{a}/{b}/restore         heal that link
 * POST /v1/links/{a}/{b}/latency?ms=N    set its one-way latency (jitter kept)
 * POST /v1/heal                          restore every link and its default latency
 * </pre>
 *
 * Runs as its own process ({@code main}) in the lab, or in-process through {@link #start}.
 */
public final class WanDaemon implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final WanSpec spec;
  private final Map<String, LinkState> links = new LinkedHashMap<>();
  private final List<Route> routes = new ArrayList<>();
  private final HttpServer admin;

  private WanDaemon(WanSpec spec) throws IOException {
    this.spec = spec;
    for (WanSpec.Route r : spec.routes()) {
      LinkState link =
          links.computeIfAbsent(
              key(r.from(), r.to()),
              k ->
                  new LinkState(
                      first(r.from(), r.to()),
                      second(r.from(), r.to()),
                      spec.latencyMillis(),
                      spec.jitterMillis()));
      routes.add(new Route(r, link));
    }
    admin = HttpServer.create(new InetSocketAddress(spec.host(), spec.adminPort()), 64);
    admin.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    admin.createContext("/", this::handle);
  }

  /** Binds every route and the admin API. */
  public static WanDaemon start(WanSpec spec) throws IOException {
    WanDaemon daemon = new WanDaemon(spec);
    daemon.routes.forEach(Route::start);
    daemon.admin.start();
    return daemon;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 2 || !args[0].equals("--spec")) {
      System.err.println("usage: WanDaemon --spec FILE");
      System.exit(2);
    }
    WanSpec spec = JSON.readValue(Path.of(args[1]).toFile(), WanSpec.class);
    WanDaemon daemon = start(spec);
    System.out.println(
        "wan: "
            + daemon.routes.size()
            + " routes over "
            + daemon.links.size()
            + " links, admin on "
            + spec.host()
            + ":"
            + spec.adminPort()
            + ", latency "
            + spec.latencyMillis()
            + "ms");
    new CountDownLatch(1).await();
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

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      URI uri = exchange.getRequestURI();
      String[] parts = uri.getPath().replaceAll("^/+|/+$", "").split("/");
      String method = exchange.getRequestMethod();
      if (method.equals("GET") && uri.getPath().equals("/v1/links")) {
        reply(exchange, 200, linksJson());
      } else if (method.equals("POST") && uri.getPath().equals("/v1/heal")) {
        links
            .values()
            .forEach(
                l -> {
                  l.setLatency(spec.latencyMillis(), spec.jitterMillis());
                  l.restore();
                });
        reply(exchange, 200, linksJson());
      } else if (method.equals("POST")
          && parts.length == 5
          && parts[0].equals("v1")
          && parts[1].equals("links")) {
        LinkState link = links.get(key(parts[2], parts[3]));
        if (link == null) {
          reply(
              exchange,
              404,
              Map.of(
                  "error",
                  "link: no link between '"
                      + parts[2]
                      + "' and '"
                      + parts[3]
                      + "' (expected: one of "
                      + links.keySet()
                      + ")"));
          return;
        }
        act(exchange, link, parts[4], uri.getQuery());
      } else {
        reply(exchange, 404, Map.of("error", method + " " + uri.getPath() + ": no such endpoint"));
      }
    }
  }

  private void act(HttpExchange exchange, LinkState link, String action, String query)
      throws IOException {
    switch (action) {
      case "cut" -> link.cut();
      case "restore" -> link.restore();
      case "latency" -> {
        long ms;
        try {
          ms = Long.parseLong(String.valueOf(query).replaceFirst("^ms=", ""));
        } catch (NumberFormatException e) {
          reply(
              exchange,
              400,
              Map.of(
                  "error",
                  "ms: '" + query + "' (expected: ms=N, a whole number of milliseconds >= 0)"));
          return;
        }
        if (ms < 0 || ms > 60_000) {
          reply(exchange, 400, Map.of("error", "ms: " + ms + " (expected: 0..60000)"));
          return;
        }
        link.setLatency(ms, link.jitterMillis());
      }
      default -> {
        reply(
            exchange,
            404,
            Map.of("error", "action: '" + action + "' (expected: cut, restore or latency)"));
        return;
      }
    }
    reply(exchange, 200, linkJson(link));
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
    return m;
  }

  private static void reply(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() throws IOException {
    admin.stop(0);
    for (Route r : routes) {
      r.close();
    }
  }
}
