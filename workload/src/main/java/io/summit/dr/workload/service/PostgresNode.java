package io.summit.dr.workload.service;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.summit.dr.replication.Endpoint;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * One PostgreSQL node as the service uses it: a HikariCP pool that starts even when the node is
 * down (the service must come up, and stay up, while a region is away) and fails a request within
 * the connect timeout instead of hanging. Thread-safe.
 */
final class PostgresNode implements AutoCloseable {
  private final String id;
  private final HikariDataSource pool;

  /**
   * @param id the node as messages name it, e.g. {@code postgres@us-west-2}
   * @param address where this process reaches it (through the WAN for another region)
   * @param timeout connect timeout; queries get five times that before they fail
   * @param poolWait how long a request waits for a pooled connection (at least 250 ms, HikariCP's
   *     floor): short for a local reader, which has the writer to fall back on
   */
  PostgresNode(
      String id, Endpoint address, String application, Duration timeout, Duration poolWait) {
    this.id = id;
    HikariConfig c = new HikariConfig();
    c.setPoolName(id);
    c.setJdbcUrl("jdbc:postgresql://" + address.host() + ":" + address.port() + "/postgres");
    c.setUsername("postgres");
    long seconds = Math.max(1, timeout.toSeconds());
    c.addDataSourceProperty("connectTimeout", Long.toString(seconds));
    c.addDataSourceProperty("loginTimeout", Long.toString(seconds));
    c.addDataSourceProperty("socketTimeout", Long.toString(seconds * 5));
    c.addDataSourceProperty("ApplicationName", application);
    c.setConnectionTimeout(Math.max(250, poolWait.toMillis()));
    c.setValidationTimeout(250);
    c.setMaximumPoolSize(4);
    c.setMinimumIdle(1);
    // Start without the node: the pool connects when it can.
    c.setInitializationFailTimeout(-1);
    this.pool = new HikariDataSource(c);
  }

  String id() {
    return id;
  }

  Connection connection() throws SQLException {
    return pool.getConnection();
  }

  /**
   * Retires every pooled connection (idle ones now, borrowed ones when they come back): after a
   * fence or a shutdown the server ended all sessions, not just the one that reported it.
   */
  void evictAll() {
    var bean = pool.getHikariPoolMXBean();
    if (bean != null) {
      bean.softEvictConnections();
    }
  }

  @Override
  public void close() {
    pool.close();
  }
}
