package io.summit.dr.stores.neo4j;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's admin API (JSON over HTTP, or HTTPS with {@code --tls-cert}/{@code --tls-key}, on
 * the admin address): what the store adapter, the replicas' appliers, the lab and the sample
 * service call.
 *
 * <pre>
 * GET  /v1/health                  200 once the database is up
 * GET  /v1/access-check            200 for a listed token (viewer or above), 401 otherwise
 * GET  /v1/status                  role, fenced, term, seq, lag (replica)
 * POST /v1/fence | /v1/unfence | /v1/promote | /v1/verify-write
 * POST /v1/term?term=N             raise the writer term
 * POST /v1/rejoin?upstream=H:P     become a replica of that primary (replaying from this node's
 *                                  own seq when their histories agree, else rebuilt from its snapshot)
 * GET  /v1/changes?after=N&amp;limit=M&amp;waitMs=T   outbox entries after N (long poll)
 * GET  /v1/changes/stream?after=N  the same, streamed: one JSON line per batch as it commits
 * GET  /v1/snapshots | POST /v1/snapshots           list | take one
 * POST /v1/restore?id=ID           replace the graph with a snapshot (not on a running primary)
 * GET  /v1/checksum                counts and content checksum now
 * PUT  /v1/entities/ID?region=R    the sample service's write: an Entity node and its region
 * GET  /v1/entities/ID             the sample service's read
 * </pre>
 *
 * Errors: 400 bad input, 404 unknown snapshot or entity, 409 refused in this state, 503 failed; the
 * body is {@code {"error": "..."}}.
 *
 * <p>With an access list ({@code --access-file}) the control operations (fence, unfence, promote,
 * verify-write, term, rejoin, restore) need an operator's bearer token: 401 without a listed one,
 * 403 below the role, as RFC 9457 problems, and nothing is done; {@code /v1/access-check} needs any
 * listed token (the lab's token rotation asks it). Reads, the change stream (the replicas' data
 * path) and the sample service's entities stay open, as the services' data path does. So does
 * taking a snapshot, which changes nothing in the graph: a replica that rebuilds asks its primary
 * for one, at a restart too, with no caller's token to pass on.
 */
