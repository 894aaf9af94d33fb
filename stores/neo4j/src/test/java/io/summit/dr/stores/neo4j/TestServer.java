package io.summit.dr.stores.neo4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;

/**
 * A real server process for tests: {@link Neo4jServerMain} in a JVM of its own, on free ports, with
 * its data in {@code dir}; SIGKILL, SIGTERM and restart on the same data; its admin API and a Bolt
 * driver.
 */
final class TestServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  final Path dir;
  final Path snapshots;
  final int bolt;
  final int admin;
  private final @Nullable String upstream;
  // The access list the server guards its control operations with, and what the calls send.
  private @Nullable Path accessFile;
  private @Nullable String authorization;
  // The certificate its admin API listens with and the authority it and the calls trust (TLS).
  private io.summit.dr.access.CertificateAuthority.@Nullable Files tls;
  private @Nullable HttpClient tlsClient;
  private @Nullable Process process;
  private @Nullable Driver driver;

  private TestServer(Path dir, Path snapshots, @Nullable String upstream) {
    this.dir = dir;
    this.snapshots = snapshots;
    this.upstream = upstream;
    this.bolt = freePort();
    this.admin = freePort();
  }

  static TestServer primary(Path dir, Path snapshots) {
    return new TestServer(dir, snapshots, null).start();
  }

  static TestServer replica(Path dir, Path snapshots, TestServer upstream) {
    return new TestServer(dir, snapshots, upstream.adminAddress()).start();
  }

  /**
   * A primary whose control operations need a token of {@code accessFile}'s; the calls send {@code
   * authorization} unless told otherwise ({@link #callAs}).
   */
  static TestServer guardedPrimary(
      Path dir, Path snapshots, Path accessFile, String authorization) {
    TestServer t = new TestServer(dir, snapshots, null);
    t.accessFile = accessFile;
    t.authorization = authorization;
    return t.start();
  }

  /** A primary whose admin API listens with HTTPS ({@code tls}'s certificate). */
  static TestServer tlsPrimary(
      Path dir, Path snapshots, io.summit.dr.access.CertificateAuthority.Files tls) {
    TestServer t = new TestServer(dir, snapshots, null);
    t.tls = tls;
    return t.start();
  }

  /** A replica over HTTPS: it listens with {@code tls}'s certificate and trusts its authority. */
  static TestServer tlsReplica(
      Path dir,
      Path snapshots,
      TestServer upstream,
      io.summit.dr.access.CertificateAuthority.Files tls) {
    TestServer t = new TestServer(dir, snapshots, upstream.adminAddress());
    t.tls = tls;
    return t.start();
  }

  /** A replica that reaches its primary's admin API at {@code upstream} (a proxy, say). */
  static TestServer replicaVia(Path dir, Path snapshots, String upstream) {
    return new TestServer(dir, snapshots, upstream).start();
  }

  String adminAddress() {
    return "127.0.0.1:" + admin;
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The server's output, kept in target/ after the test's directory is gone. */
  private Path log() {
    Path logs = Path.of("target", "neo4j-test-logs");
    try {
      java.nio.file.Files.createDirectories(logs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return logs.resolve("server-" + admin + ".log");
  }

  TestServer start() {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx512m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                ServerClassPath.get(),
                Neo4jServerMain.class.getName(),
                "--data",
                dir.toString(),
                "--bolt",
                "127.0.0.1:" + bolt,
                "--admin",
                adminAddress(),
                "--snapshots",
                snapshots.toString()));
    if (upstream != null) {
      cmd.addAll(List.of("--upstream", upstream));
    }
    if (accessFile != null) {
      cmd.addAll(List.of("--access-file", accessFile.toString()));
    }
    if (tls != null) {
      cmd.addAll(
          List.of(
              "--tls-cert",
              tls.serverCert().toString(),
              "--tls-key",
              tls.serverKey().toString(),
              "--ca-file",
              tls.caCert().toString()));
    }
    List<String> archive = ServerClassPath.archiveOptions();
    cmd.addAll(1, archive);
    try {
      process =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
              .start();
      ServerClassPath.started(archive, process);
    } catch (IOException e) {
      // the next server may write the archive instead
      ServerClassPath.notStarted(archive);
      throw new UncheckedIOException(e);
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(() -> get("/v1/health").path("ok").asBoolean());
    return this;
  }

  void kill() {
    closeDriver();
    Process p = java.util.Objects.requireNonNull(process);
    p.destroyForcibly();
    p.onExit().join();
  }

  void stop() {
    closeDriver();
    Process p = java.util.Objects.requireNonNull(process);
    p.destroy();
    p.onExit().join();
  }

  void restart() {
    stop();
    start();
  }

  Driver bolt() {
    if (driver == null) {
      driver = GraphDatabase.driver("bolt://127.0.0.1:" + bolt, AuthTokens.none());
    }
    return driver;
  }

  /** Runs one write transaction over Bolt. */
  void write(String cypher, java.util.Map<String, Object> params) {
    try (var session = bolt().session()) {
      session.executeWrite(tx -> tx.run(cypher, params).consume());
    }
  }

  JsonNode get(String path) throws IOException, InterruptedException {
    return call("GET", path).body();
  }

  record Answer(int status, JsonNode body) {}

  Answer call(String method, String path) throws IOException, InterruptedException {
    return callAs(method, path, authorization);
  }

  private HttpClient client() {
    io.summit.dr.access.CertificateAuthority.Files t = tls;
    if (t == null) {
      return HTTP;
    }
    if (tlsClient == null) {
      tlsClient =
          io.summit.dr.access.Tls.client(
              Duration.ofSeconds(5), io.summit.dr.access.Tls.trusting(t.caCert()));
    }
    return tlsClient;
  }

  /** A call with {@code auth} as its Authorization header (none when null). */
  Answer callAs(String method, String path, @Nullable String auth)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create((tls == null ? "http" : "https") + "://" + adminAddress() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofMinutes(5));
    if (auth != null) {
      request.header("Authorization", auth);
    }
    HttpResponse<String> r = client().send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), JSON.readTree(r.body()));
  }

  Answer post(String path) {
    try {
      return call("POST", path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  JsonNode status() {
    try {
      return get("/v1/status");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  JsonNode checksum() {
    try {
      return get("/v1/checksum");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void closeDriver() {
    if (driver != null) {
      driver.close();
      driver = null;
    }
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      stop();
    }
  }
}
