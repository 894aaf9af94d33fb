package io.summit.dr.replication.objects;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.replication.Endpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Tells a bucket's replicator that a key changed, at the address the bucket's {@link
 * BucketNotification} names (read again every {@link #REFRESH}, reached through {@code route}):
 * {@code POST /v1/events {"key", "written_at_ms"}}, sent without waiting, so a write is never
 * delayed by it. A notification lost (the replicator down, the link cut) costs time, not data: the
 * replicator's next full pass finds the version. A replicator that listens with HTTPS (its
 * notification says so) is sent the caller's token (any listed role will do) and trusted with the
 * given authority. Thread-safe.
 */
public final class ReplicatorNotifier implements ObjectWriter.Notifier {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicatorNotifier.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How long a bucket's notification configuration is used before it is read again. */
  static final Duration REFRESH = Duration.ofSeconds(5);

  private record Target(@Nullable URI uri, long readAtNanos) {}

  private final S3Client s3;
  private final String bucket;
  private final UnaryOperator<Endpoint> route;
  private final Duration timeout;
  private final Clock clock;
  private final HttpClient http;
  private final Supplier<@Nullable String> authorization;
  private final AtomicLong failures = new AtomicLong();
  private volatile @Nullable Target target;

  /** A notifier that sends no token and trusts the JDK's authorities. */
  public ReplicatorNotifier(
      S3Client s3, String bucket, UnaryOperator<Endpoint> route, Duration timeout, Clock clock) {
    this(s3, bucket, route, timeout, clock, () -> null, null);
  }

  /**
   * @param authorization the Authorization header sent with each notification (null: none), asked
   *     for each one so that a rotated token is taken
   * @param trust the authorities trusted for a replicator that listens with HTTPS (null: the JDK's)
   */
  public ReplicatorNotifier(
      S3Client s3,
      String bucket,
      UnaryOperator<Endpoint> route,
      Duration timeout,
      Clock clock,
      Supplier<@Nullable String> authorization,
      javax.net.ssl.@Nullable SSLContext trust) {
    this.s3 = s3;
    this.bucket = bucket;
    this.route = route;
    this.timeout = timeout;
    this.clock = clock;
    this.authorization = authorization;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(timeout);
    if (trust != null) {
      b.sslContext(trust);
    }
    this.http = b.build();
  }

  /** Notifications that could not be delivered so far. */
  public long failures() {
    return failures.get();
  }

  @Override
  public void written(String key) {
    URI uri = uri();
    if (uri == null) {
      return;
    }
    String body;
    try {
      body =
          JSON.writeValueAsString(
              Map.of("key", key, "written_at_ms", clock.instant().toEpochMilli()));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    String auth = authorization.get();
    if (auth != null) {
      request.header("Authorization", auth);
    }
    http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
        .whenComplete(
            (r, e) -> {
              if (e != null || r.statusCode() != 202) {
                // the address is read again at the next refresh, not on every failed write
                failures.incrementAndGet();
                LOG.debug(
                    "{}: notification of {} not delivered: {}",
                    bucket,
                    key,
                    e != null ? e.toString() : "status " + r.statusCode());
              }
            });
  }

  /** The replicator's events address, read from the bucket at most every {@link #REFRESH}. */
  private @Nullable URI uri() {
    Target t = target;
    long now = System.nanoTime();
    if (t != null && now - t.readAtNanos() < REFRESH.toNanos()) {
      return t.uri();
    }
    URI uri;
    try {
      uri =
          BucketNotification.read(s3, bucket)
              .map(
                  n -> {
                    Endpoint e = route.apply(n.events());
                    return URI.create(
                        (n.tls() ? "https" : "http")
                            + "://"
                            + e.host()
                            + ":"
                            + e.port()
                            + "/v1/events");
                  })
              .orElse(null);
    } catch (SdkException | IllegalStateException e) {
      LOG.debug("{}: notification configuration unreadable: {}", bucket, e.toString());
      uri = null;
    }
    target = new Target(uri, now);
    return uri;
  }
}
