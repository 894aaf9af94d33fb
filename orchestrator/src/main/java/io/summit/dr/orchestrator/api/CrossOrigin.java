package io.summit.dr.orchestrator.api;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.summit.dr.access.Problem;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Cross-origin requests (CORS) between the control plane's own replicas: the dashboard a replica
 * served calls another replica's API when the lead moves there, from the origin {@code
 * http://HOST:PORT} of the replica that served it. Only the origins of the replicas {@code peers}
 * lists get {@code Access-Control-Allow-Origin} (never {@code *}); a preflight ({@code OPTIONS}
 * with {@code Access-Control-Request-Method}) carries no token and is answered here, before the
 * access guard: 204 allowing {@code GET} and {@code POST} with {@code Authorization} and {@code
 * Content-Type}, or a 403 problem for another origin. The requests themselves pass the guard as any
 * other. Thread-safe.
 */
final class CrossOrigin {
  // What a replica's advertised host:port may look like: nothing that could end a CSP directive.
  private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9.\\-\\[\\]:]+");

  private final Supplier<List<ReplicaServer.Peer>> peers;
  private final String scheme;

  /**
   * @param scheme how every replica listens: {@code http} or {@code https} (they share a
   *     deployment's TLS)
   */
  CrossOrigin(Supplier<List<ReplicaServer.Peer>> peers, String scheme) {
    this.peers = peers;
    this.scheme = scheme;
  }

  /** {@code SCHEME://HOST:PORT} of every replica listed, in order. */
  Set<String> origins() {
    Set<String> out = new LinkedHashSet<>();
    for (ReplicaServer.Peer p : peers.get()) {
      if (ADDRESS.matcher(p.api()).matches()) {
        out.add(scheme + "://" + p.api());
      }
    }
    return out;
  }

  /**
   * The filter a replica's server runs before its guard: a preflight is answered here; any other
   * request gets {@code Access-Control-Allow-Origin} when its origin is allowed, and goes on.
   */
  io.helidon.webserver.http.Filter filter() {
    return (chain, req, res) -> {
      if (!preflight(req, res)) {
        allow(req, res);
        chain.proceed();
      }
    };
  }

  /**
   * Adds {@code Access-Control-Allow-Origin} to the answer when the request's origin is allowed.
   */
  void allow(ServerRequest req, ServerResponse res) {
    String origin = req.headers().first(HeaderNames.ORIGIN).orElse(null);
    res.header(HeaderNames.VARY, "Origin");
    if (origin != null && origins().contains(origin)) {
      res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
  }

  /** Answers {@code req} if it is a preflight; false for any other request. */
  boolean preflight(ServerRequest req, ServerResponse res) {
    String origin = req.headers().first(HeaderNames.ORIGIN).orElse(null);
    if (!req.prologue().method().text().equals("OPTIONS")
        || origin == null
        || !req.headers().contains(HeaderNames.ACCESS_CONTROL_REQUEST_METHOD)) {
      return false;
    }
    if (!origins().contains(origin)) {
      Problem.send(
          res,
          403,
          "OPTIONS "
              + req.path().path()
              + ": origin '"
              + origin
              + "' is not a replica of this control plane (expected: a page one of its replicas"
              + " served, at the address the replica advertises)",
          Map.of());
      return true;
    }
    allow(req, res);
    res.header(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST");
    res.header(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "Authorization, Content-Type");
    res.header(HeaderNames.ACCESS_CONTROL_MAX_AGE, "600");
    res.status(io.helidon.http.Status.NO_CONTENT_204);
    res.send();
    return true;
  }
}
