package io.summit.dr.workload.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.summit.dr.access.BearerToken;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.topology.Topology;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The sample service (the Summit API's stand-in), one instance:
 *
 * <pre>
 * POST /entities        {"id": "...", "seq": 17, "payload": "...", "document": true} (each
 *                       optional): a row in PostgreSQL and a key in Redis, in the writer region,
 *                       then with a neo4j store and "graph" true (the default) its node, then
 *                       with an objects store and "document" true (the default) the document
 *                       entities/{id}.json in its bucket; 201 {"id", "seq", "region",
 *                       "writer_region", "term", "instance", "document"} ("document": whether a
 *                       document was written)
 * GET  /entities/{id}   this region's copy: 200 {"id", "seq", "payload", "region", "cache"}, or 404
 * GET  /entities/{id}/graph    this region's node of the entity (with a neo4j store, where every
 *                       write also MERGEs an Entity node linked IN_REGION to the writer region's
 *                       Region node): 200 {"id", "seq", "payload", "written_in", "region"}, or 404
 * GET  /entities/{id}/object   this region's copy of entities/{id}.json (with an objects store):
 *                       200 {"id", "seq", "payload"}, or 404 when none or deleted
 * DELETE /entities/{id} a delete marker on entities/{id}.json in the writer region's bucket (its
 *                       versions stay): 200 {"id", "deleted", "writer_region"}
 * GET  /healthz         200 while the process runs
 * GET  /readyz          200 when discovery is known and this region's nodes answered the last check
 *                       (every 100 ms, off the request path); 503 with the problems otherwise
 * </pre>
 *
 * <p>An instance given a zone (one of its region's {@code zones} in the topology) answers every
 * request, whatever its status, with the header {@code X-Summit-Zone: ZONE} ({@link #ZONE_HEADER})
 * and names it as {@code "zone"} in the bodies of {@code /healthz} and {@code /readyz}; an instance
 * without a zone sends neither, as before zones.
 *
 * <p>A write that fails asks discovery once whether the writer moved, and if it did, is tried once
 * more on the new writer (the insert is idempotent by id). Store failures answer 503 naming the
 * node; bad requests 400 naming the field. Lifecycle {@code NEW -> STARTED -> CLOSED}.
 */
public final class WorkloadService implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY = 64 * 1024;

  /** The response header naming the zone of the instance that answered. */
  public static final String ZONE_HEADER = "X-Summit-Zone";

  /**
   * How often the instance checks its own region's nodes for {@code /readyz}. The probe reads the
   * last result instead of querying the nodes itself: a probe that had to wait for a pooled
   * connection behind the request traffic timed out exactly when the instance was busiest (the
   * router's probe timeout is 250 ms in the lab), and took a serving writer region out of routing.
   */
  private static final Duration CHECK_EVERY = Duration.ofMillis(100);

  /** A result older than this says the check itself is stuck: not ready. */
  private static final Duration CHECK_STALE_AFTER = Duration.ofSeconds(2);

  private enum State {
    NEW,
    STARTED,
    CLOSED
  }

  private final String region;
  private final @Nullable String zone;
  private final ServiceMetrics metrics = new ServiceMetrics();
  private final String name;
  private final EntityStore store;
  private final io.summit.dr.topology.Residency residency;
  private final RegisterStore registers;
  private final DiscoveryWatcher discovery;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private volatile Readiness readiness =
      new Readiness(Map.of("readiness", "not checked yet"), System.nanoTime());

  /** What the last readiness check found, and when ({@link System#nanoTime()}). */
  private record Readiness(Map<String, String> problems, long checkedAt) {}

  /**
   * @param orchestrator the discovery endpoint's base URI
   * @param route how this process reaches a store address discovery names
   */
  public WorkloadService(
      Topology topology,
      String region,
      String name,
      InetSocketAddress listen,
      URI orchestrator,
      UnaryOperator<Endpoint> route)
      throws IOException {
    this(topology, region, name, listen, List.of(orchestrator), route);
  }

  /**
   * @param orchestrators every orchestrator replica's API (discovery follows whichever answers)
   * @param route how this process reaches a store address discovery names
   */
  public WorkloadService(
      Topology topology,
      String region,
      String name,
      InetSocketAddress listen,
      List<URI> orchestrators,
      UnaryOperator<Endpoint> route)
      throws IOException {
    this(topology, region, name, listen, orchestrators, route, null);
  }

  /**
   * @param token sent to the orchestrator's discovery, when it requires one (a viewer's)
   */
  public WorkloadService(
      Topology topology,
      String region,
      String name,
      InetSocketAddress listen,
      List<URI> orchestrators,
      UnaryOperator<Endpoint> route,
      @Nullable BearerToken token)
      throws IOException {
    this(topology, region, name, listen, orchestrators, route, token, null);
  }

  /**
   * @param token sent to the orchestrator's discovery, when it requires one (a viewer's)
   * @param zone the zone this instance runs in, one of the region's {@code zones}; null for none
   * @throws IllegalArgumentException naming {@code --region} or {@code --zone} when the topology
   *     has no such region, or the region no such zone
   */
  public WorkloadService(
      Topology topology,
      String region,
      String name,
      InetSocketAddress listen,
      List<URI> orchestrators,
      UnaryOperator<Endpoint> route,
      @Nullable BearerToken token,
      @Nullable String zone)
      throws IOException {
    this(topology, region, name, listen, orchestrators, route, token, zone, null);
  }

  /**
   * @param token sent to the orchestrator's discovery, when it requires one (a viewer's)
   * @param zone the zone this instance runs in, one of the region's {@code zones}; null for none
   * @param trust the authorities trusted for {@code https://} orchestrator replicas ({@code null}:
   *     the JDK's)
   * @throws IllegalArgumentException naming {@code --region} or {@code --zone} when the topology
   *     has no such region, or the region no such zone
   */
  public WorkloadService(
      Topology topology,
      String region,
      String name,
      InetSocketAddress listen,
      List<URI> orchestrators,
      UnaryOperator<Endpoint> route,
      @Nullable BearerToken token,
      @Nullable String zone,
      javax.net.ssl.@Nullable SSLContext trust)
      throws IOException {
    io.summit.dr.topology.Region r =
        topology.regions().stream()
            .filter(x -> x.name().equals(region))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "--region: '" + region + "' is not in the topology"));
    if (zone != null && !r.zones().contains(zone)) {
      throw new IllegalArgumentException(
          "--zone: '"
              + zone
              + "' is not a zone of "
              + region
              + " (expected: "
              + (r.zones().isEmpty()
                  ? "no --zone, the region has no zones in the topology"
                  : "one of " + String.join(", ", r.zones()))
              + ")");
    }
    this.region = region;
    this.zone = zone;
    this.name = name;
    this.store =
        new EntityStore(
            topology,
            region,
            name,
            route,
            Duration.ofSeconds(1),
            new EntityObjects.Notify(token, trust));
    this.residency = topology.residency();
    this.registers = new RegisterStore(store);
    this.discovery =
        new DiscoveryWatcher(orchestrators, store::version, store::apply, token, trust);
    this.server = HttpServer.create(listen, 256);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  public void start() {
    if (!state.compareAndSet(State.NEW, State.STARTED)) {
      throw new IllegalStateException(name + ": started twice");
    }
    discovery.start();
    Thread.ofVirtual().name(name + "-readiness").start(this::checkReadiness);
    server.start();
  }

  private void checkReadiness() {
    while (state.get() == State.STARTED) {
      Map<String, String> problems;
      try {
        problems = checkOnce();
      } catch (RuntimeException e) {
        problems = Map.of("readiness", String.valueOf(e));
      }
      readiness = new Readiness(problems, System.nanoTime());
      java.util.concurrent.locks.LockSupport.parkNanos(CHECK_EVERY.toNanos());
    }
  }

  private Map<String, String> checkOnce() {
    if (store.version() == 0) {
      return Map.of("discovery", "no endpoints yet");
    }
    Map<String, String> problems = store.checkLocal();
    if (problems.values().stream().anyMatch(EntityStore::isStale) && discovery.refresh()) {
      // A local node is a primary outside the writer region discovery named: right after a
      // promotion here, the news of the new writer region may be on its way. Ask, then look again.
      problems = store.checkLocal();
    }
    return problems;
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** The zone this instance runs in, or null. */
  public @Nullable String zone() {
    return zone;
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      if (zone != null) {
        x.getResponseHeaders().set(ZONE_HEADER, zone);
      }
      String path = x.getRequestURI().getPath();
      String method = x.getRequestMethod();
      metrics.request(path, method);
      if (path.equals("/metrics")) {
        metrics.serve(x);
      } else if (path.equals("/healthz")) {
        reply(x, 200, zoned(Map.of("status", "alive", "instance", name)));
      } else if (path.equals("/readyz")) {
        ready(x);
      } else if (path.equals("/entities") && method.equals("POST")) {
        create(x);
      } else if (path.startsWith("/entities/")
          && path.endsWith("/graph")
          && (method.equals("GET") || method.equals("HEAD"))) {
        getNode(x, path.substring("/entities/".length(), path.length() - "/graph".length()));
      } else if (path.startsWith("/entities/")
          && path.endsWith("/object")
          && (method.equals("GET") || method.equals("HEAD"))) {
        getObject(x, path.substring("/entities/".length(), path.length() - "/object".length()));
      } else if (path.startsWith("/entities/") && method.equals("DELETE")) {
        delete(x, path.substring("/entities/".length()));
      } else if (path.startsWith("/entities/") && (method.equals("GET") || method.equals("HEAD"))) {
        get(x, path.substring("/entities/".length()));
      } else if (path.startsWith("/registers/") && method.equals("PUT")) {
        putRegister(x, path.substring("/registers/".length()));
      } else if (path.startsWith("/registers/") && method.equals("GET")) {
        getRegister(x, path.substring("/registers/".length()));
      } else if (path.equals("/entities") || path.startsWith("/entities/")) {
        reply(
            x,
            405,
            error(
                "method: "
                    + method
                    + " (expected: POST /entities, GET /entities/ID, GET /entities/ID/graph,"
                    + " GET /entities/ID/object,"
                    + " DELETE /entities/ID)"));
      } else {
        reply(
            x,
            404,
            error(
                "path: "
                    + path
                    + " (expected: /entities, /entities/ID, /registers/KEY, /healthz, /readyz, /metrics)"));
      }
    } catch (RuntimeException e) {
      reply(x, 500, error(name + ": " + e));
    }
  }

  private void ready(HttpExchange x) throws IOException {
    Readiness last = readiness;
    Map<String, String> problems = last.problems();
    long age = System.nanoTime() - last.checkedAt();
    if (age > CHECK_STALE_AFTER.toNanos()) {
      problems =
          Map.of(
              "readiness",
              "last check "
                  + age / 1_000_000
                  + " ms ago (expected: every "
                  + CHECK_EVERY.toMillis()
                  + " ms): the check is stuck");
    }
    if (problems.isEmpty()) {
      reply(
          x,
          200,
          zoned(Map.of("status", "ready", "writer_region", store.writerRegion().orElse(""))));
    } else {
      reply(
          x,
          503,
          zoned(
              Map.of(
                  "status",
                  "not ready",
                  "writer_region",
                  store.writerRegion().orElse(""),
                  "problems",
                  problems)));
    }
  }

  /** {@code body} with {@code "zone"} when this instance has one. */
  private Map<String, Object> zoned(Map<String, ?> body) {
    Map<String, Object> out = new java.util.LinkedHashMap<>(body);
    if (zone != null) {
      out.put("zone", zone);
    }
    return out;
  }

  private void create(HttpExchange x) throws IOException {
    EntityRequest request;
    try {
      request = readBody(x);
    } catch (IllegalArgumentException e) {
      reply(x, 400, error(e.getMessage()));
      return;
    }
    String id = Objects.requireNonNullElseGet(request.id(), () -> UUID.randomUUID().toString());
    long seq = Objects.requireNonNullElseGet(request.seq(), sequence::incrementAndGet);
    if (!store.writerRegion().map(region::equals).orElse(false)) {
      // The router sends writes only to the writer region's instances: a write here while
      // discovery says the writer is elsewhere means the news is on its way. Ask now rather than
      // wait for a connection to the old writer to time out.
      discovery.refresh();
    }
    String refused = residencyRefusal(id, request.document());
    if (refused != null) {
      reply(x, 503, error(refused));
      return;
    }
    EntityStore.Ack writerRegion;
    long version = store.version();
    try {
      writerRegion = store.write(id, seq, request.payload(), request.document(), request.graph());
    } catch (EntityStore.StoreException first) {
      // The writer may have moved while this write was on its way (discovery's long poll may
      // have brought the news meanwhile, or may be a moment behind): ask, and if it did, try the
      // new writer once.
      if (store.version() == version && !discovery.refresh()) {
        reply(x, 503, error(first.getMessage()));
        return;
      }
      String moved = residencyRefusal(id, request.document());
      if (moved != null) {
        // The writer moved to a region the entity's class excludes: not tried there. The first
        // attempt may have written part of the entity, so this is not a clean residency refusal.
        reply(
            x,
            503,
            error(
                moved.replace(
                    "not written (data residency)",
                    "not retried there (residency guard); the first attempt failed: "
                        + first.getMessage())));
        return;
      }
      try {
        writerRegion = store.write(id, seq, request.payload(), request.document(), request.graph());
      } catch (EntityStore.StoreException second) {
        reply(x, 503, error(second.getMessage()));
        return;
      }
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("id", id);
    out.put("seq", seq);
    out.put("region", region);
    out.put("writer_region", writerRegion.writerRegion());
    out.put("term", writerRegion.term());
    out.put("instance", name);
    out.put("document", writerRegion.document());
    reply(x, 201, out);
  }

  /**
   * Why the entity may not be written now, or null: its record (by key prefix) or its document (by
   * object key) belongs to a data class that may not be stored in the writer region. Such a write
   * waits for its class's region to be the writer again (it is not moved elsewhere); nothing is
   * written.
   */
  private @Nullable String residencyRefusal(String id, boolean document) {
    String writer = store.writerRegion().orElse(null);
    if (writer == null || residency.classes().isEmpty()) {
      return null;
    }
    io.summit.dr.topology.DataClass byKey = residency.keyClass(id);
    if (byKey != null && !byKey.allows(writer)) {
      return refusal("record '" + id + "'", byKey, writer);
    }
    String key = EntityObjects.key(id);
    if (document && store.hasObjects()) {
      for (io.summit.dr.topology.DataClass c : residency.classes()) {
        if (c.holdsObject(key, Map.of()) && !c.allows(writer)) {
          return refusal("document " + key, c, writer);
        }
      }
    }
    return null;
  }

  private static String refusal(String what, io.summit.dr.topology.DataClass c, String writer) {
    return what
        + " is of data class '"
        + c.name()
        + "', which may only be stored in "
        + String.join(", ", c.regions())
        + "; the writer region is "
        + writer
        + ": not written (data residency)";
  }

  private EntityRequest readBody(HttpExchange x) throws IOException {
    byte[] bytes;
    try (InputStream in = x.getRequestBody()) {
      bytes = in.readNBytes(MAX_BODY + 1);
    }
    if (bytes.length > MAX_BODY) {
      throw new IllegalArgumentException("body: over " + MAX_BODY + " bytes (expected: less)");
    }
    return EntityRequest.parse(bytes);
  }

  /**
   * {@code PUT /registers/KEY {"value": N}}: 200 with the writer region and term; 503 naming the
   * node when the write failed: with {@code "written": false} when it surely had no effect (no
   * synchronous standby, or the term guard refused it), otherwise it may still have taken effect.
   */
  private void putRegister(HttpExchange x, String key) throws IOException {
    long value;
    try {
      requireKey(key);
      JsonNode v = readRegisterBody(x).path("value");
      if (!v.canConvertToLong()) {
        throw new IllegalArgumentException("value: " + v + " (expected: an integer)");
      }
      value = v.asLong();
    } catch (IllegalArgumentException e) {
      reply(x, 400, error(e.getMessage()));
      return;
    }
    EntityStore.Ack ack;
    try {
      ack = registers.write(key, value);
    } catch (RegisterStore.NotWritten e) {
      ObjectNode refused = JSON.createObjectNode();
      refused.put("error", e.getMessage());
      refused.put("written", false);
      reply(x, 503, refused);
      return;
    } catch (EntityStore.StoreException e) {
      reply(x, 503, error(e.getMessage()));
      return;
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("key", key);
    out.put("value", value);
    out.put("region", region);
    out.put("writer_region", ack.writerRegion());
    out.put("term", ack.term());
    reply(x, 200, out);
  }

  private JsonNode readRegisterBody(HttpExchange x) throws IOException {
    byte[] bytes;
    try (InputStream in = x.getRequestBody()) {
      bytes = in.readNBytes(MAX_BODY + 1);
    }
    try {
      JsonNode body = JSON.readTree(bytes);
      if (body == null || !body.isObject()) {
        throw new IllegalArgumentException("body: not an object (expected: {\"value\": N})");
      }
      return body;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "body: not JSON (" + e.getOriginalMessage() + ") (expected: {\"value\": N})", e);
    }
  }

  private static void requireKey(String key) {
    if (key.isEmpty() || key.contains("/") || key.length() > 200) {
      throw new IllegalArgumentException(
          "key: '" + key + "' (expected: /registers/KEY, 1..200 characters, no '/')");
    }
  }

  /**
   * {@code GET /registers/KEY[?read=strong|local]}: 200 with {@code value} (null when never
   * written) and the node that answered; strong (the default) reads the writer's primary.
   */
  private void getRegister(HttpExchange x, String key) throws IOException {
    String query = Objects.requireNonNullElse(x.getRequestURI().getQuery(), "read=strong");
    boolean strong;
    try {
      requireKey(key);
      if (!query.equals("read=strong") && !query.equals("read=local")) {
        throw new IllegalArgumentException(
            "read: '" + query + "' (expected: read=strong or read=local)");
      }
      strong = query.equals("read=strong");
    } catch (IllegalArgumentException e) {
      reply(x, 400, error(e.getMessage()));
      return;
    }
    RegisterStore.Read read;
    try {
      read = registers.read(key, strong);
    } catch (RegisterStore.NotWritten | EntityStore.StoreException e) {
      reply(x, 503, error(e.getMessage()));
      return;
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("key", key);
    if (read.value().isPresent()) {
      out.put("value", read.value().getAsLong());
    } else {
      out.putNull("value");
    }
    out.put("region", region);
    out.put("node", read.node());
    out.put("writer_region", store.writerRegion().orElse(""));
    reply(x, 200, out);
  }

  private void get(HttpExchange x, String id) throws IOException {
    if (id.isEmpty() || id.contains("/")) {
      reply(x, 400, error("id: '" + id + "' (expected: /entities/ID)"));
      return;
    }
    Optional<EntityStore.Entity> found;
    try {
      found = store.read(id);
    } catch (EntityStore.StoreException e) {
      reply(x, 503, error(e.getMessage()));
      return;
    }
    if (found.isEmpty()) {
      reply(x, 404, error("id: '" + id + "' not found in " + region));
      return;
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("id", id);
    out.put("seq", found.get().seq());
    out.put("payload", found.get().payload());
    out.put("region", region);
    out.put("cache", found.get().cache());
    reply(x, 200, out);
  }

  /** {@code GET /entities/ID/graph}: this region's node of the entity. */
  private void getNode(HttpExchange x, String id) throws IOException {
    if (id.isEmpty() || id.contains("/")) {
      reply(x, 400, error("id: '" + id + "' (expected: /entities/ID/graph)"));
      return;
    }
    if (!store.hasGraph()) {
      reply(
          x,
          405,
          error(
              "method: GET "
                  + x.getRequestURI().getPath()
                  + " (expected: a topology with a neo4j store; this one has none)"));
      return;
    }
    Optional<EntityGraph.Node> node;
    try {
      node = store.readNode(id);
    } catch (EntityStore.StoreException e) {
      reply(x, 503, error(e.getMessage()));
      return;
    }
    if (node.isEmpty()) {
      reply(x, 404, error("id: '" + id + "' has no node in " + region + "'s graph"));
      return;
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("id", id);
    out.put("seq", node.get().seq());
    out.put("payload", node.get().payload());
    out.put("written_in", node.get().writtenIn());
    out.put("region", region);
    reply(x, 200, out);
  }

  /** {@code GET /entities/ID/object}: this region's copy of the entity's document. */
  private void getObject(HttpExchange x, String id) throws IOException {
    if (!objectsRequest(x, id)) {
      return;
    }
    Optional<String> doc;
    try {
      doc = store.readObject(id);
    } catch (EntityStore.StoreException e) {
      reply(x, 503, error(e.getMessage()));
      return;
    }
    if (doc.isEmpty()) {
      reply(x, 404, error("id: '" + id + "' has no document in " + region + " (none, or deleted)"));
      return;
    }
    reply(x, 200, JSON.readTree(doc.get()));
  }

  /** {@code DELETE /entities/ID}: a delete marker on the entity's document. */
  private void delete(HttpExchange x, String id) throws IOException {
    if (!objectsRequest(x, id)) {
      return;
    }
    String refused = residencyRefusal(id, true);
    if (refused != null) {
      reply(x, 503, error(refused));
      return;
    }
    String writer;
    try {
      writer = store.deleteObject(id);
    } catch (EntityStore.StoreException e) {
      reply(x, 503, error(e.getMessage()));
      return;
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("id", id);
    out.put("deleted", EntityObjects.key(id) + ": delete marker");
    out.put("region", region);
    out.put("writer_region", writer);
    reply(x, 200, out);
  }

  /** Answers 400 or 405 and returns false when {@code id} or the topology does not allow it. */
  private boolean objectsRequest(HttpExchange x, String id) throws IOException {
    if (id.isEmpty() || id.contains("/")) {
      reply(x, 400, error("id: '" + id + "' (expected: /entities/ID)"));
      return false;
    }
    if (!store.hasObjects()) {
      reply(
          x,
          405,
          error(
              "method: "
                  + x.getRequestMethod()
                  + " "
                  + x.getRequestURI().getPath()
                  + " (expected: a topology with an objects store; this one has none)"));
      return false;
    }
    return true;
  }

  private static Map<String, String> error(@Nullable String message) {
    return Map.of("error", String.valueOf(message));
  }

  private static void reply(HttpExchange x, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    boolean head = x.getRequestMethod().equals("HEAD");
    x.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = x.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    if (state.getAndSet(State.CLOSED) == State.CLOSED) {
      return;
    }
    server.stop(0);
    discovery.close();
    store.close();
    executor.shutdownNow();
  }
}
