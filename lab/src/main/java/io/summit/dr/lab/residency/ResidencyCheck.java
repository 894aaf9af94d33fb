package io.summit.dr.lab.residency;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.objects.S3Clients;
import io.summit.dr.topology.DataClass;
import io.summit.dr.topology.Store;
import io.summit.dr.topology.Topology;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Tag;

/**
 * Inspects a running lab's store nodes for data outside its class's regions (data residency): in
 * every region a class does not allow, the entities of PostgreSQL ({@code entities.id}) and Redis
 * ({@code entity:ID}) whose id starts with one of the class's key prefixes, and the object versions
 * and delete markers of every objects store under one of its object prefixes or carrying all its
 * object tags. Neo4j nodes are not inspected (reported as such). A node that cannot be reached is
 * reported as unchecked, never as clean.
 */
public final class ResidencyCheck {
  /** A record or object of a class found in a region outside the class's regions. */
  public record Violation(String dataClass, String component, String location, String detail) {
    public String format() {
      return component + ": " + location + " (class " + dataClass + ": " + detail + ")";
    }
  }

  /** What the check found: violations, and the nodes it could not inspect with the reason. */
  public record Result(List<Violation> violations, List<String> unchecked, int nodesInspected) {}

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private ResidencyCheck() {}

  /**
   * Checks every store node of {@code topology}; {@code node} gives a store's address in a region
   * (the lab's component for it).
   */
  public static Result check(Topology topology, BiFunction<Store, String, Endpoint> node) {
    List<Violation> violations = new ArrayList<>();
    List<String> unchecked = new ArrayList<>();
    int inspected = 0;
    for (Store store : topology.stores()) {
      List<String> regions = new ArrayList<>();
      regions.add(store.primaryRegion());
      regions.addAll(store.replicaRegions());
      for (String region : regions) {
        List<DataClass> excluded =
            topology.residency().classes().stream().filter(c -> !c.allows(region)).toList();
        if (excluded.stream().noneMatch(c -> selects(store, c))) {
          continue;
        }
        String component = store.name() + "-" + region;
        Endpoint at = node.apply(store, region);
        try {
          switch (store.kind()) {
            case POSTGRES -> violations.addAll(postgres(component, at, excluded));
            case REDIS -> violations.addAll(redis(component, at, excluded));
            case OBJECTS ->
                violations.addAll(
                    objects(component, at, store.objectRule().bucket(region), excluded));
            case NEO4J -> {
              unchecked.add(component + ": neo4j nodes are not inspected yet");
              continue;
            }
          }
          inspected++;
        } catch (SQLException | SdkException | io.lettuce.core.RedisException e) {
          unchecked.add(component + " at " + at + ": " + e.getMessage());
        }
      }
    }
    return new Result(violations, unchecked, inspected);
  }

  private static boolean selects(Store store, DataClass c) {
    return switch (store.kind()) {
      case POSTGRES, REDIS, NEO4J -> !c.keyPrefixes().isEmpty();
      case OBJECTS -> c.selectsObjects();
    };
  }

  private static List<Violation> postgres(String component, Endpoint at, List<DataClass> classes)
      throws SQLException {
    List<Violation> out = new ArrayList<>();
    String url =
        "jdbc:postgresql://" + at + "/postgres?user=postgres&connectTimeout=5&socketTimeout=30";
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement q =
            c.prepareStatement("select id from entities where starts_with(id, ?) order by id")) {
      for (DataClass dc : classes) {
        for (String prefix : dc.keyPrefixes()) {
          q.setString(1, prefix);
          try (ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
              out.add(
                  new Violation(
                      dc.name(),
                      component,
                      "entities.id = '" + rs.getString(1) + "'",
                      "key prefix '" + prefix + "', allowed only in " + dc.regions()));
            }
          }
        }
      }
    } catch (SQLException e) {
      if (!"42P01".equals(e.getSQLState())) { // no entities table: nothing was ever written there
        throw e;
      }
    }
    return out;
  }

  private static List<Violation> redis(String component, Endpoint at, List<DataClass> classes) {
    List<Violation> out = new ArrayList<>();
    RedisClient client = RedisClient.create();
    try (StatefulRedisConnection<String, String> c =
        client.connect(
            RedisURI.builder()
                .withHost(at.host())
                .withPort(at.port())
                .withTimeout(TIMEOUT)
                .build())) {
      for (DataClass dc : classes) {
        for (String prefix : dc.keyPrefixes()) {
          ScanArgs match = ScanArgs.Builder.matches("entity:" + glob(prefix) + "*").limit(1000);
          KeyScanCursor<String> cursor = c.sync().scan(match);
          while (true) {
            for (String key : cursor.getKeys()) {
              out.add(
                  new Violation(
                      dc.name(),
                      component,
                      "key " + key,
                      "key prefix '" + prefix + "', allowed only in " + dc.regions()));
            }
            if (cursor.isFinished()) {
              break;
            }
            cursor = c.sync().scan(ScanCursor.of(cursor.getCursor()), match);
          }
        }
      }
    } finally {
      client.shutdown();
    }
    return out;
  }

  /** A literal for a Redis glob pattern. */
  static String glob(String literal) {
    return literal.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
  }

  private static List<Violation> objects(
      String component, Endpoint at, String bucket, List<DataClass> classes) {
    List<Violation> out = new ArrayList<>();
    try (S3Client s3 = S3Clients.at(at, TIMEOUT)) {
      for (DataClass dc : classes) {
        for (String prefix : dc.objectPrefixes()) {
          for (var page :
              s3.listObjectVersionsPaginator(b -> b.bucket(bucket).prefix(prefix).maxKeys(1000))) {
            for (var v : page.versions()) {
              out.add(
                  new Violation(
                      dc.name(),
                      component,
                      bucket + "/" + v.key() + " version " + v.versionId(),
                      "object prefix '" + prefix + "', allowed only in " + dc.regions()));
            }
            for (var m : page.deleteMarkers()) {
              out.add(
                  new Violation(
                      dc.name(),
                      component,
                      bucket + "/" + m.key() + " delete marker " + m.versionId(),
                      "object prefix '" + prefix + "', allowed only in " + dc.regions()));
            }
          }
        }
      }
      List<DataClass> byTag = classes.stream().filter(c -> !c.objectTags().isEmpty()).toList();
      if (!byTag.isEmpty()) {
        for (var page : s3.listObjectVersionsPaginator(b -> b.bucket(bucket).maxKeys(1000))) {
          for (var v : page.versions()) {
            if (v.key().startsWith(io.summit.dr.topology.ObjectRule.RESERVED_PREFIX)) {
              continue;
            }
            Map<String, String> tags = new HashMap<>();
            for (Tag t :
                s3.getObjectTagging(b -> b.bucket(bucket).key(v.key()).versionId(v.versionId()))
                    .tagSet()) {
              tags.put(t.key(), t.value());
            }
            for (DataClass dc : byTag) {
              if (dc.objectPrefixes().stream().noneMatch(v.key()::startsWith)
                  && dc.holdsObject(v.key(), tags)) {
                out.add(
                    new Violation(
                        dc.name(),
                        component,
                        bucket + "/" + v.key() + " version " + v.versionId(),
                        "object tags " + dc.objectTags() + ", allowed only in " + dc.regions()));
              }
            }
          }
        }
      }
    }
    return out;
  }
}
