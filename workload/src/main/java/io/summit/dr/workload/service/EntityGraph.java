package io.summit.dr.workload.service;

import io.summit.dr.replication.Endpoint;
import io.summit.dr.topology.Store;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Logging;
import org.neo4j.driver.Record;
import org.neo4j.driver.Result;
import org.neo4j.driver.Session;
import org.neo4j.driver.Transaction;
import org.neo4j.driver.TransactionConfig;
import org.neo4j.driver.exceptions.Neo4jException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each entity in the graph: an {@code Entity} node (business key {@code key} = its id, with its seq
 * and payload) linked {@code IN_REGION} to the {@code Region} node of the region that wrote it,
 * written over Bolt (the Neo4j Java driver) to the writer region's server after the row and the
 * cache key, in one auto-commit transaction that carries the writer term in its metadata (a server
 * promoted under a newer term, or fenced, refuses it). A read takes this region's server. Follows
 * discovery like {@link EntityStore}: a new writer region gets a new driver; the old one closes in
 * the background.
 *
 * <p>Thread-safe: the current drivers are one immutable value swapped atomically.
 */
final class EntityGraph implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EntityGraph.class);

  static final String WRITE =
      "MERGE (r:Keyed {key: $regionKey}) ON CREATE SET r:Region, r.name = $region"
          + " MERGE (e:Keyed {key: $id}) SET e:Entity, e.seq = $seq, e.payload = $payload"
          + " MERGE (e)-[:IN_REGION]->(r)";

  static final String READ =
      "MATCH (e:Entity:Keyed {key: $id}) OPTIONAL MATCH (e)-[:IN_REGION]->(r:Region)"
          + " RETURN e.seq AS seq, e.payload AS payload, r.name AS region";

  /** An entity as one region's graph holds it. */
  record Node(String id, long seq, String payload, @Nullable String writtenIn) {}

  private record Drivers(long version, String writerRegion, Driver writer, Driver local) {}

  private final Store store;
  private final String region;
  private final UnaryOperator<Endpoint> route;
  private final Duration timeout;
  private volatile @Nullable Drivers drivers;

  EntityGraph(Store store, String region, UnaryOperator<Endpoint> route, Duration timeout) {
    this.store = store;
    this.region = region;
    this.route = route;
    this.timeout = timeout;
  }

  /**
   * A Bolt driver for one server: no retries of its own (the service decides), a transaction
   * timeout of {@code timeout}, but {@link #CONNECT} to open a connection or wait for one, and at
   * most {@link #POOL} of them. A cold lab server took over a second to accept a new Bolt
   * connection; with a one-second limit every request gave up on its connection, the next opened
   * another, and the server spent the drill's warm-up on handshakes nobody waited for.
   */
  static Driver driver(Endpoint bolt, Duration timeout) {
    return GraphDatabase.driver(
        "bolt://" + bolt.host() + ":" + bolt.port(),
        AuthTokens.none(),
        Config.builder()
            .withoutEncryption()
            .withConnectionTimeout(CONNECT.toMillis(), TimeUnit.MILLISECONDS)
            .withConnectionAcquisitionTimeout(CONNECT.toMillis(), TimeUnit.MILLISECONDS)
            .withMaxTransactionRetryTime(0, TimeUnit.MILLISECONDS)
            .withAutoCommitRetriesDisabled(true)
            .withMaxConnectionPoolSize(POOL)
            .withTelemetryDisabled(true)
            .withLogging(Logging.slf4j())
            .build());
  }

  /** Follows a discovery version: a new writer driver when the writer region moved. */
  synchronized void apply(Endpoints e) {
    Drivers old = drivers;
    if (old != null && e.version() <= old.version()) {
      return;
    }
    Endpoints.StoreAddresses a = e.stores().get(store.name());
    if (a == null) {
      throw new IllegalArgumentException(
          "discovery: no store '" + store.name() + "' (expected: " + e.stores().keySet() + ")");
    }
    boolean moved = old == null || !old.writerRegion().equals(e.writerRegion());
    Driver writer =
        moved ? driver(route.apply(a.writer()), timeout) : Objects.requireNonNull(old).writer();
    Driver local;
    if (old != null) {
      local = old.local();
    } else {
      Endpoint here = a.readers().get(region);
      if (here == null) {
        throw new IllegalArgumentException(
            "discovery: no reader of " + store.name() + " in " + region + " (expected: one)");
      }
      local = driver(route.apply(here), timeout);
    }
    if (moved) {
      Thread.ofVirtual().name("neo4j-warm-writer").start(() -> warm(writer, a.writer()));
    }
    if (old == null) {
      Endpoint here = a.readers().get(region);
      Thread.ofVirtual().name("neo4j-warm-local").start(() -> warm(local, here));
    }
    drivers = new Drivers(e.version(), e.writerRegion(), writer, local);
    if (moved && old != null) {
      log.info("neo4j: writer {} ({})", a.writer(), e.writerRegion());
      Thread.ofVirtual().start(() -> closeBounded(old.writer()));
    }
  }

  /**
   * Has the server plan the service's two queries before the first request needs them (in the
   * background: discovery is never held up by it): the write in a transaction rolled back (nothing
   * is committed, so nothing is captured or refused), the read for an id that does not exist. On
   * the lab's cold servers planning a query took over a second under load, longer than a request's
   * transaction timeout, and a write that timed out while the query was planned left the plan
   * uncached for the next one: every write timed out in turn. A replica plans the write too
   * (nothing reaches its commit check), so a promoted one has it ready. A server that does not
   * answer is not an error here; the requests will say so.
   */
  private void warm(Driver driver, @Nullable Endpoint at) {
    TransactionConfig patient = TransactionConfig.builder().withTimeout(WARM_TIMEOUT).build();
    try (Session s = driver.session();
        Transaction tx = s.beginTransaction(patient)) {
      tx.run(
              WRITE,
              Map.of(
                  "regionKey", "region:summit-dr-warm-up",
                  "region", "summit-dr-warm-up",
                  "id", "summit-dr-warm-up",
                  "seq", 0L,
                  "payload", ""))
          .consume();
      tx.run(READ, Map.of("id", "summit-dr-warm-up")).consume();
      tx.rollback();
    } catch (Neo4jException | IllegalStateException e) {
      log.info("neo4j: could not plan the queries on {} yet ({})", at, e.getMessage());
    }
  }

  private static final Duration WARM_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration CONNECT = Duration.ofSeconds(5);
  private static final int POOL = 16;

  private Drivers drivers() {
    Drivers d = drivers;
    if (d == null) {
      throw new EntityStore.StoreException("discovery: no endpoints yet", null);
    }
    return d;
  }

  /**
   * Writes the entity's node and its link to the writer region's node, under {@code term}.
   *
   * @throws EntityStore.StoreException naming the server, when it refuses or does not answer
   */
  void write(String id, long seq, String payload, long term) {
    Drivers d = drivers();
    TransactionConfig config =
        TransactionConfig.builder().withTimeout(timeout).withMetadata(Map.of("term", term)).build();
    try (Session s = d.writer().session()) {
      s.run(
              WRITE,
              Map.of(
                  "regionKey",
                  "region:" + d.writerRegion(),
                  "region",
                  d.writerRegion(),
                  "id",
                  id,
                  "seq",
                  seq,
                  "payload",
                  payload),
              config)
          .consume();
    } catch (Neo4jException | IllegalStateException e) {
      throw new EntityStore.StoreException(
          store.name() + "@" + d.writerRegion() + ": " + e.getMessage(), e);
    }
  }

  /** This region's node of the entity; empty when it has none. */
  Optional<Node> read(String id) {
    Drivers d = drivers();
    try (Session s = d.local().session()) {
      Result r =
          s.run(READ, Map.of("id", id), TransactionConfig.builder().withTimeout(timeout).build());
      if (!r.hasNext()) {
        return Optional.empty();
      }
      Record row = r.next();
      return Optional.of(
          new Node(
              id,
              row.get("seq").isNull() ? 0 : row.get("seq").asLong(),
              row.get("payload").isNull() ? "" : row.get("payload").asString(),
              row.get("region").isNull() ? null : row.get("region").asString()));
    } catch (Neo4jException | IllegalStateException e) {
      throw new EntityStore.StoreException(store.name() + "@" + region + ": " + e.getMessage(), e);
    }
  }

  /**
   * Closes a driver, waiting at most 5 s: {@code Driver.close()} once waited for minutes (driver
   * 6.2.1, in the drill's audit); a driver that does not close in time is left to its daemon
   * threads.
   */
  static void closeBounded(Driver driver) {
    try {
      driver.closeAsync().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      log.warn("neo4j: a driver did not close in 5 s ({})", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public synchronized void close() {
    Drivers d = drivers;
    if (d != null) {
      closeBounded(d.writer());
      closeBounded(d.local());
    }
  }
}
