package io.summit.dr.lab.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.summit.dr.replication.Endpoint;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A steady writer that behaves like an application: it writes to the writer endpoints discovery
 * publishes, and on an error re-reads discovery and tries the next record. It remembers every write
 * it got an acknowledgement for.
 */
final class WriteLoad implements AutoCloseable {
  final List<Long> acked = new CopyOnWriteArrayList<>();
  final AtomicLong failed = new AtomicLong();
  private final Api api;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;
  private final RedisClient redis = RedisClient.create();

  WriteLoad(Api api) {
    this.api = api;
    this.thread = Thread.ofVirtual().start(this::loop);
  }

  /** Ids are unique across loads, so a later load never collides with an earlier one's rows. */
  private static final AtomicLong IDS = new AtomicLong();

  private void loop() {
    while (running.get()) {
      try {
        JsonNode endpoints = api.get("/v1/endpoints").body();
        Endpoint pg = Endpoint.parse(endpoints.at("/stores/postgres/writer").asText());
        Endpoint rd = Endpoint.parse(endpoints.at("/stores/redis/writer").asText());
        try (Connection c =
                DriverManager.getConnection(
                    "jdbc:postgresql://"
                        + pg
                        + "/postgres?user=postgres&connectTimeout=1&socketTimeout=2");
            StatefulRedisConnection<String, String> r =
                redis.connect(RedisURI.create(rd.host(), rd.port()))) {
          try (Statement s = c.createStatement()) {
            s.execute("create table if not exists acked (id bigint primary key)");
          }
          try (PreparedStatement insert = c.prepareStatement("insert into acked values (?)")) {
            while (running.get()) {
              long id = IDS.incrementAndGet();
              insert.setLong(1, id);
              insert.executeUpdate();
              r.sync().set("acked:" + id, "1");
              acked.add(id);
              java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
            }
          }
        }
      } catch (SQLException | RuntimeException | java.io.IOException e) {
        failed.incrementAndGet();
        java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    thread.join();
    redis.shutdown();
  }
}
