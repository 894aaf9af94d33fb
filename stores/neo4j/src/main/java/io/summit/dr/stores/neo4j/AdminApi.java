package io.summit.dr.stores.neo4j;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.summit.dr.access.ControlServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's admin API (JSON over HTTP, or HTTPS with {@code --tls-cert}/{@code --tls-key}, on
 * the admin address; a {@link ControlServer}, Helidon SE, each request on a virtual thread of its
 * own): what the store adapter, the replicas' appliers, the lab and the sample service call.
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
 * body is {@code {"error": "..."}}. A path not listed gets a 404 problem (RFC 9457) naming the
 * paths served, a method the path does not take a 405 problem naming the ones it does.
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
  private final InetSocketAddress address;
  private final javax.net.ssl.@Nullable SSLContext tls;
  private final Entities entities;
  private volatile @Nullable ControlServer http;
  private volatile boolean closed;

  /**
   * An admin API that will listen on {@code address} ({@code host:port}; {@link #start} binds it).
   *
   * @param access the access list that guards the control operations, or null (none)
   * @param tls what it listens with, or null (plain HTTP)
   */
  AdminApi(
      Neo4jServer server,
      String address,
      io.summit.dr.access.@Nullable AccessList access,
      javax.net.ssl.@Nullable SSLContext tls) {
    this.server = server;
    this.guard = io.summit.dr.access.Guard.ofNullable(access, POLICY);
    this.entities = new Entities(server.graph());
    this.address = new InetSocketAddress(ServerConfig.host(address), ServerConfig.port(address));
    this.tls = tls;
  }

  /**
   * Binds the address and serves.
   *
   * @throws IOException naming the address when it cannot be bound
   */
  AdminApi start() throws IOException {
    http =
        ControlServer.builder("neo4j admin", address)
            .tls(tls)
            .guard(() -> guard)
            .routes(
                r ->
                    r.get("/v1/health", api(req -> Map.of("ok", true)))
                        .get(ACCESS_CHECK, api(req -> Map.of("ok", true)))
                        .get("/v1/status", api(req -> server.status()))
                        .post("/v1/fence", api(req -> server.fence()))
                        .post("/v1/unfence", api(req -> server.unfence()))
                        .post("/v1/promote", api(req -> server.promote()))
                        .post("/v1/verify-write", api(req -> entities.marker()))
                        .post("/v1/term", api(req -> server.term(number(req, "term"))))
                        .post("/v1/rejoin", api(req -> server.rejoin(required(req, "upstream"))))
                        .get("/v1/changes", api(this::changes))
                        .get("/v1/changes/stream", this::stream)
                        .get("/v1/snapshots", api(req -> server.listSnapshots()))
                        .post("/v1/snapshots", api(req -> server.snapshot()))
                        .post("/v1/restore", api(req -> server.restore(required(req, "id"))))
                        .get("/v1/checksum", api(req -> server.snapshots().content()))
                        .get("/v1/entities/{id}", api(req -> entities.read(id(req))))
                        .put(
                            "/v1/entities/{id}",
                            api(
                                req ->
                                    entities.write(
                                        id(req),
                                        required(req, "region"),
                                        new String(
                                            req.content().inputStream().readAllBytes(),
                                            StandardCharsets.UTF_8)))))
            .start();
    return this;
  }

  /** What a call answers (200, as JSON), or an exception {@link #api} turns into its status. */
  @FunctionalInterface
  private interface Call {
    Object answer(ServerRequest req) throws IOException;
  }

  /**
   * {@code call}'s answer as JSON: 200; 400 for bad input, 404 for an unknown snapshot or entity,
   * 409 for a write refused in this state, 503 for anything else (logged).
   */
  private static Handler api(Call call) {
    return (req, res) -> {
      try {
        Object body = call.answer(req);
        send(res, 200, body);
      } catch (IllegalArgumentException e) {
        send(res, 400, error(e));
      } catch (SnapshotNotFoundException | EntityNotFoundException e) {
        send(res, 404, error(e));
      } catch (RuntimeException e) {
        WriteRefusedException refused = refusal(e);
        if (refused != null) {
          send(res, 409, error(refused));
        } else {
          LOG.warn(
              "neo4j admin: {} {} failed", req.prologue().method().text(), req.path().path(), e);
          send(res, 503, error(e));
        }
      }
    };
  }

  private static String id(ServerRequest req) {
    return req.path().pathParameters().get("id");
  }

  private Map<String, Object> changes(ServerRequest req) {
    long after = number(req, "after");
    int limit =
        (int)
            Math.min(5000, Math.max(1, Long.parseLong(req.query().first("limit").orElse("1000"))));
    long waitMs = Math.min(5000, Long.parseLong(req.query().first("waitMs").orElse("0")));
    List<OutboxEntry> entries =
        server.graph().entriesAfter(after, limit, Duration.ofMillis(waitMs));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("head", server.graph().head());
    out.put("entries", entries);
    return out;
  }

  /**
   * Streams the outbox after {@code after} (newline-delimited JSON, each line a batch shaped like
   * {@code /v1/changes}'s answer, sent chunked), each batch sent as soon as it commits, an empty
   * one at least every {@link #STREAM_HEARTBEAT} so that the receiver can tell a silent primary
   * from a cut link. Ends when the receiver goes away or the server closes. A replica following a
   * primary this way waits one WAN crossing for a change; with a long poll, a change committed
   * while the next poll was on its way waited for that poll to arrive, up to a crossing more.
   */
  private void stream(ServerRequest req, ServerResponse res) throws IOException {
    long after;
    try {
      after = number(req, "after");
    } catch (IllegalArgumentException e) {
      send(res, 400, error(e));
      return;
    }
    res.status(Status.OK_200);
    res.header(HeaderNames.CONTENT_TYPE, "application/x-ndjson");
    try (OutputStream out = res.outputStream()) {
      while (!closed) {
        List<OutboxEntry> entries =
            server.graph().entriesAfter(after, STREAM_LIMIT, STREAM_HEARTBEAT);
        Map<String, Object> batch = new LinkedHashMap<>();
        batch.put("head", server.graph().head());
        batch.put("entries", entries);
        // the line and its end in one write: one chunk, one segment when it fits
        byte[] json = JSON.writeValueAsBytes(batch);
        byte[] line = java.util.Arrays.copyOf(json, json.length + 1);
        line[json.length] = '\n';
        out.write(line);
        out.flush();
        if (!entries.isEmpty()) {
          after = entries.get(entries.size() - 1).seq();
        }
      }
    } catch (IOException | UncheckedIOException | CloseConnectionException gone) {
      // the receiver went away (Helidon's writes fail unchecked)
      LOG.debug("neo4j admin: change stream after {} ended: {}", after, gone.toString());
    }
  }

  private static String required(ServerRequest req, String name) {
    String v = req.query().first(name).orElse(null);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(name + ": missing (expected: a query parameter)");
    }
    return v;
  }

  private static long number(ServerRequest req, String name) {
    String v = required(req, name);
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

  private static void send(ServerResponse res, int code, Object body) throws IOException {
    ControlServer.json(res, code, JSON.writeValueAsBytes(body));
  }

  @Override
  public void close() {
    closed = true;
    ControlServer h = http;
    if (h != null) {
      h.close();
    }
  }
}
