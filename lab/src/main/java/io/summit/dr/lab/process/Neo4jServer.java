package io.summit.dr.lab.process;

import io.summit.dr.replication.Endpoint;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * One region's Neo4j server as the lab runs it: {@code java -jar summit-dr-neo4j.jar} (module
 * {@code stores/neo4j}), a JVM of its own, so Neo4j (GPL-3.0, 158 MB of jars) is neither in the
 * command line's jar nor loaded by any other lab process. The jar runs with its dependencies from
 * the {@code lib/} directory beside it (its manifest's Class-Path).
 *
 * <p>Where the jar is: {@code -Dsummit.neo4j.jar} or {@code $SUMMIT_DR_NEO4J_JAR}; else {@code
 * stores/neo4j/target/summit-dr-neo4j.jar} of the checkout the running jar (or the working
 * directory, or its parent) belongs to.
 */
public final class Neo4jServer {
  /** The jar's path within a checkout. */
  static final String JAR = "stores/neo4j/target/summit-dr-neo4j.jar";

  private final Path dir;
  private final Path log;
  private final Endpoint bolt;
  private final Endpoint admin;
  private final javax.net.ssl.@Nullable SSLContext trust;

  /**
   * @param trust the authority its admin API's certificate chains to (it listens with HTTPS), or
   *     null (plain HTTP)
   */
  public Neo4jServer(
      Path dir, Path log, Endpoint bolt, Endpoint admin, javax.net.ssl.@Nullable SSLContext trust) {
    this.dir = dir;
    this.log = log;
    this.bolt = bolt;
    this.admin = admin;
    this.trust = trust;
  }

  public Path log() {
    return log;
  }

  /** The server jar, found as the class comment says. */
  public static Path jar() {
    return locate()
        .orElseThrow(
            () ->
                new LabException(
                    "neo4j: the server jar is missing (expected: "
                        + JAR
                        + " in this checkout, or -Dsummit.neo4j.jar): build it with 'mvn -pl"
                        + " stores/neo4j -am package -DskipTests'"));
  }

  private static Optional<Path> locate() {
    String set = System.getProperty("summit.neo4j.jar", System.getenv("SUMMIT_DR_NEO4J_JAR"));
    if (set != null) {
      return Optional.of(Path.of(set)).filter(Files::isRegularFile);
    }
    List<Path> roots = new ArrayList<>();
    String cp = System.getProperty("java.class.path", "");
    if (cp.endsWith(".jar") && !cp.contains(java.io.File.pathSeparator)) {
      Path self = Path.of(cp).toAbsolutePath();
      // cli/target/summit-dr.jar -> the checkout
      if (self.getParent() != null && self.getParent().getParent() != null) {
        roots.add(self.getParent().getParent().getParent());
      }
    }
    Path cwd = Path.of("").toAbsolutePath();
    roots.add(cwd);
    if (cwd.getParent() != null) {
      roots.add(cwd.getParent());
    }
    return roots.stream()
        .filter(r -> r != null)
        .map(r -> r.resolve(JAR))
        .filter(Files::isRegularFile)
        .findFirst();
  }

  /**
   * The command that runs this server: a small page cache, a heap of 512 MB (at 256 MB the
   * collector paused it for 1.2 s under a failover's burst of writes), serial GC, C1 only (quick to
   * start on two shared cores), a snapshot every {@code snapshotEvery}; {@code secured} are the
   * access list, certificate and authority arguments ({@code --access-file}: its admin API's
   * control operations need an operator's token; {@code --tls-cert}, {@code --tls-key}: it listens
   * with HTTPS; {@code --ca-file}: what its primary's certificate chains to).
   */
  public List<String> command(
      @Nullable Endpoint upstreamAdmin,
      Path snapshots,
      Duration snapshotEvery,
      List<String> secured) {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> c =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx512m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                OsProcesses.HUGE_PAGES,
                "-Xshare:auto"));
    if (Runtime.version().feature() >= 24) {
      c.add("--sun-misc-unsafe-memory-access=allow");
    }
    c.addAll(
        List.of(
            "--enable-native-access=ALL-UNNAMED",
            "-jar",
            jar().toString(),
            "--data",
            dir.toString(),
            "--bolt",
            bolt.host() + ":" + bolt.port(),
            "--admin",
            admin.host() + ":" + admin.port(),
            "--snapshots",
            snapshots.toString(),
            "--snapshot-every",
            snapshotEvery.toSeconds() + "s"));
    if (upstreamAdmin != null) {
      c.addAll(List.of("--upstream", upstreamAdmin.host() + ":" + upstreamAdmin.port()));
    }
    c.addAll(secured);
    return c;
  }

  /** Starts {@code command} and waits until the admin API answers; returns the PID. */
  public long start(List<String> command, Duration timeout) {
    long pid = OsProcesses.spawnDetached(command, log);
    awaitHealthy(pid, timeout);
    return pid;
  }

  /** Waits until the admin API of the server running as {@code pid} answers. */
  public void awaitHealthy(long pid, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!healthy()) {
      if (!OsProcesses.isAlive(pid)) {
        throw new LabException("neo4j at " + bolt + ": exited at start; see " + log);
      }
      if (System.nanoTime() > deadline) {
        throw new LabException("neo4j at " + bolt + ": not up within " + timeout + "; see " + log);
      }
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
  }

  /** Whether the admin API answers its health path. */
  public boolean healthy() {
    try {
      HttpURLConnection h =
          (HttpURLConnection)
              URI.create(
                      io.summit.dr.access.Tls.scheme(trust)
                          + "://"
                          + admin.host()
                          + ":"
                          + admin.port()
                          + "/v1/health")
                  .toURL()
                  .openConnection();
      if (trust != null && h instanceof javax.net.ssl.HttpsURLConnection https) {
        https.setSSLSocketFactory(trust.getSocketFactory());
      }
      h.setConnectTimeout(500);
      h.setReadTimeout(1000);
      int code = h.getResponseCode();
      h.disconnect();
      return code == 200;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
