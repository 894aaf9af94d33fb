package io.summit.dr.access;

import io.helidon.common.tls.Tls;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.PathMatcher;
import io.helidon.http.PathMatchers;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * One control API's HTTP server: Helidon SE's {@link WebServer} (virtual threads, HTTP/1.1, {@code
 * TCP_NODELAY}), HTTPS only when given a TLS context, every request through a {@link Guard} first
 * (401 and 403 as RFC 9457 problems, nothing changed), and the answers no route gives as problems
 * too: 404 naming the path and the paths served, 405 naming the method and the ones the path takes,
 * 500 naming the request (the exception logged). Every control server of Summit DR is one of these;
 * the routes are Helidon's handlers, registered through {@link Routes} so the fallback knows them.
 *
 * <p>Lifecycle: {@link Builder#start()} binds and serves; {@link #close()} stops (idempotent).
 * Thread-safe.
 */
public final class ControlServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ControlServer.class.getName());
  private static final String CALLER = "io.summit.dr.access.caller";

  private final String name;
  private final WebServer server;
  private final String host;

  private ControlServer(String name, WebServer server, String host) {
    this.name = name;
    this.server = server;
    this.host = host;
  }

  /**
   * A server named {@code name} in its messages ("agent us-east-1") that will listen on {@code
   * listen} (port 0: any free one, {@link #address()} tells which).
   */
  public static Builder builder(String name, InetSocketAddress listen) {
    return new Builder(name, listen);
  }

  /** The bound address. */
  public InetSocketAddress address() {
    return new InetSocketAddress(host, server.port());
  }

  /** The bound port. */
  public int port() {
    return server.port();
  }

  /** Stops serving; the open connections are closed. Idempotent. */
  @Override
  public void close() {
    if (server.isRunning()) {
      server.stop();
    }
  }

  @Override
  public String toString() {
    return name + " at " + host + ":" + server.port();
  }

  /** The caller the guard authenticated for {@code request}, if any. */
  public static Optional<Principal> caller(ServerRequest request) {
    return request.context().get(CALLER, Principal.class);
  }

  /** Answers {@code status} with {@code body} as {@code type} (UTF-8). */
  public static void reply(ServerResponse res, int status, String type, String body) {
    reply(res, status, type, body.getBytes(StandardCharsets.UTF_8));
  }

  /** Answers {@code status} with {@code body} as {@code type}. */
  public static void reply(ServerResponse res, int status, String type, byte[] body) {
    res.status(Status.create(status));
    res.header(HeaderNames.CONTENT_TYPE, type);
    res.send(body);
  }

  /** Answers {@code status} with {@code json}, already written, as {@code application/json}. */
  public static void json(ServerResponse res, int status, byte[] json) {
    reply(res, status, "application/json", json);
  }

  /** The routes of one server: Helidon handlers by method and path pattern. */
  public static final class Routes {
    private record Route(Method method, String pattern, PathMatcher matcher) {}

    private final HttpRouting.Builder routing;
    private final List<Route> routes = new ArrayList<>();

    private Routes(HttpRouting.Builder routing) {
      this.routing = routing;
    }

    /**
     * {@code method} on {@code pattern}: a path ({@code /v1/agent}), with parameters ({@code
     * /v1/plans/{id}}) or ending in {@code /*} for every path under it.
     */
    public Routes on(String method, String pattern, Handler handler) {
      Method m = Method.create(method);
      routes.add(new Route(m, pattern, PathMatchers.create(pattern)));
      routing.route(m, pattern, handler);
      return this;
    }

    public Routes get(String pattern, Handler handler) {
      return on("GET", pattern, handler);
    }

    public Routes post(String pattern, Handler handler) {
      return on("POST", pattern, handler);
    }

    public Routes put(String pattern, Handler handler) {
      return on("PUT", pattern, handler);
    }

    public Routes delete(String pattern, Handler handler) {
      return on("DELETE", pattern, handler);
    }

    /** 405 naming the methods {@code path} takes, or 404 naming the paths served. */
    private void unrouted(ServerRequest req, ServerResponse res) {
      String path = req.path().path();
      String method = req.prologue().method().text();
      List<String> methods =
          routes.stream()
              .filter(r -> r.matcher().match(req.path()).accepted())
              .map(r -> r.method().text())
              .distinct()
              .toList();
      if (!methods.isEmpty()) {
        res.header(HeaderNames.ALLOW, String.join(", ", methods));
        Problem.send(
            res,
            405,
            "method: " + method + " " + path + " (expected: " + String.join(" or ", methods) + ")",
            Map.of());
        return;
      }
      Problem.send(
          res,
          404,
          "path: "
              + path
              + " (expected: "
              + routes.stream().map(Route::pattern).distinct().collect(Collectors.joining(", "))
              + ")",
          Map.of());
    }
  }

  /** What the server listens on and serves. */
  public static final class Builder {
    private final String name;
    private final InetSocketAddress listen;
    private @Nullable SSLContext tls;
    private Supplier<Guard> guard = Guard::open;
    private final List<java.util.function.Consumer<Routes>> routes = new ArrayList<>();
    private final List<io.helidon.webserver.http.Filter> before = new ArrayList<>();
    private long maxPayload = 16L << 20;

    private Builder(String name, InetSocketAddress listen) {
      this.name = name;
      this.listen = listen;
    }

    /** HTTPS only with {@code context}; null: plain HTTP. */
    public Builder tls(@Nullable SSLContext context) {
      this.tls = context;
      return this;
    }

    /** The guard asked for each request (read at each one, so it may be replaced later). */
    public Builder guard(Supplier<Guard> guard) {
      this.guard = guard;
      return this;
    }

    /**
     * Adds a filter that runs before the guard (CORS preflights, which carry no token); it calls
     * {@code chain.proceed()} to let the request on, or answers it itself.
     */
    public Builder before(io.helidon.webserver.http.Filter filter) {
      this.before.add(filter);
      return this;
    }

    /** Adds routes. */
    public Builder routes(java.util.function.Consumer<Routes> routes) {
      this.routes.add(routes);
      return this;
    }

    /** The largest request body taken (413 above it); 16 MiB unless set. */
    public Builder maxPayload(long bytes) {
      this.maxPayload = bytes;
      return this;
    }

    /**
     * Binds and serves.
     *
     * @throws IOException naming the server and the address when it cannot be bound
     */
    public ControlServer start() throws IOException {
      Supplier<Guard> g = guard;
      String host = listen.getAddress() == null ? listen.getHostString() : hostOf(listen);
      WebServer server =
          WebServer.builder()
              .host(host)
              .port(listen.getPort())
              .shutdownHook(false)
              .featuresDiscoverServices(false)
              .maxPayloadSize(maxPayload)
              // small answers and stream frames leave at once, not held back by Nagle's algorithm
              .connectionOptions(o -> o.tcpNoDelay(true))
              .tls(
                  tls == null
                      ? Tls.builder().enabled(false).build()
                      : Tls.builder().sslContext(tls).build())
              .routing(
                  r -> {
                    before.forEach(r::addFilter);
                    r.addFilter(
                        (chain, req, res) -> {
                          if (admit(g.get(), req, res)) {
                            chain.proceed();
                          }
                        });
                    Routes rs = new Routes(r);
                    routes.forEach(c -> c.accept(rs));
                    r.any(rs::unrouted);
                    r.error(
                        Exception.class,
                        (req, res, e) -> {
                          String what =
                              name
                                  + ": "
                                  + req.prologue().method().text()
                                  + " "
                                  + req.path().path();
                          LOG.log(System.Logger.Level.WARNING, what + " failed", e);
                          if (!res.isSent()) {
                            Problem.send(res, 500, what + " failed: " + e, Map.of());
                          }
                        });
                  })
              .build();
      String where = name + ": cannot listen on " + host + ":" + listen.getPort() + ": ";
      try {
        server.start();
      } catch (UncheckedIOException | IllegalStateException e) {
        throw new IOException(where + e.getMessage(), e);
      }
      if (!server.isRunning()) {
        // Helidon logs a listener that cannot bind and returns: the socket's own error says why
        throw new IOException(where + whyNotBound(host, listen.getPort()));
      }
      return new ControlServer(name, server, host);
    }

    private static String whyNotBound(String host, int port) {
      try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
        probe.bind(new InetSocketAddress(host, port));
        return "the listener did not start (see the log)";
      } catch (IOException e) {
        return e.toString();
      }
    }

    private static String hostOf(InetSocketAddress a) {
      java.net.InetAddress address = java.util.Objects.requireNonNull(a.getAddress());
      return address.getHostAddress();
    }
  }

  /**
   * Admits {@code req} (its caller then available from {@link #caller}) and returns true, or
   * answers it 401 or 403 and returns false.
   */
  public static boolean admit(Guard guard, ServerRequest req, ServerResponse res) {
    Guard.Decision d =
        guard.decide(
            req.prologue().method().text(),
            req.path().path(),
            req.headers().first(HeaderNames.AUTHORIZATION).orElse(null));
    if (d instanceof Guard.Admitted a) {
      a.caller().ifPresent(p -> req.context().register(CALLER, p));
      return true;
    }
    Guard.Refused r = (Guard.Refused) d;
    String method = req.prologue().method().text();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      // a refused change is worth a line in the daemon's log (the reads are too many to log)
      LOG.log(
          System.Logger.Level.INFO,
          method + " " + req.path().path() + " refused: " + r.status() + " " + r.detail());
    }
    res.header(HeaderNames.WWW_AUTHENTICATE, r.challenge());
    Problem.send(res, r.status(), r.detail(), Map.of());
    return false;
  }
}
