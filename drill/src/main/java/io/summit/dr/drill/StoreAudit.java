package io.summit.dr.drill;

import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.objects.S3Clients;
import io.summit.dr.topology.Residency;
import io.summit.dr.topology.Store;
import io.summit.dr.topology.StoreKind;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Logging;
import org.neo4j.driver.Session;
import org.neo4j.driver.exceptions.Neo4jException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Checks which of a set of entity ids one store node holds, reading the node directly (not through
 * the service): the {@code entities} table of PostgreSQL, the {@code entity:ID} keys of Redis, the
 * {@code entities/ID.json} objects of a region's bucket (a latest version that is not a delete
 * marker), the {@code Entity} nodes of a Neo4j server (over Bolt, by business key).
 */
final class StoreAudit {
  private static final int BATCH = 2000;

  private StoreAudit() {}

  /**
   * Per store, the writes of {@code ids} its audit looks for: every one, except in a store of kind
   * objects or neo4j, where only those that asked for a document and a node ({@code documentIds})
   * have one. A write without them is never a lost object or node.
   */
  static Map<String, Set<String>> idsByStore(
      List<Store> stores, List<String> ids, Set<String> documentIds) {
    Map<String, Set<String>> byStore = new LinkedHashMap<>();
    for (Store s : stores) {
      byStore.put(
          s.name(),
          s.kind() == StoreKind.OBJECTS || s.kind() == StoreKind.NEO4J
              ? ids.stream()
                  .filter(documentIds::contains)
                  .collect(Collectors.toCollection(LinkedHashSet::new))
              : new LinkedHashSet<>(ids));
    }
    return byStore;
  }

  /**
   * {@code ids} (from {@link #idsByStore}) without the writes a store's node in {@code region} must
   * not hold under data residency: a record whose key a class that does not allow the region holds,
   * and in an objects store a write whose document ({@code entities/ID.json}) such a class holds.
   * They are not lost when missing there: they stay in their class's regions.
   */
  static Map<String, Set<String>> resident(
      List<Store> stores, Map<String, Set<String>> ids, String region, Residency residency) {
    Map<String, Set<String>> kept = new LinkedHashMap<>();
    for (Store s : stores) {
      Set<String> looked = ids.getOrDefault(s.name(), Set.of());
      kept.put(
          s.name(),
          looked.stream()
              .filter(id -> mayHold(s, id, region, residency))
              .collect(Collectors.toCollection(LinkedHashSet::new)));
    }
    return kept;
  }

  private static boolean mayHold(Store store, String id, String region, Residency residency) {
    return store.kind() == StoreKind.OBJECTS
        ? residency.mayCopyObject(documentKey(id), Map.of(), region)
        : residency.classes().stream().noneMatch(c -> c.holdsKey(id) && !c.allows(region));
  }

  /** The key of an entity's document in an objects store's bucket. */
  static String documentKey(String id) {
    return ENTITIES + id + ".json";
  }

  /**
   * The ids the node does not hold.
   *
   * @throws DrillException when the node cannot be read
   */
  static Set<String> missing(Store store, String region, Endpoint node, Collection<String> ids) {
    List<String> all = new ArrayList<>(new TreeSet<>(ids));
    Set<String> present =
        switch (store.kind()) {
          case POSTGRES -> postgres(node, all);
          case REDIS -> redis(store, node, all);
          case OBJECTS -> objects(store, region, node);
          case NEO4J -> neo4j(store, node, all);
        };
    Set<String> missing = new TreeSet<>(all);
    missing.removeAll(present);
    return missing;
  }

