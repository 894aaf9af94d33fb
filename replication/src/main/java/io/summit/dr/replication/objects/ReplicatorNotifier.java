package io.summit.dr.replication.objects;

import io.summit.dr.access.ApiClient;
import io.summit.dr.access.BearerToken;
import io.summit.dr.replication.Endpoint;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Tells a bucket's replicator that a key changed, at the address the bucket's {@link
 * BucketNotification} names (read again every {@link #REFRESH}, reached through {@code route}):
 * {@code POST /v1/events {"key", "written_at_ms"}}, sent without waiting ({@link
 * ApiClient#sendAsync}), so a write is never delayed by it. A notification lost (the replicator
 * down, the link cut) costs time, not data: the replicator's next full pass finds the version. Each
 * notification carries the caller's token when it has one (any listed role will do); a replicator
 * that listens with HTTPS (its notification says so) is trusted with the given authority. One
 * {@link ApiClient} per address: a new one when the bucket's notification names another address or
 * switches to or from HTTPS (the old one closed once its notifications are answered). Thread-safe.
 */
public final class ReplicatorNotifier implements ObjectWriter.Notifier {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicatorNotifier.class);

  /** How long a bucket's notification configuration is used before it is read again. */
  static final Duration REFRESH = Duration.ofSeconds(5);

  /** The replicator's API as last read from the bucket (null: none, or unreadable). */
  private record Target(@Nullable ApiClient api, long readAtNanos) {}

  private final S3Client s3;
  private final String bucket;
  private final UnaryOperator<Endpoint> route;
  private final Duration timeout;
  private final Clock clock;
  private final @Nullable BearerToken token;
  private final @Nullable SSLContext trust;
  private final Duration refresh;
  private final AtomicLong failures = new AtomicLong();
  private volatile @Nullable Target target;

  /** A notifier that sends no token and trusts the JDK's authorities. */
  public ReplicatorNotifier(
      S3Client s3, String bucket, UnaryOperator<Endpoint> route, Duration timeout, Clock clock) {
    this(s3, bucket, route, timeout, clock, null, null);
  }

  /**
   * @param token sent with each notification (null: none); its file is read again when it changes,
   *     so a rotated token is taken
   * @param trust the authorities trusted for a replicator that listens with HTTPS (null: the JDK's)
   */
  public ReplicatorNotifier(
      S3Client s3,
      String bucket,
      UnaryOperator<Endpoint> route,
      Duration timeout,
      Clock clock,
      @Nullable BearerToken token,
      @Nullable SSLContext trust) {
    this(s3, bucket, route, timeout, clock, token, trust, REFRESH);
  }

  /** {@code refresh}: how long the bucket's notification configuration is used (tests). */
  ReplicatorNotifier(
      S3Client s3,
      String bucket,
      UnaryOperator<Endpoint> route,
      Duration timeout,
      Clock clock,
      @Nullable BearerToken token,
      @Nullable SSLContext trust,
      Duration refresh) {
    this.s3 = s3;
    this.bucket = bucket;
    this.route = route;
    this.timeout = timeout;
    this.clock = clock;
    this.token = token;
    this.trust = trust;
    this.refresh = refresh;
  }

  /** Notifications that could not be delivered so far. */
  public long failures() {
    return failures.get();
  }

  @Override
  public void written(String key) {
    ApiClient api = api();
    if (api == null) {
      return;
    }
    var unused =
        api.sendAsync(
                "POST",
                "/v1/events",
                Map.of("key", key, "written_at_ms", clock.instant().toEpochMilli()))
            .whenComplete(
                (answer, e) -> {
                  if (e != null) {
                    // no answer, or a status other than 2xx (the replicator answers 202);
                    // the address is read again at the next refresh, not on every failed write
                    failures.incrementAndGet();
                    LOG.debug(
                        "{}: notification of {} not delivered: {}", bucket, key, e.getMessage());
                  }
                });
  }

  /** The replicator's API, its address read from the bucket at most every {@code refresh}. */
  private @Nullable ApiClient api() {
    Target seen = target;
    long now = System.nanoTime();
    if (seen != null && now - seen.readAtNanos() < refresh.toNanos()) {
      return seen.api();
    }
    URI base = base(); // the bucket read outside the lock, as concurrent writers may each do
    synchronized (this) {
      Target t = target;
      if (t != null && !t.equals(seen)) {
        return t.api(); // another writer refreshed it meanwhile
      }
      ApiClient old = t == null ? null : t.api();
      ApiClient api;
      if (base == null) {
        api = null;
      } else if (old != null && old.base().equals(base)) {
        api = old;
      } else {
        api = new ApiClient("replicator of " + bucket, base, token, trust, timeout);
      }
      if (old != null && old != api) {
        // close() waits for the notifications in flight: never on a writer's thread
        Thread.ofVirtual().name("close " + old).start(old::close);
      }
      target = new Target(api, now);
      return api;
    }
  }

  /** The replicator's API address the bucket names now; null without one or when unreadable. */
  private @Nullable URI base() {
    try {
      return BucketNotification.read(s3, bucket)
          .map(
              n -> {
                Endpoint e = route.apply(n.events());
                return URI.create((n.tls() ? "https" : "http") + "://" + e.host() + ":" + e.port());
              })
          .orElse(null);
    } catch (SdkException | IllegalStateException e) {
      LOG.debug("{}: notification configuration unreadable: {}", bucket, e.toString());
      return null;
    }
  }
}
