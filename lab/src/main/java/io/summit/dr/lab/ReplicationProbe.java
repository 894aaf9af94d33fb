package io.summit.dr.lab;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.summit.dr.lab.process.LabException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Measures replication delay end to end: writes a marker on the primary and times how long from the
 * primary's acknowledgement until the replica returns it, once per sample. This is the delay an
 * application reading from the secondary region sees after a write it was told had committed, WAN
 * latency included. The write itself is timed apart: before 2026-12-03 it was counted in the delay
 * (about 2 ms for PostgreSQL and Redis, 15 ms for Neo4j's admin API write).
 */
public final class ReplicationProbe {
  /**
   * Delays in milliseconds, sorted, with their summary: each from the primary's acknowledgement of
   * the write until the replica returned it. {@code writeMillis} (sorted) are the writes themselves
   * on the primary, from the request until that acknowledgement: shown, not counted in the delay.
   */
  public record Result(String store, List<Double> millis, List<Double> writeMillis) {
    public double percentile(double p) {
      return percentile(millis, p);
    }

    private static double percentile(List<Double> sorted, double p) {
      int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
      return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    public String summary() {
      return String.format(
          Locale.ROOT,
          "%-9s samples %3d  median %7.1f ms  p95 %7.1f ms  p99 %7.1f ms  max %7.1f ms"
              + "   (the write on the primary: median %.1f ms)",
          store,
          millis.size(),
          percentile(50),
          percentile(95),
          percentile(99),
          millis.get(millis.size() - 1),
          percentile(writeMillis, 50));
    }
  }

  /** Collects one probe's samples. */
  private static final class Samples {
    private final List<Double> delays = new ArrayList<>();
    private final List<Double> writes = new ArrayList<>();

    /** Records a write sent at {@code sent} and acknowledged at {@code acked}; returns acked. */
    long acked(long sent, long acked) {
      writes.add((acked - sent) / 1e6);
      return acked;
    }

    void visible(long acked) {
      delays.add((System.nanoTime() - acked) / 1e6);
    }

    Result result(String store) {
      Collections.sort(delays);
      Collections.sort(writes);
      return new Result(store, List.copyOf(delays), List.copyOf(writes));
    }
  }

  private ReplicationProbe() {}

  /**
   * Times {@code samples} writes on the PostgreSQL primary until each is visible on the replica.
   */
  public static Result postgres(
      LabComponent primary, LabComponent replica, int samples, Duration timeout) {
    try (Connection p = connect(primary);
        Connection r = connect(replica);
        Statement ddl = p.createStatement()) {
      ddl.execute(
          "create table if not exists summit_dr_probe (id bigint primary key, at timestamptz default now())");
      try (Statement check = r.createStatement()) {
        awaitVisible(
            () -> {
              try (ResultSet rs =
                  check.executeQuery("select to_regclass('summit_dr_probe') is not null")) {
                return rs.next() && rs.getBoolean(1);
              }
            },
            System.nanoTime(),
            timeout,
            "postgres");
      }
      long base = System.currentTimeMillis() * 1000;
      Samples out = new Samples();
      try (PreparedStatement insert =
              p.prepareStatement("insert into summit_dr_probe (id) values (?)");
          PreparedStatement seen =
              r.prepareStatement("select 1 from summit_dr_probe where id = ?")) {
        for (int i = 0; i < samples; i++) {
          insert.setLong(1, base + i);
          long sent = System.nanoTime();
          insert.executeUpdate();
          long t0 = out.acked(sent, System.nanoTime());
          seen.setLong(1, base + i);
          awaitVisible(
              () -> {
                try (ResultSet rs = seen.executeQuery()) {
                  return rs.next();
                }
              },
              t0,
              timeout,
              "postgres");
          out.visible(t0);
        }
      }
      return out.result("postgres");
    } catch (SQLException e) {
      throw new LabException("probe: postgres: " + e.getMessage(), e);
    }
  }

  /** Times {@code samples} SETs on the Redis primary until each is visible on the replica. */
  public static Result redis(
      LabComponent primary, LabComponent replica, int samples, Duration timeout) {
    RedisClient client = RedisClient.create();
    try (StatefulRedisConnection<String, String> p =
            client.connect(RedisURI.create(primary.host(), primary.port()));
        StatefulRedisConnection<String, String> r =
            client.connect(RedisURI.create(replica.host(), replica.port()))) {
      Samples out = new Samples();
      String run = Long.toString(System.nanoTime());
      for (int i = 0; i < samples; i++) {
        String key = "summit-dr:probe:" + run + ":" + i;
        long sent = System.nanoTime();
        p.sync().set(key, "1");
        long t0 = out.acked(sent, System.nanoTime());
        try {
          awaitVisible(() -> r.sync().get(key) != null, t0, timeout, "redis");
        } catch (SQLException impossible) {
          throw new IllegalStateException(impossible);
        }
        out.visible(t0);
        p.sync().del(key);
      }
      return out.result("redis");
    } finally {
      client.shutdown();
    }
  }

  /**
   * Times {@code samples} PUTs to the primary bucket until each version is readable in the
   * replica's bucket, copied by the replicator across the WAN. Each PUT notifies the replicator as
   * the service's writes do ({@link io.summit.dr.replication.objects.ReplicatorNotifier}). The
   * probe's versions are deleted by version id afterwards on both sides (such deletes are never
   * replicated).
   *
   * @param labDir the lab's directory: the notifications carry its viewer's token and trust its
   *     authority, as the services' do
   */
  public static Result objects(
      java.nio.file.Path labDir,
      LabComponent primary,
      String primaryBucket,
      LabComponent replica,
      String replicaBucket,
      String prefix,
      int samples,
      Duration timeout) {
    io.summit.dr.access.@org.jspecify.annotations.Nullable BearerToken token =
        LabAccess.token(labDir, LabAccess.VIEWER);
    try (software.amazon.awssdk.services.s3.S3Client p =
            io.summit.dr.replication.objects.S3Clients.at(
                new io.summit.dr.replication.Endpoint(primary.host(), primary.port()), timeout);
        software.amazon.awssdk.services.s3.S3Client r =
            io.summit.dr.replication.objects.S3Clients.at(
                new io.summit.dr.replication.Endpoint(replica.host(), replica.port()), timeout)) {
      var notifier =
          new io.summit.dr.replication.objects.ReplicatorNotifier(
              p,
              primaryBucket,
              e -> e,
              timeout,
              java.time.Clock.systemUTC(),
              token,
              LabTls.trust(labDir));
      Samples out = new Samples();
      String run = prefix + "summit-dr-probe/" + System.nanoTime() + "/";
      for (int i = 0; i < samples; i++) {
        String key = run + i;
        long sent = System.nanoTime();
        p.putObject(
            b -> b.bucket(primaryBucket).key(key),
            software.amazon.awssdk.core.sync.RequestBody.fromString("1"));
        long t0 = out.acked(sent, System.nanoTime());
        notifier.written(key);
        try {
          awaitVisible(() -> exists(r, replicaBucket, key), t0, timeout, "objects");
        } catch (SQLException impossible) {
          throw new IllegalStateException(impossible);
        }
        out.visible(t0);
      }
      removeVersions(p, primaryBucket, run);
      removeVersions(r, replicaBucket, run);
      return out.result("objects");
    } catch (software.amazon.awssdk.core.exception.SdkException e) {
      throw new LabException("probe: objects: " + e.getMessage(), e);
    }
  }

  private static boolean exists(
      software.amazon.awssdk.services.s3.S3Client s3, String bucket, String key) {
    try {
      s3.headObject(b -> b.bucket(bucket).key(key));
      return true;
    } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  private static void removeVersions(
      software.amazon.awssdk.services.s3.S3Client s3, String bucket, String prefix) {
    for (var v : s3.listObjectVersions(b -> b.bucket(bucket).prefix(prefix)).versions()) {
      s3.deleteObject(b -> b.bucket(bucket).key(v.key()).versionId(v.versionId()));
    }
  }

  /**
   * Times {@code samples} entity writes on the Neo4j primary (one transaction each, through its
   * admin API, captured like any client's) until each is readable on the replica.
   */
  public static Result neo4j(
      LabComponent primary, LabComponent replica, int samples, Duration timeout) {
    Samples out = new Samples();
    String run = Long.toString(System.nanoTime());
    try (io.summit.dr.access.ApiClient to = neo4jAdmin(primary);
        io.summit.dr.access.ApiClient from = neo4jAdmin(replica)) {
      for (int i = 0; i < samples; i++) {
        String key = "summit-dr-probe-" + run + "-" + i;
        long sent = System.nanoTime();
        neo4jCall(to, "PUT", "/v1/entities/" + key + "?region=" + primary.region());
        long t0 = out.acked(sent, System.nanoTime());
        awaitVisible(() -> neo4jCall(from, "GET", "/v1/entities/" + key), t0, timeout, "neo4j");
        out.visible(t0);
      }
    } catch (SQLException impossible) {
      throw new IllegalStateException(impossible);
    }
    return out.result("neo4j");
  }

  /** A Neo4j server's admin API (three ports above Bolt, HTTPS in a lab with TLS). */
  private static io.summit.dr.access.ApiClient neo4jAdmin(LabComponent c) {
    return new io.summit.dr.access.ApiClient(
        c.name(), LabTls.neo4jAdmin(c), null, LabTls.trustFor(c), Duration.ofSeconds(5));
  }

  /**
   * Whether {@code method path} was answered 2xx; a refusal of a write is an error, of a read (not
   * there yet) a no.
   */
  private static boolean neo4jCall(io.summit.dr.access.ApiClient api, String method, String path) {
    try {
      api.send(method, path, "{}", Duration.ofSeconds(5));
      return true;
    } catch (io.summit.dr.access.ApiException e) {
      if (method.equals("GET")) {
        return false;
      }
      throw new LabException("probe: neo4j: the primary refused a write (" + e.getMessage() + ")");
    } catch (java.io.IOException e) {
      throw new LabException("probe: neo4j: " + e.getMessage(), e);
    }
  }

  private interface Check {
    boolean visible() throws SQLException;
  }

  private static void awaitVisible(Check check, long t0, Duration timeout, String store)
      throws SQLException {
    while (!check.visible()) {
      if (System.nanoTime() - t0 > timeout.toNanos()) {
        throw new LabException(
            "probe: " + store + ": a write was not visible on the replica within " + timeout);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(200_000L);
    }
  }

  private static Connection connect(LabComponent c) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://"
            + c.host()
            + ":"
            + c.port()
            + "/postgres?user=postgres&connectTimeout=2");
  }
}
