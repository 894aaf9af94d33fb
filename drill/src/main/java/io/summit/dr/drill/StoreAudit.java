package io.summit.dr.drill;

import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.summit.dr.replication.Endpoint;
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
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks which of a set of entity ids one store node holds, reading the node directly (not through
 * the service): the {@code entities} table of PostgreSQL, the {@code entity:ID} keys of Redis.
 */
final class StoreAudit {
  private static final int BATCH = 2000;

  private StoreAudit() {}

  /**
   * The ids the node does not hold.
   *
   * @throws DrillException when the node cannot be read
   */
  static Set<String> missing(Store store, Endpoint node, Collection<String> ids) {
    List<String> all = new ArrayList<>(new TreeSet<>(ids));
    Set<String> present =
        store.kind() == StoreKind.POSTGRES ? postgres(node, all) : redis(store, node, all);
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
