package io.summit.dr.workload.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lettuce.core.ScriptOutputType;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.WriterTerm;
import io.summit.dr.topology.Store;
import io.summit.dr.topology.StoreKind;
import io.summit.dr.topology.Topology;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's data: each entity is a row of {@code entities} in PostgreSQL and a key {@code
 * entity:ID} in Redis. Writes go to the writer region's nodes, reads to this region's own (falling
 * back to the writer's when the local node fails). {@link #apply} moves the writer connections when
 * discovery publishes a new writer region; the old ones close in the background, so requests in
 * flight on them finish or fail on their own.
 *
 * <p>Thread-safe: the current wiring is one immutable value swapped atomically.
 */
final class EntityStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EntityStore.class);
  static final String TABLE =
      "create table if not exists entities (id text primary key, seq bigint not null,"
          + " payload text not null, written_at timestamptz not null default now())";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * How long a read waits for a connection to this region's PostgreSQL before it asks the writer's:
   * a local node being rejoined is down for seconds, and a read must not spend its client's whole
   * timeout on it.
   */
  private static final Duration READER_POOL_WAIT = Duration.ofMillis(250);

  /**
   * The nodes one discovery version names: the writer region's and this region's, and, when the
   * PostgreSQL store is Multi-AZ, the PostgreSQL node of every region but the writer's ({@code
   * replicas}: the nodes a register operation waits for, see {@link RegisterStore}; empty
   * otherwise).
   */
  record Wiring(
      long version,
      String writerRegion,
      long term,
      PostgresNode pgWriter,
      RedisNode redisWriter,
      PostgresNode pgReader,
      RedisNode redisReader,
      Map<String, PostgresNode> replicas) {}

  /**
   * A stored entity as a read finds it; {@code cache} says what this region's Redis had: {@code
   * hit}, {@code miss}, {@code error}, or {@code only} when PostgreSQL failed and Redis answered.
   */
  record Entity(String id, long seq, String payload, String cache) {}

  /** A write that failed: which node, and why. */
  static final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StoreException(String message, @Nullable Throwable cause) {
      super(message, cause);
    }
  }

  private final String region;
  private final String name;
  private final String pgStore;
  private final String redisStore;
  // Multi-AZ PostgreSQL: the synchronous standby is in the writer's region and the other regions'
  // replicas cascade from it, so remote_apply no longer waits for another region (RegisterStore)
  private final boolean pgZoned;
  private final UnaryOperator<Endpoint> route;
  private final Duration timeout;
  private volatile @Nullable Wiring wiring;
  // While another region is the writer: a writer pool to this region's own node, its connections
  // open, taken as the writer's when discovery names this region (guarded by this). A new pool
  // at that moment made the first writes after a failover wait for its sessions: the new writer
  // region's first write was acknowledged 0.47-0.87 s after the router sent writes there, on a
  // loaded lab. Sessions opened on a hot standby write once it is promoted.
  private @Nullable PostgresNode writerInWaiting;
  // entities/<id>.json in object storage, when the topology has an objects store
  private final @Nullable EntityObjects objects;
  // an Entity node per entity in the graph, when the topology has a neo4j store
  private final @Nullable EntityGraph graph;
  private volatile boolean schemaReady;
  private final Object schemaLock = new Object();

  /**
   * @param route how this process reaches a store address discovery names (the lab's WAN links)
   */
  EntityStore(
      Topology topology,
      String region,
      String name,
      UnaryOperator<Endpoint> route,
      Duration timeout) {
    this(topology, region, name, route, timeout, EntityObjects.Notify.PLAIN);
  }

  /**
   * @param route how this process reaches a store address discovery names (the lab's WAN links)
   * @param notify what the object writes' notifications to the bucket's replicator carry
   */
  EntityStore(
      Topology topology,
      String region,
      String name,
      UnaryOperator<Endpoint> route,
      Duration timeout,
      EntityObjects.Notify notify) {
    this.region = region;
    this.name = name;
    this.pgStore = storeOf(topology, StoreKind.POSTGRES);
    this.redisStore = storeOf(topology, StoreKind.REDIS);
    this.pgZoned =
        topology.stores().stream().anyMatch(s -> s.name().equals(pgStore) && s.multiAz() != null);
    this.route = route;
    this.timeout = timeout;
    this.objects =
        topology.stores().stream()
            .filter(s -> s.kind() == StoreKind.OBJECTS)
            .findFirst()
            .map(s -> new EntityObjects(s, region, route, timeout, topology.residency(), notify))
            .orElse(null);
    this.graph =
        topology.stores().stream()
            .filter(s -> s.kind() == StoreKind.NEO4J)
            .findFirst()
            .map(s -> new EntityGraph(s, region, route, timeout))
            .orElse(null);
  }

  private static String storeOf(Topology topology, StoreKind kind) {
    return topology.stores().stream()
        .filter(s -> s.kind() == kind)
        .map(Store::name)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "stores: no "
                        + kind.name().toLowerCase(java.util.Locale.ROOT)
                        + " store in the topology (expected: one, the service writes to it)"));
  }

  /** The discovery version the writer connections follow; 0 before the first. */
  long version() {
    Wiring w = wiring;
    return w == null ? 0 : w.version();
  }

  Optional<String> writerRegion() {
    Wiring w = wiring;
    return w == null ? Optional.empty() : Optional.of(w.writerRegion());
  }

  /** Follows a discovery version: new writer connections when the writer region moved. */
  synchronized void apply(Endpoints e) {
    Wiring old = wiring;
    if (old != null && e.version() <= old.version()) {
      return;
    }
    Endpoints.StoreAddresses pg = addresses(e, pgStore);
    Endpoints.StoreAddresses rd = addresses(e, redisStore);
    boolean moved = old == null || !old.writerRegion().equals(e.writerRegion());
    // The pool kept for this region's node is taken as the writer's, kept, or replaced; one that
    // no longer fits (discovery named another address for this region's node) is closed.
    PostgresNode waiting = writerInWaiting;
    writerInWaiting = null;
    PostgresNode pgWriter;
    if (!moved) {
      pgWriter = Objects.requireNonNull(old).pgWriter();
    } else if (waiting != null
        && e.writerRegion().equals(region)
        && waiting.address().equals(route.apply(pg.writer()))) {
      pgWriter = waiting;
      waiting = null;
    } else {
      pgWriter = postgres(e.writerRegion(), pg.writer(), timeout);
    }
    RedisNode redisWriter =
        moved ? redis(e.writerRegion(), rd.writer()) : Objects.requireNonNull(old).redisWriter();
    PostgresNode pgReader =
        old != null ? old.pgReader() : postgres(region, reader(pg), READER_POOL_WAIT);
    RedisNode redisReader = old != null ? old.redisReader() : redis(region, reader(rd));
    if (objects != null) {
      objects.apply(e);
    }
    if (graph != null) {
      graph.apply(e);
    }
    Map<String, PostgresNode> replicas =
        moved ? replicas(pg, e.writerRegion(), pgReader) : Objects.requireNonNull(old).replicas();
    wiring =
        new Wiring(
            e.version(),
            e.writerRegion(),
            e.term(),
            pgWriter,
            redisWriter,
            pgReader,
            redisReader,
            replicas);
    if (!e.writerRegion().equals(region)) {
      Endpoint local = route.apply(reader(pg));
      if (waiting != null && waiting.address().equals(local)) {
        writerInWaiting = waiting;
        waiting = null;
      } else {
        writerInWaiting =
            new PostgresNode(pgStore + "@" + region, local, name, timeout, timeout, 4);
      }
    }
    if (waiting != null) {
      PostgresNode unused = waiting;
      Thread.ofVirtual().start(unused::close);
    }
    if (moved) {
      schemaReady = false;
      log.info("{}: discovery version {}: writer region {}", name, e.version(), e.writerRegion());
      if (old != null) {
        Thread.ofVirtual()
            .start(
                () -> {
                  old.pgWriter().close();
                  old.redisWriter().close();
                  closeReplicas(old);
                });
      }
    }
  }

  /**
   * With a Multi-AZ PostgreSQL store, a node for each region other than {@code writerRegion} (this
   * region's own reader when this region is one of them); otherwise none.
   */
  private Map<String, PostgresNode> replicas(
      Endpoints.StoreAddresses pg, String writerRegion, PostgresNode pgReader) {
    if (!pgZoned) {
      return Map.of();
    }
    Map<String, PostgresNode> out = new java.util.TreeMap<>();
    pg.readers()
        .forEach(
            (r, address) -> {
              if (r.equals(writerRegion)) {
                return;
              }
              out.put(
                  r,
                  r.equals(region)
                      ? pgReader
                      : new PostgresNode(
                          pgStore + "@" + r,
                          route.apply(address),
                          name + "-registers",
                          timeout,
                          READER_POOL_WAIT));
            });
    return Map.copyOf(out);
  }

  /** Closes the nodes {@link #replicas} opened for {@code w} (not this region's reader). */
  private void closeReplicas(Wiring w) {
    w.replicas()
        .forEach(
            (r, node) -> {
              if (node != w.pgReader()) {
                node.close();
              }
            });
  }

  /** The address of the writer pool kept for this region's node; empty when there is none. */
  synchronized Optional<Endpoint> writerInWaiting() {
    return Optional.ofNullable(writerInWaiting).map(PostgresNode::address);
  }

  private Endpoint reader(Endpoints.StoreAddresses a) {
    Endpoint r = a.readers().get(region);
    if (r == null) {
      throw new IllegalArgumentException(
          "discovery: no reader in " + region + " (expected: one per region)");
    }
    return r;
  }

  private static Endpoints.StoreAddresses addresses(Endpoints e, String store) {
    Endpoints.StoreAddresses a = e.stores().get(store);
    if (a == null) {
      throw new IllegalArgumentException(
          "discovery: no store '" + store + "' (expected: " + e.stores().keySet() + ")");
    }
    return a;
  }

  private PostgresNode postgres(String nodeRegion, Endpoint address, Duration poolWait) {
    return new PostgresNode(
        pgStore + "@" + nodeRegion, route.apply(address), name, timeout, poolWait);
  }

  private RedisNode redis(String nodeRegion, Endpoint address) {
    return new RedisNode(redisStore + "@" + nodeRegion, route.apply(address), timeout);
  }

  /** The current wiring (for {@link RegisterStore}, which writes through the same nodes). */
  Wiring current() {
    return wiring();
  }

  private Wiring wiring() {
    Wiring w = wiring;
    if (w == null) {
      throw new StoreException("discovery: no endpoints yet", null);
    }
    return w;
  }

  /**
   * Writes the entity to the stores of the writer region: the row first, then the key, then (with a
   * neo4j store) its node, then (with an objects store, when {@code document}) its document.
   *
   * @return the writer region that took it, the writer term the write carried, and whether a
   *     document was written
   * @throws StoreException naming the node that failed
   */
  Ack write(String id, long seq, String payload, boolean document, boolean node) {
    Wiring w = wiring();
    try (Connection c = w.pgWriter().connection()) {
      ensureSchema(c);
      // The node checks the writer term in the same statement: a write routed under an older term
      // than the node was promoted with is refused (WriterTerm).
      try (PreparedStatement insert =
          c.prepareStatement(
              "insert into entities (id, seq, payload) select ?, ?, ? where "
                  + WriterTerm.PG_GUARD
                  + " on conflict (id) do nothing")) {
        insert.setString(1, id);
        insert.setLong(2, seq);
        insert.setString(3, payload);
        insert.setLong(4, w.term());
        if (insert.executeUpdate() == 0) {
          refuseIfStale(c, w);
        }
      }
    } catch (SQLException e) {
      throw new StoreException(w.pgWriter().id() + ": " + e.getMessage(), e);
    }
    try {
      w.redisWriter()
          .commands()
          .eval(
              WriterTerm.REDIS_GUARDED_SET,
              ScriptOutputType.STATUS,
              new String[] {"entity:" + id, WriterTerm.REDIS_KEY},
              cacheValue(seq, payload),
              Long.toString(w.term()));
    } catch (RuntimeException e) {
      throw new StoreException(w.redisWriter().id() + ": " + e.getMessage(), e);
    }
    if (graph != null && node) {
      graph.write(id, seq, payload, w.term());
    }
    if (objects != null && document) {
      objects.put(id, document(id, seq, payload));
      return new Ack(w.writerRegion(), w.term(), true);
    }
    return new Ack(w.writerRegion(), w.term());
  }

  /** Whether the entities also have a node in a graph. */
  boolean hasGraph() {
    return graph != null;
  }

  /**
   * This region's graph node of the entity.
   *
   * @throws StoreException naming the server; IllegalStateException without a neo4j store
   */
  Optional<EntityGraph.Node> readNode(String id) {
    EntityGraph g = graph;
    if (g == null) {
      throw new IllegalStateException(
          "stores: no neo4j store in the topology (expected: one, for the entities' nodes)");
    }
    return g.read(id);
  }

  /** Whether the entities also have a document in object storage. */
  boolean hasObjects() {
    return objects != null;
  }

  /**
   * Adds a delete marker to the entity's document (its versions stay, in both regions).
   *
   * @return the writer region that took it
   * @throws StoreException naming the bucket; IllegalStateException without an objects store
   */
  String deleteObject(String id) {
    return requireObjects().delete(id);
  }

  /** This region's copy of the entity's document; empty when none or deleted. */
  Optional<String> readObject(String id) {
    return requireObjects().read(id);
  }

  private EntityObjects requireObjects() {
    EntityObjects o = objects;
    if (o == null) {
      throw new IllegalStateException(
          "stores: no objects store in the topology (expected: one, for entities/ID.json)");
    }
    return o;
  }

  /** The entity's document: {@code {"id", "seq", "payload"}}. */
  static String document(String id, long seq, String payload) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", id);
    o.put("seq", seq);
    o.put("payload", payload);
    return o.toString();
  }

  /**
   * An acknowledged write: the writer region that took it, the term it was routed with, and whether
   * it wrote the entity's document.
   */
  record Ack(String writerRegion, long term, boolean document) {
    /** A write without a document. */
    Ack(String writerRegion, long term) {
      this(writerRegion, term, false);
    }
  }

  /** No row went in: a duplicate id (a retried write), or a node whose term is newer. */
  static void refuseIfStale(Connection c, Wiring w) throws SQLException {
    try (Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery(WriterTerm.PG_READ)) {
      rs.next();
      long held = rs.getLong(1);
      if (held > w.term()) {
        throw new SQLException(
            "stale writer term: the node holds term " + held + ", this write carries " + w.term());
      }
    }
  }

  private void ensureSchema(Connection c) throws SQLException {
    if (schemaReady) {
      return;
    }
    // One instance creates the tables once: concurrent "create table if not exists" statements
    // race in PostgreSQL's catalog (a duplicate key on pg_type) and would fail writes.
    synchronized (schemaLock) {
      if (!schemaReady) {
        try (Statement s = c.createStatement()) {
          s.execute(TABLE);
          s.execute(WriterTerm.PG_CREATE);
        }
        schemaReady = true;
      }
    }
  }

  private static String cacheValue(long seq, String payload) {
    ObjectNode o = JSON.createObjectNode();
    o.put("seq", seq);
    o.put("payload", payload);
    return o.toString();
  }

  /**
   * Reads the entity from this region's nodes. When this region's PostgreSQL fails (a rejoin
   * restarts it for seconds) the entity comes from this region's Redis, which holds a copy of every
   * entity ({@code cache} is then {@code "only"}), and failing that from the writer region's
   * PostgreSQL, across the WAN.
   *
   * @return empty when there is no such entity
   * @throws StoreException when no node answers
   */
  Optional<Entity> read(String id) {
    Wiring w = wiring();
    Optional<Row> row;
    try {
      row = selectRetrying(w.pgReader(), id);
    } catch (SQLException local) {
      Optional<Entity> cached = fromCache(w.redisReader(), id);
      if (cached.isPresent()) {
        return cached;
      }
      try {
        row = selectRetrying(w.pgWriter(), id);
      } catch (SQLException writer) {
        throw new StoreException(
            w.pgReader().id()
                + ": "
                + local.getMessage()
                + "; "
                + w.pgWriter().id()
                + ": "
                + writer.getMessage(),
            writer);
      }
    }
    if (row.isEmpty()) {
      return Optional.empty();
    }
    String cache;
    try {
      cache = w.redisReader().commands().get("entity:" + id) == null ? "miss" : "hit";
    } catch (RuntimeException e) {
      cache = "error";
    }
    return Optional.of(new Entity(id, row.get().seq(), row.get().payload(), cache));
  }

  private record Row(long seq, String payload) {}

  /** The entity as this region's Redis holds it; empty when it has none or does not answer. */
  private static Optional<Entity> fromCache(RedisNode node, String id) {
    try {
      String value = node.commands().get("entity:" + id);
      if (value == null) {
        return Optional.empty();
      }
      com.fasterxml.jackson.databind.JsonNode o = JSON.readTree(value);
      return Optional.of(
          new Entity(id, o.path("seq").asLong(), o.path("payload").asText(), "only"));
    } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
      return Optional.empty();
    }
  }

  /**
   * A read, tried once more on a fresh connection when the first one was cut (a fence terminates
   * every session; a restarted node leaves broken connections in the pool, so the pool drops them
   * all): reads are idempotent. A pool that waited for a connection and got none is not asked
   * again: the node is down.
   */
  private static Optional<Row> selectRetrying(PostgresNode node, String id) throws SQLException {
    try {
      return select(node, id);
    } catch (java.sql.SQLTransientConnectionException e) {
      throw e; // the pool waited for a connection and got none: the node is down, not one session
    } catch (SQLException e) {
      String state = e.getSQLState();
      if (state != null && (state.startsWith("08") || state.startsWith("57"))) {
        node.evictAll();
        return select(node, id);
      }
      throw e;
    }
  }

  private static Optional<Row> select(PostgresNode node, String id) throws SQLException {
    try (Connection c = node.connection();
        PreparedStatement q =
            c.prepareStatement("select seq, payload from entities where id = ?")) {
      q.setString(1, id);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next() ? Optional.of(new Row(rs.getLong(1), rs.getString(2))) : Optional.empty();
      }
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        return Optional.empty(); // no entity was ever written: the table does not exist yet
      }
      throw e;
    }
  }

  /**
   * What keeps this region from serving reads, by node: a node that does not answer, or one that
   * acts as a primary outside the writer region (an old primary back from a failure, fenced, its
   * data stale until it rejoins as a replica). Empty when the region may serve reads.
   */
  Map<String, String> checkLocal() {
    Wiring w = wiring();
    boolean writerHere = w.writerRegion().equals(region);
    Map<String, String> problems = new java.util.LinkedHashMap<>();
    try {
      if (!w.pgReader().inRecovery() && !writerHere) {
        problems.put(w.pgReader().id(), STALE + w.writerRegion());
      }
    } catch (SQLException e) {
      problems.put(w.pgReader().id(), String.valueOf(e.getMessage()));
    }
    try {
      String info = w.redisReader().commands().info("replication");
      if (info.contains("role:master") && !writerHere) {
        problems.put(w.redisReader().id(), STALE + w.writerRegion());
      }
    } catch (RuntimeException e) {
      problems.put(w.redisReader().id(), String.valueOf(e.getMessage()));
    }
    return problems;
  }

  /** Whether a problem {@link #checkLocal} reported is a primary outside the writer region. */
  static boolean isStale(String problem) {
    return problem.startsWith(STALE);
  }

  private static final String STALE =
      "a primary outside the writer region (stale until it rejoins as a replica); writer region ";

  @Override
  public synchronized void close() {
    if (writerInWaiting != null) {
      writerInWaiting.close();
      writerInWaiting = null;
    }
    Wiring w = wiring;
    if (w != null) {
      w.pgWriter().close();
      w.redisWriter().close();
      closeReplicas(w);
      w.pgReader().close();
      w.redisReader().close();
    }
    if (objects != null) {
      objects.close();
    }
    if (graph != null) {
      graph.close();
    }
  }
}
