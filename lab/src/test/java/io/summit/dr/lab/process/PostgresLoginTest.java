package io.summit.dr.lab.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.Login;
import io.summit.dr.replication.StoreObservation;
import io.summit.dr.replication.StoreRole;
import io.summit.dr.replication.postgres.PostgresAdapter;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A managed PostgreSQL's login (a password over TLS with the server's certificate verified, as RDS
 * with {@code rds.force_ssl} asks) against a real server that accepts only {@code hostssl}
 * connections with SCRAM: the adapter gets in with the password and the right CA, and is refused
 * without TLS, with a wrong password, with another CA, or with the lab's passwordless login.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresLoginTest {
  private static final String PASSWORD = "a-password-of-the-rds-secret";
  private Path dir;
  private PostgresServer pg;
  private Endpoint at;
  private Path ca;
  private Path otherCa;

  @BeforeAll
  void start() throws Exception {
    dir = Path.of("target", "login-" + ProcessHandle.current().pid()).toAbsolutePath();
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
    // the password, set while the lab's trust login still works
    try (PostgresAdapter lab = adapter(Login.LAB);
        Connection c = lab.connect();
        Statement s = c.createStatement()) {
      s.execute("alter user postgres password '" + PASSWORD + "'");
    }
    ca = certificate("server", true);
    otherCa = certificate("other", false);
    pg.writeDataFile("pg_hba.conf", "hostssl all all 127.0.0.0/8 scram-sha-256\n");
    OsProcesses.run(
        List.of("chmod", "600", dir.resolve("pg").resolve("server.key").toString()),
        Duration.ofSeconds(5));
    pg.stop();
    pg.writeDataFile("postgresql.auto.conf", "ssl = on\npassword_encryption = 'scram-sha-256'\n");
    pg.startServer();
  }

  /**
   * A self-signed certificate for 127.0.0.1 (subjectAltName IP, as verify-full checks); {@code
   * install}: also the server's certificate and key in its data directory.
   */
  private Path certificate(String name, boolean install) throws IOException {
    Path crt = dir.resolve(name + ".crt");
    Path key = dir.resolve(name + ".key");
    OsProcesses.run(
        List.of(
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            key.toString(),
            "-out",
            crt.toString()),
        Duration.ofSeconds(30));
    if (install) {
      pg.writeDataFile("server.crt", Files.readString(crt));
      pg.writeDataFile("server.key", Files.readString(key));
    }
    return crt;
  }

  @AfterAll
  void stop() {
    if (pg != null) {
      pg.stop();
    }
  }

  private PostgresAdapter adapter(Login login) {
    return new PostgresAdapter(
        "postgres@test",
        at,
        "node_test",
        null,
        Clock.systemUTC(),
        Duration.ofSeconds(2),
        e -> e,
        login);
  }

  private StoreObservation observe(Login login) {
    try (PostgresAdapter a = adapter(login)) {
      return a.observe();
    }
  }

  @Test
  void thePasswordOverVerifiedTlsGetsInAndNothingElseDoes() {
    StoreObservation in = observe(new Login("postgres", PASSWORD, true, ca));

    assertThat(in.reachable()).as(String.valueOf(in.detail())).isTrue();
    assertThat(in.role()).isEqualTo(StoreRole.PRIMARY);
    assertThat(observe(new Login("postgres", PASSWORD, false, null)).reachable())
        .as("without TLS: no hostnossl line")
        .isFalse();
    assertThat(observe(new Login("postgres", "wrong", true, ca)).reachable()).isFalse();
    assertThat(observe(new Login("postgres", PASSWORD, true, otherCa)).reachable())
        .as("a certificate the given CA did not sign")
        .isFalse();
    assertThat(observe(Login.LAB).reachable()).isFalse();
  }
}
