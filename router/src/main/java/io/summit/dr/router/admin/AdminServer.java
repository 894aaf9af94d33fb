package io.summit.dr.router.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.summit.dr.access.AccessList;
import io.summit.dr.access.ControlServer;
import io.summit.dr.access.Guard;
import io.summit.dr.access.Policy;
import io.summit.dr.access.Problem;
import io.summit.dr.access.Role;
import io.summit.dr.access.Tls;
import io.summit.dr.routing.Backend;
import io.summit.dr.routing.Endpoint;
import io.summit.dr.routing.Instance;
import io.summit.dr.routing.RegionState;
import io.summit.dr.routing.RoutingTable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API of a router, on its own port:
 *
 * <ul>
 *   <li>{@code GET /v1/routing}: the routing table as JSON
 *   <li>{@code PUT /v1/writer {"region": "us-east-1"}} ({@code null} clears the writer)
 *   <li>{@code POST /v1/regions/{region}/drain} and {@code /undrain}
 *   <li>{@code PUT /v1/regions/{region}/instances {"instances": ["127.0.0.1:1234", ...]}}; an
 *       instance may name its availability zone: {@code {"address": "127.0.0.1:1234", "zone":
 *       "us-west-2a"}} (a zone of the region in the topology; {@code "zone": null} or a plain
 *       {@code "host:port"}: not known). {@code /v1/routing} shows each instance's {@code zone}
 *       (null when not known) and each region's {@code zones}.
 *   <li>{@code GET /metrics}: Prometheus text
 * </ul>
 *
 * A bad request (unknown path, method, region or field, bad JSON or value) gets a 4xx RFC 9457
 * problem whose {@code detail} reads {@code field: value (expected: ...)}, and changes nothing. A
 * {@link ControlServer} (Helidon SE) serves it, each request on a virtual thread of its own: a TLS
 * handshake or a request that stalls (a caller behind a cut WAN link) holds up no other; the
 * changes still run one at a time. Lifecycle {@code NEW -> STARTED -> CLOSED}.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final int MAX_BODY = 1 << 20;

  private enum State {
    NEW,
    STARTED,
    CLOSED
  }

  /** A request the API refuses; {@link #status} is the HTTP status, the message names the field. */
  private static final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final String reason;

    BadRequest(int status, String reason) {
      super(reason, null, false, false);
      this.status = status;
      this.reason = reason;
    }
  }

  private final RoutingTable table;
  private final String role;
  private final @Nullable String localRegion;
  private final Supplier<String> metrics;
  private final Consumer<List<Instance>> retired;
  private final InetSocketAddress address;
  private final @Nullable SSLContext tls;
  private final String scheme;
  private volatile @Nullable ControlServer server;
  private final java.util.concurrent.locks.ReentrantLock changes =
      new java.util.concurrent.locks.ReentrantLock();
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);

  private volatile Guard guard = Guard.open();

  /**
   * An admin API that will listen on {@code address} with plain HTTP.
   *
   * @param retired told about instances removed from a region (to close their connections)
   */
  public AdminServer(
      InetSocketAddress address,
      RoutingTable table,
      String role,
      @Nullable String localRegion,
      Supplier<String> metrics,
      Consumer<List<Instance>> retired) {
    this(address, table, role, localRegion, metrics, retired, null);
  }

  /**
   * An admin API that will listen on {@code address} ({@link #start} binds it), with HTTPS when
   * {@code tls} is given (the lab's certificate: {@code --tls-cert}, {@code --tls-key}), plain HTTP
   * when it is null.
   */
  public AdminServer(
      InetSocketAddress address,
      RoutingTable table,
      String role,
      @Nullable String localRegion,
      Supplier<String> metrics,
      Consumer<List<Instance>> retired,
      @Nullable SSLContext tls) {
    this.table = table;
    this.role = role;
    this.localRegion = localRegion;
    this.metrics = metrics;
    this.retired = retired;
    this.address = address;
    this.tls = tls;
    this.scheme = Tls.scheme(tls);
  }

  /**
   * The roles the admin API's requests need: reads ({@code /v1/routing}, {@code /metrics}) a
   * viewer's; moving the writer and draining a region an operator's; registering a region's
   * instances (which decides where traffic goes) an admin's.
   */
  public static final Policy POLICY =
      (method, path) -> {
        if (method.equals("GET") || method.equals("HEAD")) {
          return path.equals("/healthz") ? null : Role.VIEWER;
        }
        return path.endsWith("/instances") ? Role.ADMIN : Role.OPERATOR;
      };

  /**
   * From now on every request needs a bearer token of {@code access} with the role {@link #POLICY}
   * names: 401 without one, 403 with too low a role, and nothing changes.
   */
  public AdminServer require(AccessList access) {
    this.guard = Guard.of(access, POLICY);
    return this;
  }

  /**
   * Binds the address and serves.
   *
   * @throws IOException if the address cannot be bound
   */
  public void start() throws IOException {
    if (!state.compareAndSet(State.NEW, State.STARTED)) {
      throw new IllegalStateException("admin server: " + state.get() + " (expected: NEW)");
    }
    server =
        ControlServer.builder("router admin", address)
            .tls(tls)
            .guard(() -> guard)
            .routes(
                r ->
                    r.get(
                            "/healthz",
                            read(
                                (req, res) ->
                                    respond(res, 200, "application/json", "{\"status\":\"ok\"}")))
                        .get(
                            "/metrics",
                            read(
                                (req, res) ->
                                    respond(
                                        res,
                                        200,
                                        "text/plain; version=0.0.4; charset=utf-8",
                                        metrics.get())))
                        .get("/v1/routing", read((req, res) -> respondJson(res, routing())))
                        .put("/v1/writer", change((req, res) -> putWriter(req, res)))
                        .post(
                            "/v1/regions/{region}/drain",
                            change((req, res) -> drain(res, region(req), true)))
                        .post(
                            "/v1/regions/{region}/undrain",
                            change((req, res) -> drain(res, region(req), false)))
                        .put(
                            "/v1/regions/{region}/instances",
                            change((req, res) -> putInstances(req, res, region(req)))))
            .start();
  }

  /** The bound address, once started. */
  public InetSocketAddress address() {
    ControlServer s = server;
    if (s == null) {
      throw new IllegalStateException("admin server: not started");
    }
    return s.address();
  }

  /** {@code http} or {@code https}: how this API listens. */
  public String scheme() {
    return scheme;
  }

  /** A read: a refused request becomes its problem. */
  private static Handler read(Handler h) {
    return (req, res) -> {
      try {
        h.handle(req, res);
      } catch (BadRequest e) {
        respondError(res, e.status, e.reason);
      }
    };
  }

  /** A change: one at a time; a refused request becomes its problem and changes nothing. */
  private Handler change(Handler h) {
    Handler r = read(h);
    return (req, res) -> {
      changes.lock();
      try {
        r.handle(req, res);
      } finally {
        changes.unlock();
      }
    };
  }

  private static String region(ServerRequest req) {
    return req.path().pathParameters().get("region");
  }

  private void putWriter(ServerRequest ex, ServerResponse res) throws IOException {
    ObjectNode body = readObject(ex, Set.of("region"));
    JsonNode region = body.get("region");
    if (region == null) {
      throw new BadRequest(400, "region: missing (expected: a region name or null)");
    }
    if (!region.isNull() && !region.isTextual()) {
      throw new BadRequest(400, "region: " + region + " (expected: a region name or null)");
    }
    String name = region.isNull() ? null : region.asText();
    if (name != null) {
      requireRegion(name, 400);
    }
    String before = table.writer();
    table.setWriter(name);
    log.info("admin: writer {} -> {}", before, name);
    respondJson(res, routing());
  }

  private void drain(ServerResponse res, String region, boolean drained) throws IOException {
    requireRegion(region, 404);
    table.setDrained(region, drained);
    log.info("admin: region {} {}", region, drained ? "drained" : "undrained");
    respondJson(res, routing());
  }

  private void putInstances(ServerRequest ex, ServerResponse res, String region)
      throws IOException {
    RegionState state = requireRegion(region, 404);
    ObjectNode body = readObject(ex, Set.of("instances"));
    JsonNode list = body.get("instances");
    if (list == null || !list.isArray()) {
      throw new BadRequest(
          400,
          "instances: "
              + (list == null ? "missing" : list.toString())
              + " (expected: an array of \"host:port\")");
    }
    List<Backend> backends = new ArrayList<>();
    Set<Endpoint> seen = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      Backend b = backend(list.get(i), "instances[" + i + "]", state);
      if (!seen.add(b.endpoint())) {
        throw new BadRequest(
            400, "instances[" + i + "]: '" + b.endpoint() + "' twice (expected: unique)");
      }
      backends.add(b);
    }
    List<Instance> removed = table.replaceBackends(region, backends);
    retired.accept(removed);
    log.info(
        "admin: region {} instances {} ({} removed)", region, describe(backends), removed.size());
    respondJson(res, routing());
  }

  /** One registered instance: {@code "host:port"} or {@code {"address": ..., "zone": ...}}. */
  private static Backend backend(JsonNode item, String field, RegionState region) {
    String expected = " (expected: \"host:port\" or {\"address\": \"host:port\", \"zone\": ZONE})";
    if (item.isTextual()) {
      return Backend.of(endpoint(item.asText(), field));
    }
    if (!item.isObject()) {
      throw new BadRequest(400, field + ": " + item + expected);
    }
    for (Iterator<String> it = item.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("address") && !f.equals("zone")) {
        throw new BadRequest(400, field + "." + f + ": unknown field (expected: address, zone)");
      }
    }
    JsonNode address = item.get("address");
    if (address == null || !address.isTextual()) {
      throw new BadRequest(
          400,
          field
              + ".address: "
              + (address == null ? "missing" : address.toString())
              + " (expected: \"host:port\")");
    }
    return new Backend(endpoint(address.asText(), field), zone(item.get("zone"), field, region));
  }

  private static Endpoint endpoint(String text, String field) {
    try {
      return Endpoint.parse(text);
    } catch (IllegalArgumentException bad) {
      throw new BadRequest(400, field + ": " + String.valueOf(bad.getMessage()));
    }
  }

  /** The zone an instance names: null when none; else one of its region's zones. */
  private static @Nullable String zone(@Nullable JsonNode zone, String field, RegionState region) {
    if (zone == null || zone.isNull()) {
      return null;
    }
    String expected =
        region.zones().isEmpty()
            ? "no zone: " + region.name() + " has no zones in the topology"
            : "one of " + String.join(", ", region.zones()) + ", or null";
    if (!zone.isTextual() || !region.zones().contains(zone.asText())) {
      throw new BadRequest(
          400,
          field
              + ".zone: "
              + (zone.isTextual() ? "'" + zone.asText() + "'" : zone.toString())
              + " is not a zone of "
              + region.name()
              + " (expected: "
              + expected
              + ")");
    }
    return zone.asText();
  }

  private static List<String> describe(List<Backend> backends) {
    return backends.stream()
        .map(b -> b.zone() == null ? b.endpoint().toString() : b.endpoint() + " in " + b.zone())
        .toList();
  }

  private RegionState requireRegion(String name, int status) {
    RegionState r = table.region(name);
    if (r == null) {
      List<String> names = table.regions().stream().map(RegionState::name).toList();
      throw new BadRequest(
          status,
          "region: '"
              + name
              + "' is not a region (expected: one of "
              + String.join(", ", names)
              + ")");
    }
    return r;
  }

  private static ObjectNode readObject(ServerRequest ex, Set<String> fields) throws IOException {
    byte[] bytes;
    try (InputStream in = ex.content().inputStream()) {
      bytes = in.readNBytes(MAX_BODY + 1);
    }
    if (bytes.length > MAX_BODY) {
      throw new BadRequest(
          413, "body: over " + MAX_BODY + " bytes (expected: a small JSON object)");
    }
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new BadRequest(
          400, "body: not JSON: " + e.getOriginalMessage() + " (expected: a JSON object)");
    }
    if (root == null || !root.isObject()) {
      throw new BadRequest(
          400,
          "body: " + (root == null ? "empty" : root.getNodeType()) + " (expected: a JSON object)");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!fields.contains(f)) {
        throw new BadRequest(
            400, f + ": unknown field (expected: " + String.join(", ", fields) + ")");
      }
    }
    return (ObjectNode) root;
  }

  private ObjectNode routing() {
    ObjectNode root = JSON.createObjectNode();
    root.put("role", role);
    root.put("local_region", localRegion);
    root.put("writer", table.writer());
    double fraction = table.policy().regionHealthyFraction();
    ArrayNode regions = root.putArray("regions");
    for (RegionState r : table.regions()) {
      ObjectNode o = regions.addObject();
      o.put("name", r.name());
      o.put("healthy", r.isHealthy(fraction));
      o.put("drained", r.isDrained());
      o.put("writer", r.name().equals(table.writer()));
      Double rtt = r.rttMillis();
      if (rtt == null) {
        o.putNull("rtt_ms");
      } else {
        o.put("rtt_ms", Math.round(rtt * 1000) / 1000.0);
      }
      ArrayNode zones = o.putArray("zones");
      r.zones().forEach(zones::add);
      ArrayNode instances = o.putArray("instances");
      for (Instance i : r.instances()) {
        ObjectNode io = instances.addObject();
        io.put("address", i.endpoint().toString());
        io.put("zone", i.zone());
        io.put("healthy", i.isUp());
        io.put("ejected", i.isEjected());
        io.put("in_flight", i.inFlight());
      }
    }
    return root;
  }

  private static void respondJson(ServerResponse res, JsonNode body) throws IOException {
    respond(res, 200, "application/json", JSON.writeValueAsString(body) + "\n");
  }

  private static void respondError(ServerResponse res, int status, String message) {
    Problem.send(res, status, message, java.util.Map.of());
  }

  private static void respond(ServerResponse res, int status, String type, String body) {
    ControlServer.reply(res, status, type, body);
  }

  @Override
  public void close() {
    ControlServer s = server;
    if (state.getAndSet(State.CLOSED) == State.STARTED && s != null) {
      s.close();
    }
  }
}