  private static Set<String> postgres(Endpoint node, List<String> ids) {
    Set<String> present = new HashSet<>();
    String url =
        "jdbc:postgresql://" + node + "/postgres?user=postgres&connectTimeout=5&socketTimeout=30";
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement q = c.prepareStatement("select id from entities where id = any(?)")) {
      for (int from = 0; from < ids.size(); from += BATCH) {
        Array array =
            c.createArrayOf(
                "text", ids.subList(from, Math.min(ids.size(), from + BATCH)).toArray());
        q.setArray(1, array);
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            present.add(rs.getString(1));
          }
        }
      }
      return present;
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        return present; // no entity was ever written there
      }
      throw new DrillException("audit: postgres at " + node + ": " + e.getMessage(), e);
    }
  }

  /**
   * The ids whose {@code entities/ID.json} has a current version in the region's bucket: its latest
   * entry is a version, not a delete marker. From the version listing: S3Mock's plain listing still
   * shows a key whose current version is a delete marker.
   */
  private static Set<String> objects(Store store, String region, Endpoint node) {
    Set<String> present = new HashSet<>();
    Set<String> deleted = new HashSet<>();
    String bucket = store.objectRule().bucket(region);
    try (S3Client s3 = S3Clients.at(node, Duration.ofSeconds(10))) {
      for (var page :
          s3.listObjectVersionsPaginator(b -> b.bucket(bucket).prefix(ENTITIES).maxKeys(1000))) {
        for (var v : page.versions()) {
          if (Boolean.TRUE.equals(v.isLatest())) {
            id(v.key()).ifPresent(present::add);
          }
        }
        for (var m : page.deleteMarkers()) {
          if (Boolean.TRUE.equals(m.isLatest())) {
            id(m.key()).ifPresent(deleted::add);
          }
        }
      }
      present.removeAll(deleted);
      return present;
    } catch (SdkException e) {
      throw new DrillException(
          "audit: " + store.name() + " bucket " + bucket + " at " + node + ": " + e.getMessage(),
          e);
    }
  }

  private static java.util.Optional<String> id(String key) {
    return key.startsWith(ENTITIES) && key.endsWith(".json")
        ? java.util.Optional.of(key.substring(ENTITIES.length(), key.length() - ".json".length()))
        : java.util.Optional.empty();
  }

  private static final String ENTITIES = "entities/";

  /**
   * The ids with an {@code Entity} node (business key {@code key}) on the server at {@code node}.
   */
  private static Set<String> neo4j(Store store, Endpoint node, List<String> ids) {
    Set<String> present = new HashSet<>();
    Driver driver =
        GraphDatabase.driver(
            "bolt://" + node.host() + ":" + node.port(),
            AuthTokens.none(),
            Config.builder()
                .withoutEncryption()
                .withConnectionTimeout(5, TimeUnit.SECONDS)
                .withTelemetryDisabled(true)
                .withLogging(Logging.slf4j())
                .build());
    try (Session session = driver.session()) {
      for (int from = 0; from < ids.size(); from += BATCH) {
        List<String> batch = ids.subList(from, Math.min(ids.size(), from + BATCH));
        session
            .run(
                "UNWIND $ids AS id MATCH (e:Entity:Keyed {key: id}) RETURN e.key AS id",
                Map.of("ids", batch))
            .forEachRemaining(r -> present.add(r.get("id").asString()));
      }
      return present;
    } catch (Neo4jException e) {
      throw new DrillException("audit: " + store.name() + " at " + node + ": " + e.getMessage(), e);
    } finally {
      // The close is not waited for: Driver.close() once waited for minutes after a failback's
      // audit (driver 6.2.1), and a bounded wait of 5 s still held up the look for the seeds
      // before each drill of a demo. The driver's threads are daemons.
      driver
          .closeAsync()
          .whenComplete(
              (ignored, e) -> {
                if (e != null) {
                  org.slf4j.LoggerFactory.getLogger(StoreAudit.class)
                      .warn(
                          "audit: the neo4j driver for {} did not close ({})", node, e.toString());
                }
              });
    }
  }

  private static Set<String> redis(Store store, Endpoint node, List<String> ids) {
    Set<String> present = new HashSet<>();
    RedisClient client = RedisClient.create();
    try (StatefulRedisConnection<String, String> c =
        client.connect(
            RedisURI.builder()
                .withHost(node.host())
                .withPort(node.port())
                .withTimeout(Duration.ofSeconds(10))
                .build())) {
      for (int from = 0; from < ids.size(); from += BATCH) {
        List<String> batch = ids.subList(from, Math.min(ids.size(), from + BATCH));
        String[] keys = batch.stream().map(id -> "entity:" + id).toArray(String[]::new);
        for (KeyValue<String, String> kv : c.sync().mget(keys)) {
          if (kv.hasValue()) {
            present.add(kv.getKey().substring("entity:".length()));
          }
        }
      }
      return present;
    } catch (RuntimeException e) {
      throw new DrillException("audit: " + store.name() + " at " + node + ": " + e.getMessage(), e);
    } finally {
      client.shutdown();
    }
  }
}
