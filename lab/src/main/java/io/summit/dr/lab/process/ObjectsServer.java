package io.summit.dr.lab.process;

import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.objects.BucketRole;
import io.summit.dr.replication.objects.S3Clients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * One lab object store: Adobe's S3Mock (its exec jar from Maven Central, {@value #VERSION}) run as
 * its own JVM, data under its directory ({@code retain-files-on-exit}, so a restart keeps every
 * bucket and version), versioning on.
 *
 * <p>Loopback only: S3Mock's HTTPS connector honours {@code --server.address}, but the HTTP one it
 * adds (the one the lab uses) binds every interface. A bean definition file given to Spring Boot as
 * an extra source ({@code --spring.main.sources}) sets {@code address} on every additional
 * connector before Tomcat binds it; the test checks with {@code ss} that nothing listens beyond
 * 127.0.0.1.
 */
public final class ObjectsServer {
  /** The S3Mock release the lab runs; the parent pom's {@code s3mock.version} downloads it. */
  public static final String VERSION = "5.2.0";

  private static final String LOOPBACK_BEANS =
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <beans xmlns="http://www.springframework.org/schema/beans"
             xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
             xsi:schemaLocation="http://www.springframework.org/schema/beans
               https://www.springframework.org/schema/beans/spring-beans.xsd">
        <!-- S3Mock's additional connectors (plain HTTP) bind every interface: pin them to %s -->
        <bean id="summitLoopbackConnectors" class="java.util.ArrayList" lazy-init="false">
          <constructor-arg value="#{@webServerFactory.additionalConnectors.![setProperty('address','%s')]}"/>
        </bean>
      </beans>
      """;

  private final Path dir;
  private final Endpoint endpoint;
  private final Endpoint tls;
  private final List<String> jvmOptions;

  /**
   * @param endpoint where its HTTP connector (the S3 API the lab uses) listens
   * @param tls where its HTTPS connector listens (S3Mock always opens one)
   */
  public ObjectsServer(Path dir, Endpoint endpoint, Endpoint tls) {
    this(dir, endpoint, tls, List.of());
  }

  /**
   * @param jvmOptions added to the JVM's command line (the lab's class-data archive options)
   */
  public ObjectsServer(Path dir, Endpoint endpoint, Endpoint tls, List<String> jvmOptions) {
    this.dir = dir.toAbsolutePath();
    this.endpoint = endpoint;
    this.tls = tls;
    this.jvmOptions = List.copyOf(jvmOptions);
  }

  public Path log() {
    return dir.resolve("s3mock.log");
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  /** The S3Mock exec jar: {@code SUMMIT_S3MOCK_JAR}, else the local Maven repository's copy. */
  public static Path jar() {
    String env = System.getenv("SUMMIT_S3MOCK_JAR");
    Path jar =
        env != null && !env.isBlank()
            ? Path.of(env)
            : Path.of(
                System.getProperty("user.home"),
                ".m2/repository/com/adobe/testing/s3mock",
                VERSION,
                "s3mock-" + VERSION + "-exec.jar");
    if (!Files.isRegularFile(jar)) {
      throw new LabException(
          "S3Mock not found at "
              + jar
              + ": build the project once (mvn -pl lab -am verify downloads it) or set"
              + " SUMMIT_S3MOCK_JAR");
    }
    return jar;
  }

  /** The command that runs the server (kept by the lab to restart it). */
  public List<String> command() {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> c =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx160m",
                "-Xss512k",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                OsProcesses.HUGE_PAGES,
                // S3Mock's object service leaves a temporary file behind per upload it stages
                // (73 in /tmp after a day of object labs): in the lab's directory, they go with it
                "-Djava.io.tmpdir=" + dir.resolve("tmp")));
    c.addAll(jvmOptions);
    c.addAll(
        List.of(
            "-jar",
            jar().toString(),
            "--server.address=" + tls.host(),
            "--server.port=" + tls.port(),
            "--http.port=" + endpoint.port(),
            "--vectors.http.port=0",
            "--vectors.https.port=0",
            "--com.adobe.testing.s3mock.store.root=" + dir.resolve("data"),
            "--com.adobe.testing.s3mock.store.retain-files-on-exit=true",
            "--spring.main.sources=file:" + dir.resolve("loopback.xml"),
            "--spring.main.banner-mode=off",
            "--logging.level.root=WARN"));
    // below the control plane: two Spring Boot JVMs starting and serving beside the lab's agents
    // and etcd members on two cores made the agents miss their lease renewals
    return OsProcesses.lowered(OsProcesses.DATA_NICENESS, c);
  }

  /** Starts the server (without waiting); returns its PID. */
  public long spawn() {
    try {
      Files.createDirectories(dir.resolve("data"));
      Files.createDirectories(dir.resolve("tmp"));
      Files.writeString(
          dir.resolve("loopback.xml"),
          LOOPBACK_BEANS.formatted(endpoint.host(), endpoint.host()),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return OsProcesses.spawnDetached(command(), log());
  }

  /** Waits until the S3 API answers. */
  public void awaitUp(long pid, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!answers()) {
      if (!OsProcesses.isAlive(pid)) {
        throw new LabException("S3Mock on " + endpoint + " exited at start; see " + log());
      }
      if (System.nanoTime() > deadline) {
        throw new LabException(
            "S3Mock on " + endpoint + " did not answer within " + timeout + "; see " + log());
      }
      java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
    }
  }

  /** Starts the server and waits for it; returns its PID. */
  public long start(Duration timeout) {
    long pid = spawn();
    awaitUp(pid, timeout);
    return pid;
  }

  private boolean answers() {
    try {
      HttpURLConnection h =
          (HttpURLConnection)
              URI.create("http://" + endpoint.host() + ":" + endpoint.port() + "/")
                  .toURL()
                  .openConnection();
      h.setConnectTimeout(300);
      h.setReadTimeout(2000);
      int code = h.getResponseCode();
      h.disconnect();
      return code == 200;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Creates {@code bucket} with versioning on, and records its role unless it has one (a restart
   * keeps the role the orchestrator gave it).
   */
  public void prepareBucket(String bucket, BucketRole role) {
    try (S3Client s3 = S3Clients.at(endpoint, Duration.ofSeconds(5))) {
      try {
        s3.createBucket(b -> b.bucket(bucket));
      } catch (S3Exception e) {
        if (e.statusCode() != 409) {
          throw e;
        }
      }
      s3.putBucketVersioning(
          b ->
              b.bucket(bucket)
                  .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
      if (BucketRole.readIfPresent(s3, bucket).isEmpty()) {
        role.write(s3, bucket);
      }
    }
  }
}
