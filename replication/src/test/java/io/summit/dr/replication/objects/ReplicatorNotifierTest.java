package io.summit.dr.replication.objects;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.summit.dr.access.AccessList;
import io.summit.dr.access.BearerToken;
import io.summit.dr.access.CertificateAuthority;
import io.summit.dr.access.Tls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The writers' notifier against fake replicators, the bucket's configuration in a fake bucket. */
class ReplicatorNotifierTest {
  private static final String BUCKET = "summit-dr-objects-us-west-2";
  private static final Clock CLOCK =
      Clock.fixed(Instant.ofEpochMilli(1_796_000_000_000L), ZoneOffset.UTC);

  @TempDir Path dir;

  private final List<HttpServer> servers = new ArrayList<>();
  private final Bucket bucket = new Bucket();

  /** A bucket holding nothing but its notification configuration (none: 404). */
  private static final class Bucket implements S3Client {
    volatile @Nullable String notification;

    @Override
    public ResponseBytes<GetObjectResponse> getObjectAsBytes(GetObjectRequest request) {
      String n = notification;
      if (!request.key().equals(BucketNotification.KEY) || n == null) {
        throw (S3Exception)
            S3Exception.builder().statusCode(404).message("NoSuchKey: " + request.key()).build();
      }
      return ResponseBytes.fromByteArray(
          GetObjectResponse.builder().build(), n.getBytes(StandardCharsets.UTF_8));
    }

    void pointAt(int port, boolean tls) {
      notification = "{\"events\":\"127.0.0.1:" + port + "\",\"tls\":" + tls + "}";
    }

    @Override
    public String serviceName() {
      return "s3";
    }

    @Override
    public void close() {}
  }

  /** A fake replicator: what it received (METHOD PATH AUTHORIZATION BODY), its answer's status. */
  private record Replicator(int port, BlockingQueue<String> received) {}

  @AfterEach
  void stop() {
    servers.forEach(s -> s.stop(0));
  }

  @Test
  void notifiesTheReplicatorTheBucketNamesWithTheTokenOverHttps() throws Exception {
    CertificateAuthority.Files ca =
        CertificateAuthority.create(dir.resolve("tls"), "test CA", List.of("127.0.0.1"));
    Replicator r = replicator(202, Tls.server(ca.serverCert(), ca.serverKey()), null);
    bucket.pointAt(r.port(), true);
    BearerToken token = token();
    ReplicatorNotifier notifier = notifier(token, Tls.trusting(ca.caCert()), Duration.ofSeconds(5));

    notifier.written("entities/1.json");

    String got = r.received().poll(5, TimeUnit.SECONDS);
    assertThat(got)
        .startsWith("POST /v1/events " + token.authorization() + " {")
        .contains("\"key\":\"entities/1.json\"")
        .contains("\"written_at_ms\":1796000000000");
    Thread.sleep(200); // the answer is handled after the request was received
    assertThat(notifier.failures()).isZero();
  }

  @Test
  void countsAFailureForAStatusOtherThan2xxAndForNoAnswer() throws Exception {
    Replicator refusing = replicator(401, null, null);
    bucket.pointAt(refusing.port(), false);
    ReplicatorNotifier notifier = notifier(null, null, Duration.ZERO);

    notifier.written("a");
    assertThat(refusing.received().poll(5, TimeUnit.SECONDS)).startsWith("POST /v1/events - {");
    await(() -> notifier.failures() == 1);

    bucket.pointAt(closedPort(), false);
    notifier.written("b");
    await(() -> notifier.failures() == 2);
  }

  @Test
  void followsTheBucketToAnotherReplicatorAndSendsNothingWithoutOne() throws Exception {
    Replicator first = replicator(202, null, null);
    Replicator second = replicator(202, null, null);
    ReplicatorNotifier notifier = notifier(null, null, Duration.ZERO);

    notifier.written("none");
    bucket.pointAt(first.port(), false);
    notifier.written("a");
    assertThat(first.received().poll(5, TimeUnit.SECONDS)).contains("\"key\":\"a\"");
    bucket.pointAt(second.port(), false);
    notifier.written("b");
    assertThat(second.received().poll(5, TimeUnit.SECONDS)).contains("\"key\":\"b\"");
    bucket.notification = null;
    notifier.written("c");

    Thread.sleep(200);
    assertThat(first.received()).isEmpty();
    assertThat(second.received()).isEmpty();
    assertThat(notifier.failures()).isZero();
  }

  @Test
  void aSlowReplicatorNeverDelaysTheWrite() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Replicator slow = replicator(202, null, release);
    bucket.pointAt(slow.port(), false);
    ReplicatorNotifier notifier = notifier(null, null, Duration.ofSeconds(5));
    try {
      long start = System.nanoTime();
      notifier.written("a");
      notifier.written("b");
      long took = System.nanoTime() - start;

      assertThat(Duration.ofNanos(took)).isLessThan(Duration.ofSeconds(1));
      assertThat(slow.received().poll(5, TimeUnit.SECONDS)).contains("\"key\":\"");
    } finally {
      release.countDown();
    }
    await(() -> slow.received().size() == 1);
    assertThat(notifier.failures()).isZero();
  }

  private ReplicatorNotifier notifier(
      @Nullable BearerToken token, @Nullable SSLContext trust, Duration refresh) {
    return new ReplicatorNotifier(
        bucket, BUCKET, e -> e, Duration.ofSeconds(2), CLOCK, token, trust, refresh);
  }

  /** A replicator answering {@code status}; each answer waits for {@code release} when given. */
  private Replicator replicator(
      int status, @Nullable SSLContext tls, @Nullable CountDownLatch release) throws IOException {
    BlockingQueue<String> received = new LinkedBlockingQueue<>();
    HttpServer server =
        Tls.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8, tls);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.createContext(
        "/",
        x -> {
          @Nullable String auth = x.getRequestHeaders().getFirst("Authorization");
          received.add(
              x.getRequestMethod()
                  + " "
                  + x.getRequestURI().getPath()
                  + " "
                  + (auth == null ? "-" : auth)
                  + " "
                  + new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          if (release != null) {
            try {
              release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          byte[] out = (status == 202 ? "queued\n" : "refused\n").getBytes(StandardCharsets.UTF_8);
          x.sendResponseHeaders(status, out.length);
          x.getResponseBody().write(out);
          x.close();
        });
    server.start();
    servers.add(server);
    return new Replicator(server.getAddress().getPort(), received);
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 5 s").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private BearerToken token() throws IOException {
    Path file = dir.resolve("service.token");
    Files.writeString(file, AccessList.newToken());
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return BearerToken.read("--token-file", file);
  }
}
