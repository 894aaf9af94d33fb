package io.summit.dr.orchestrator.api;

import com.sun.net.httpserver.HttpExchange;
import io.summit.dr.access.Problem;
import java.io.IOException;
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
   * Adds {@code Access-Control-Allow-Origin} to the answer when the request's origin is allowed.
   */
  void allow(HttpExchange x) {
    String origin = x.getRequestHeaders().getFirst("Origin");
    x.getResponseHeaders().add("Vary", "Origin");
    if (origin != null && origins().contains(origin)) {
      x.getResponseHeaders().set("Access-Control-Allow-Origin", origin);
    }
  }

  /** Answers {@code x} if it is a preflight (then it is closed); false for any other request. */
  boolean preflight(HttpExchange x) throws IOException {
    String origin = x.getRequestHeaders().getFirst("Origin");
    if (!x.getRequestMethod().equals("OPTIONS")
        || origin == null
        || x.getRequestHeaders().getFirst("Access-Control-Request-Method") == null) {
      return false;
    }
    try (x) {
      if (!origins().contains(origin)) {
        Problem.send(
            x,
            403,
            "OPTIONS "
                + x.getRequestURI().getPath()
                + ": origin '"
                + origin
                + "' is not a replica of this control plane (expected: a page one of its replicas"
                + " served, at the address the replica advertises)",
            Map.of());
        return true;
      }
      allow(x);
      x.getResponseHeaders().set("Access-Control-Allow-Methods", "GET, POST");
      x.getResponseHeaders().set("Access-Control-Allow-Headers", "Authorization, Content-Type");
      x.getResponseHeaders().set("Access-Control-Max-Age", "600");
      x.sendResponseHeaders(204, -1);
    }
    return true;
  }
}
