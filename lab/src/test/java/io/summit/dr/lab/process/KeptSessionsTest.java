package io.summit.dr.lab.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreRole;
import io.summit.dr.replication.postgres.KeptSessions;
import io.summit.dr.replication.postgres.PostgresAdapter;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Observation sessions kept between reads, against a real PostgreSQL server: one server process
 * serves many reads; a session the server ended (terminated, restarted) is replaced within the same
 * read; a session that stops answering fails on its timeout and is not tried again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeptSessionsTest {
  private Path dir;
  private PostgresServer pg;
  private Endpoint at;

  @BeforeAll
  void start() throws Exception {
    dir = Path.of("target", "kept-" + ProcessHandle.current().pid()).toAbsolutePath();
    Files.createDirectories(dir);
    OsProcesses.run(
        List.of("chmod", "-R", "755", Path.of("target").toAbsolutePath().toString()),
        Duration.ofSeconds(5));
    try (ServerSocket s = new ServerSocket(0)) {
      at = new Endpoint("127.0.0.1", s.getLocalPort());
    }
    pg = new PostgresServer(Binaries.find(), dir.resolve("pg"), dir.resolve("pg.log"), at);
    pg.initPrimary();
    pg.startServer();
  }

  @AfterAll
  void stop() {
    pg.stop();
  }

  private static Connection open(Endpoint to) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    p.setProperty("sslmode", "disable");
    p.setProperty("connectTimeout", "1");
    p.setProperty("socketTimeout", "1");
    return DriverManager.getConnection(
        "jdbc:postgresql://" + to.host() + ":" + to.port() + "/postgres", p);
  }

  private static int backendPid(Statement s) throws SQLException {
    try (ResultSet rs = s.executeQuery("select pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** A query's one number, on a connection of its own. */
  private long number(String query) throws SQLException {
    try (Connection c = open(at);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void sql(String statement) throws SQLException {
    try (Connection c = open(at);
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  @Test
  void readsShareOneServerProcess() throws Exception {
    try (KeptSessions sessions = new KeptSessions(KeptSessionsTest::open)) {
      int first = sessions.read(at, KeptSessionsTest::backendPid);
      for (int i = 0; i < 20; i++) {
        assertThat(sessions.read(at, KeptSessionsTest::backendPid)).isEqualTo(first);
      }
      assertThat(sessions.kept()).isEqualTo(1);
    }
  }

  @Test
  void aSessionTheServerTerminatedIsReplacedWithinTheSameRead() throws Exception {
    try (KeptSessions sessions = new KeptSessions(KeptSessionsTest::open)) {
      int first = sessions.read(at, KeptSessionsTest::backendPid);
      sql("select pg_terminate_backend(" + first + ")"); // what a fence does to other sessions

      int second = sessions.read(at, KeptSessionsTest::backendPid);

      assertThat(second).isNotEqualTo(first);
      assertThat(sessions.read(at, KeptSessionsTest::backendPid)).isEqualTo(second);
    }
  }

  @Test
  void aSessionThatStopsAnsweringFailsOnItsTimeoutAndIsNotTriedAgain() throws Exception {
    try (KeptSessions sessions = new KeptSessions(KeptSessionsTest::open)) {
      int backend = sessions.read(at, KeptSessionsTest::backendPid);
      // The server process of the kept session stops answering, as behind a cut link; the server
      // itself still accepts new sessions, so a second try would have succeeded and hidden it.
      OsProcesses.run(List.of("kill", "-STOP", Integer.toString(backend)), Duration.ofSeconds(5));
      try {
        assertThatThrownBy(() -> sessions.read(at, KeptSessionsTest::backendPid))
            .isInstanceOf(SQLException.class)
            .hasRootCauseInstanceOf(SocketTimeoutException.class);
        assertThat(sessions.kept()).isZero();
      } finally {
        OsProcesses.run(List.of("kill", "-CONT", Integer.toString(backend)), Duration.ofSeconds(5));
      }
      assertThat(sessions.read(at, KeptSessionsTest::backendPid)).isNotEqualTo(backend);
    }
  }

  @Test
  void aFailedReadClosesItsSessionAndKeepsNone() throws Exception {
    try (KeptSessions sessions = new KeptSessions(KeptSessionsTest::open)) {
      sessions.read(at, KeptSessionsTest::backendPid);

      assertThatThrownBy(() -> sessions.read(at, s -> s.execute("select * from no_such_table")))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("no_such_table");
      assertThat(sessions.kept()).isZero();
    }
  }

  @Test
  void adaptersMadeForEachLookShareTheirObservationSessions() throws Exception {
    Duration timeout = Duration.ofMillis(1_234); // a key of this test's own
    observeWithANewAdapter(timeout); // the shared session is opened here
    long since = number("select (extract(epoch from clock_timestamp()) * 1000000)::bigint");

    for (int i = 0; i < 10; i++) {
      observeWithANewAdapter(timeout);
    }

    String adapters = "from pg_stat_activity where application_name = 'summit-dr'";
    assertThat(number("select count(*) " + adapters)).isEqualTo(1);
    assertThat(
            number(
                "select count(*) "
                    + adapters
                    + " and (extract(epoch from backend_start) * 1000000)::bigint > "
                    + since))
        .as("sessions started by the ten observations")
        .isZero();
  }

  private void observeWithANewAdapter(Duration timeout) {
    try (PostgresAdapter a =
        new PostgresAdapter(
            "postgres@test", at, "slot", null, Clock.systemUTC(), timeout, e -> e)) {
      assertThat(a.observe().role()).isEqualTo(StoreRole.PRIMARY);
    }
  }

  @Test
  void aRestartedServerIsObservedAgainAtOnce() throws Exception {
    try (KeptSessions sessions = new KeptSessions(KeptSessionsTest::open)) {
      int first = sessions.read(at, KeptSessionsTest::backendPid);
      pg.stop();
      pg.startServer();

      assertThat(sessions.read(at, KeptSessionsTest::backendPid)).isNotEqualTo(first);
    }
  }
}
