package io.summit.dr.workload.service;

import io.summit.dr.lab.process.Binaries;
import io.summit.dr.lab.process.OsProcesses;
import io.summit.dr.lab.process.PostgresServer;
import io.summit.dr.lab.process.RedisServer;
import io.summit.dr.replication.Endpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * A real PostgreSQL and a real Redis server on free loopback ports, standing for one region's store
 * nodes in a test; {@link #close()} stops both.
 */
final class TestNode implements AutoCloseable {
  final Endpoint postgres;
  final Endpoint redis;
  private final PostgresServer pg;
  private final long redisPid;

  private TestNode(Endpoint postgres, Endpoint redis, PostgresServer pg, long redisPid) {
    this.postgres = postgres;
    this.redis = redis;
    this.pg = pg;
    this.redisPid = redisPid;
  }

  static TestNode start(String name) throws IOException {
    return start(name, PostgresServer::initPrimary);
  }

  /**
   * A node whose PostgreSQL is a streaming replica of {@code primary}'s (base backup through a new
   * slot), with a Redis of its own.
   */
  static TestNode startReplicaOf(String name, TestNode primary) throws IOException {
    return start(name, pg -> pg.cloneFrom(primary.postgres, "node_" + name));
  }

  private static TestNode start(String name, java.util.function.Consumer<PostgresServer> init)
      throws IOException {
    Path dir =
        Path.of("target", "nodes", name + "-" + ProcessHandle.current().pid()).toAbsolutePath();
    Files.createDirectories(dir);
    OsProcesses.run(
        List.of("chmod", "-R", "755", Path.of("target").toAbsolutePath().toString()),
        Duration.ofSeconds(5));
    Binaries binaries = Binaries.find();
    Endpoint pgAt = new Endpoint("127.0.0.1", freePort());
    PostgresServer pg =
        new PostgresServer(binaries, dir.resolve("pg"), dir.resolve("pg.log"), pgAt);
    init.accept(pg);
    pg.startServer();
    Endpoint redisAt = new Endpoint("127.0.0.1", freePort());
    RedisServer redis = new RedisServer(binaries, dir.resolve("redis"), redisAt);
    redis.configure(null);
    long pid = redis.start(Duration.ofSeconds(20));
    return new TestNode(pgAt, redisAt, pg, pid);
  }

  /**
   * Stops ({@code STOP}) or continues ({@code CONT}) this node's PostgreSQL, postmaster and
   * children: a stopped replica is a standby gone silent, as behind a cut link.
   */
  void signalPostgres(String signal) {
    long pid = pg.pid().orElseThrow(() -> new IllegalStateException("postgres is not running"));
    OsProcesses.run(
        List.of("pkill", "-" + signal, "-P", Long.toString(pid)), Duration.ofSeconds(5));
    OsProcesses.run(List.of("kill", "-" + signal, Long.toString(pid)), Duration.ofSeconds(5));
  }

  Connection sql() throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://" + postgres + "/postgres?user=postgres&connectTimeout=2");
  }

  /** Stops this node's PostgreSQL (fast shutdown), as a rejoin does before pg_rewind. */
  void stopPostgres() {
    pg.stop();
  }

  void startPostgres() {
    pg.start();
  }

  /** Ends every session of {@code application}, as a fence does. */
  void terminateSessions(String application) throws SQLException {
    try (Connection c = sql();
        java.sql.PreparedStatement s =
            c.prepareStatement(
                "select pg_terminate_backend(pid) from pg_stat_activity where application_name ="
                    + " ?")) {
      s.setString(1, application);
      s.execute();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    pg.stop();
    OsProcesses.kill(redisPid);
  }
}
