package io.summit.dr.workload.service;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.summit.dr.replication.Endpoint;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * One PostgreSQL node as the service uses it: a HikariCP pool that starts even when the node is
 * down (the service must come up, and stay up, while a region is away) and fails a request within
 * the connect timeout instead of hanging. Thread-safe.
 */
final class PostgresNode implements AutoCloseable {
  private final String id;
  private final Endpoint address;
  private final HikariDataSource pool;
  private final HikariDataSource strictPool;
  private final String url;
  private final Properties probeProperties = new Properties();
  private @Nullable Connection probe; // guarded by this

  /**
   * @param id the node as messages name it, e.g. {@code postgres@us-west-2}
   * @param address where this process reaches it (through the WAN for another region)
   * @param timeout connect timeout; queries get five times that before they fail
   * @param poolWait how long a request waits for a pooled connection (at least 250 ms, HikariCP's
   *     floor): short for a local reader, which has the writer to fall back on
   */
  PostgresNode(
      String id, Endpoint address, String application, Duration timeout, Duration poolWait) {
    this(id, address, application, timeout, poolWait, 1);
  }

  /**
   * As the other constructor, keeping {@code minimumIdle} connections open (at most the pool's 4)
   * from the start.
   */
  PostgresNode(
      String id,
      Endpoint address,
      String application,
      Duration timeout,
      Duration poolWait,
      int minimumIdle) {
    this.id = id;
    this.address = address;
    HikariConfig c = new HikariConfig();
    c.setPoolName(id);
    this.url = "jdbc:postgresql://" + address.host() + ":" + address.port() + "/postgres";
    c.setJdbcUrl(url);
    c.setUsername("postgres");
    long seconds = Math.max(1, timeout.toSeconds());
    c.addDataSourceProperty("connectTimeout", Long.toString(seconds));
    c.addDataSourceProperty("loginTimeout", Long.toString(seconds));
    c.addDataSourceProperty("socketTimeout", Long.toString(seconds * 5));
    c.addDataSourceProperty("ApplicationName", application);
    c.setConnectionTimeout(Math.max(250, poolWait.toMillis()));
    c.setValidationTimeout(250);
    c.setMaximumPoolSize(4);
    c.setMinimumIdle(Math.max(1, Math.min(4, minimumIdle)));
    // Start without the node: the pool connects when it can.
    c.setInitializationFailTimeout(-1);
    HikariConfig strict = new HikariConfig();
    c.copyStateTo(strict);
    this.pool = new HikariDataSource(c);
    // The strict operations' own connection (a bulkhead): a commit with synchronous_commit =
    // remote_apply holds its connection, and its row lock, until a standby in another region has
    // applied it, for up to RegisterStore.STRICT_TIMEOUT_MS. On the shared pool of 4, a silent or
    // lagging standby let the register operations hold every connection (StrictRegistersTest saw
    // 3 commits waiting at once), and the entity writes and reads waited behind them.
    strict.setPoolName(id + "-strict");
    strict.setMaximumPoolSize(1);
    strict.setMinimumIdle(0);
    this.strictPool = new HikariDataSource(strict);
    probeProperties.setProperty("user", "postgres");
    probeProperties.setProperty("connectTimeout", Long.toString(seconds));
    probeProperties.setProperty("socketTimeout", Long.toString(seconds));
    probeProperties.setProperty("ApplicationName", application + "-readiness");
  }

  /**
   * Whether the node is a replica (in recovery), asked on a connection of its own that is kept
   * between calls: a readiness check must see the node, not wait behind the request traffic for a
   * pooled connection (a busy pool made a serving region look down).
   *
   * @throws SQLException when the node does not answer
   */
  synchronized boolean inRecovery() throws SQLException {
    try {
      Connection c = probe;
      if (c == null || c.isClosed()) {
        c = DriverManager.getConnection(url, probeProperties);
        probe = c;
      }
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("select pg_is_in_recovery()")) {
        rs.next();
        return rs.getBoolean(1);
      }
    } catch (SQLException e) {
      closeProbe();
      throw e;
    }
  }

  private synchronized void closeProbe() {
    Connection c = probe;
    probe = null;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // already broken: nothing to release
      }
    }
  }

  String id() {
    return id;
  }

  /** Where this process reaches the node. */
  Endpoint address() {
    return address;
  }

  Connection connection() throws SQLException {
    return pool.getConnection();
  }

  /**
   * A connection for a strict operation (one whose commit waits for a standby's apply), from a pool
   * of its own with one connection: however long those wait, {@link #connection()} is not held up.
   */
  Connection strictConnection() throws SQLException {
    return strictPool.getConnection();
  }

  /**
   * Retires every pooled connection (idle ones now, borrowed ones when they come back): after a
   * fence or a shutdown the server ended all sessions, not just the one that reported it.
   */
  void evictAll() {
    for (HikariDataSource p : new HikariDataSource[] {pool, strictPool}) {
      var bean = p.getHikariPoolMXBean();
      if (bean != null) {
        bean.softEvictConnections();
      }
    }
  }

  @Override
  public void close() {
    closeProbe();
    pool.close();
    strictPool.close();
  }
}