final class AdminApi implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The longest a change stream stays silent: an empty batch (the head) is sent after it. */
  static final Duration STREAM_HEARTBEAT = Duration.ofMillis(500);

  private static final int STREAM_LIMIT = 1000;

  static {
    // The JDK server otherwise sends with Nagle's algorithm on: a stream's small batches would wait
    // for the acknowledgement of the one before, which the receiver delays by up to 40 ms.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  /** The control operations: what an access list guards (see the class comment). */
  static final java.util.Set<String> CONTROL =
      java.util.Set.of(
          "/v1/fence",
          "/v1/unfence",
          "/v1/promote",
          "/v1/verify-write",
          "/v1/term",
          "/v1/rejoin",
          "/v1/restore");

  /** Where a caller checks its token: any listed one is admitted, an unlisted one gets 401. */
  static final String ACCESS_CHECK = "/v1/access-check";

  /**
   * An operator's role for a control operation, a viewer's for the access check (a token rotation
   * asks it, as it asks every guarded daemon); anything else open.
   */
  static final io.summit.dr.access.Policy POLICY =
      (method, path) ->
          method.equals("POST") && CONTROL.contains(path)
              ? io.summit.dr.access.Role.OPERATOR
              : path.equals(ACCESS_CHECK) ? io.summit.dr.access.Role.VIEWER : null;

  private final Neo4jServer server;
  private final io.summit.dr.access.Guard guard;
  private final HttpServer http;
  private final Entities entities;
  private volatile boolean closed;

  /**
   * @param access the access list that guards the control operations, or null (none)
   * @param tls what it listens with, or null (plain HTTP)
   */
  AdminApi(
      Neo4jServer server,
      String address,
      io.summit.dr.access.@Nullable AccessList access,
      javax.net.ssl.@Nullable SSLContext tls)
      throws IOException {
    this.server = server;
    this.guard = io.summit.dr.access.Guard.ofNullable(access, POLICY);
    this.entities = new Entities(server.graph());
    this.http =
        io.summit.dr.access.Tls.listen(
            new InetSocketAddress(ServerConfig.host(address), ServerConfig.port(address)), 64, tls);
    http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    http.createContext("/v1/", this::handle);
  }

  AdminApi start() {
    http.start();
    return this;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      Map<String, String> q = query(ex);
      String path = ex.getRequestURI().getPath();
      String method = ex.getRequestMethod();
      if (!guard.admit(ex)) {
        if (!method.equals("GET")) {
          LOG.warn("neo4j admin: {} {} refused: {}", method, path, ex.getResponseCode());
        }
        return;
      }
      if (method.equals("GET") && path.equals("/v1/changes/stream")) {
        stream(ex, q);
        return;
      }
      try {
        Object body = route(method, path, q, ex);
        send(ex, 200, body);
      } catch (IllegalArgumentException e) {
        send(ex, 400, error(e));
      } catch (SnapshotNotFoundException | EntityNotFoundException e) {
        send(ex, 404, error(e));
      } catch (RuntimeException e) {
        WriteRefusedException refused = refusal(e);
        if (refused != null) {
          send(ex, 409, error(refused));
        } else {
          LOG.warn("neo4j admin: {} {} failed", method, path, e);
          send(ex, 503, error(e));
        }
      }
    }
  }

  private Object route(String method, String path, Map<String, String> q, HttpExchange ex)
      throws IOException {
    String key = method + " " + path;
    if (path.startsWith("/v1/entities/")) {
      String id = path.substring("/v1/entities/".length());
      return method.equals("GET")
          ? entities.read(id)
          : entities.write(
              id,
              required(q, "region"),
              new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    }
    return switch (key) {
      case "GET /v1/health" -> Map.of("ok", true);
      case "GET " + ACCESS_CHECK -> Map.of("ok", true);
      case "GET /v1/status" -> server.status();
      case "POST /v1/fence" -> server.fence();
      case "POST /v1/unfence" -> server.unfence();
      case "POST /v1/promote" -> server.promote();
      case "POST /v1/verify-write" -> entities.marker();
      case "POST /v1/term" -> server.term(number(q, "term"));
      case "POST /v1/rejoin" -> server.rejoin(required(q, "upstream"));
      case "GET /v1/changes" -> changes(q);
      case "GET /v1/snapshots" -> server.listSnapshots();
      case "POST /v1/snapshots" -> server.snapshot();
      case "POST /v1/restore" -> server.restore(required(q, "id"));
      case "GET /v1/checksum" -> server.snapshots().content();
      default -> throw new IllegalArgumentException("request: '" + key + "' (expected: see /v1/)");
    };
  }

  private Map<String, Object> changes(Map<String, String> q) {
    long after = number(q, "after");
    int limit = (int) Math.min(5000, Math.max(1, Long.parseLong(q.getOrDefault("limit", "1000"))));
    long waitMs = Math.min(5000, Long.parseLong(q.getOrDefault("waitMs", "0")));
    List<OutboxEntry> entries =
        server.graph().entriesAfter(after, limit, Duration.ofMillis(waitMs));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("head", server.graph().head());
    out.put("entries", entries);
    return out;
  }

  /**
   * Streams the outbox after {@code after} (newline-delimited JSON, each line a batch shaped like
   * {@code /v1/changes}'s answer), each batch sent as soon as it commits, an empty one at least
   * every {@link #STREAM_HEARTBEAT} so that the receiver can tell a silent primary from a cut link.
   * Ends when the receiver goes away or the server closes. A replica following a primary this way
   * waits one WAN crossing for a change; with a long poll, a change committed while the next poll
   * was on its way waited for that poll to arrive, up to a crossing more.
   */
  private void stream(HttpExchange ex, Map<String, String> q) throws IOException {
    long after;
    try {
      after = number(q, "after");
    } catch (IllegalArgumentException e) {
      send(ex, 400, error(e));
      return;
    }
    ex.getResponseHeaders().set("Content-Type", "application/x-ndjson");
    ex.sendResponseHeaders(200, 0);
    OutputStream out = ex.getResponseBody();
    try {
      while (!closed) {
        List<OutboxEntry> entries =
            server.graph().entriesAfter(after, STREAM_LIMIT, STREAM_HEARTBEAT);
        Map<String, Object> batch = new LinkedHashMap<>();
        batch.put("head", server.graph().head());
        batch.put("entries", entries);
        out.write(JSON.writeValueAsBytes(batch));
        out.write('\n');
        out.flush();
        if (!entries.isEmpty()) {
          after = entries.get(entries.size() - 1).seq();
        }
      }
    } catch (IOException gone) {
      LOG.debug("neo4j admin: change stream after {} ended: {}", after, gone.toString());
    }
  }

  private static String required(Map<String, String> q, String name) {
    String v = q.get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(name + ": missing (expected: a query parameter)");
    }
    return v;
  }

  private static long number(Map<String, String> q, String name) {
    String v = required(q, name);
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": '" + v + "' (expected: an integer)", e);
    }
  }

  private static @Nullable WriteRefusedException refusal(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof WriteRefusedException w) {
        return w;
      }
    }
    return null;
  }

  private static Map<String, String> error(Exception e) {
    return Map.of("error", String.valueOf(e.getMessage()));
  }

  private static Map<String, String> query(HttpExchange ex) {
    Map<String, String> out = new HashMap<>();
    String raw = ex.getRequestURI().getRawQuery();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          out.put(
              URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return out;
  }

  private static void send(HttpExchange ex, int code, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    closed = true;
    http.stop(0);
  }
}
