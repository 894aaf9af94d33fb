package io.summit.dr.replication.objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.access.ApiClient;
import io.summit.dr.access.BearerToken;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreAdapter;
import io.summit.dr.replication.StoreObservation;
import io.summit.dr.replication.StoreResult;
import io.summit.dr.replication.StoreRole;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Supervises one region's bucket of an object store, through {@link S3Client}.
 *
 * <p><b>Role and fence</b> live in the bucket ({@link BucketRole}): fence marks the primary fenced
 * and every writer going through {@link ObjectWriter} refuses to write to it; promote makes this
 * bucket the unfenced primary, the write target; rejoin makes it a replica again. Replication needs
 * no turning around: each region's replicator pushes every original version (never a replica) to
 * the others, so once the writes move, the new primary's versions flow to the old one, and changes
 * to replicas flow back with replica modification sync.
 *
 * <p><b>Lag</b> of a replica: what the other regions' replicators still have pending for it (their
 * {@code /v1/status}, read at the {@code replicators} addresses): operations, bytes ({@code
 * lagBytes}) and the oldest pending version's age ({@code lagSeconds}, the RPO window); fresh
 * (streaming) when every replicator reached both buckets within {@link #FRESH} without error and
 * has finished a full pass since it started (before that, its pending figures miss what it has not
 * listed yet).
 */
public final class ObjectsAdapter implements StoreAdapter {
  /** How recent a replicator's last contact with both buckets must be for fresh figures. */
  static final Duration FRESH = Duration.ofSeconds(2);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String id;
  private final String region;
  private final S3Client s3;
  private final String bucket;
  private final Clock clock;
  private final List<ApiClient> replicatorApis;

  /** An adapter that reads its replicators' figures with plain HTTP and no token. */
  public ObjectsAdapter(
      String id,
      String region,
      S3Client s3,
      String bucket,
      List<Endpoint> replicators,
      Clock clock,
      Duration timeout) {
    this(id, region, s3, bucket, replicators, clock, timeout, null, null);
  }

  /**
   * @param token sent to the replicators (null: none); a viewer's will do
   * @param trust the authority the replicators' HTTPS certificates end with; null: they listen with
   *     plain HTTP
   */
  public ObjectsAdapter(
      String id,
      String region,
      S3Client s3,
      String bucket,
      List<Endpoint> replicators,
      Clock clock,
      Duration timeout,
      @Nullable BearerToken token,
      javax.net.ssl.@Nullable SSLContext trust) {
    this.id = id;
    this.region = region;
    this.s3 = s3;
    this.bucket = bucket;
    this.clock = clock;
    String scheme = trust == null ? "http" : "https";
    this.replicatorApis =
        replicators.stream()
            .map(
                r ->
                    new ApiClient(
                        "objects replicator " + r,
                        URI.create(scheme + "://" + r.host() + ":" + r.port()),
                        token,
                        trust,
                        timeout))
            .toList();
  }

  @Override
  public String id() {
    return id;
  }

  public String bucket() {
    return bucket;
  }

  @Override
  public StoreObservation observe() {
    Instant now = clock.instant();
    BucketRole role;
    try {
      role = BucketRole.read(s3, bucket);
    } catch (SdkException e) {
      return StoreObservation.unreachable(bucket + ": " + e.getMessage(), now);
    }
    if (role.primary()) {
      return new StoreObservation(
          true,
          role.fenced() ? StoreRole.FENCED : StoreRole.PRIMARY,
          null,
          null,
          // a primary's position is the time it was observed at, in epoch milliseconds: a replica
          // holds every version the primary held then once a complete replication pass toward it
          // started later (see replicaObservation); catch-up compares the two
          Long.toString(now.toEpochMilli()),
          bucket + (role.fenced() ? " fenced" : ""),
          now);
    }
    return replicaObservation(now);
  }

  /** The replica's lag, from the other regions' replicators. */
  private StoreObservation replicaObservation(Instant now) {
    long ops = 0;
    long bytes = 0;
    long oldestMs = 0;
    @Nullable Instant measured = null;
    @Nullable Instant complete = null;
    boolean fresh = true;
    boolean everyComplete = true;
    for (ApiClient replicator : replicatorApis) {
      @Nullable JsonNode toMe;
      try {
        toMe = towardThisRegion(replicator);
      } catch (IOException e) {
        return new StoreObservation(
            true, StoreRole.REPLICA, null, null, null, String.valueOf(e.getMessage()), now);
      }
      if (toMe == null) {
        continue;
      }
      ops += toMe.path("pending_operations").asLong();
      bytes += toMe.path("pending_bytes").asLong();
      oldestMs = Math.max(oldestMs, toMe.path("oldest_pending_age_ms").asLong(0));
      JsonNode started = toMe.get("last_complete_pass_started_at");
      if (started == null || started.isNull()) {
        everyComplete = false;
      } else {
        Instant s = Instant.parse(started.asText());
        complete = complete == null || s.isBefore(complete) ? s : complete;
      }
      JsonNode last = toMe.get("last_contact_at");
      if (last == null || last.isNull() || !toMe.path("last_error").isNull()) {
        fresh = false;
        continue;
      }
      Instant at = Instant.parse(last.asText());
      fresh &= Duration.between(at, now).compareTo(FRESH) <= 0;
      measured = measured == null || at.isBefore(measured) ? at : measured;
    }
    return new StoreObservation(
        true,
        StoreRole.REPLICA,
        bytes,
        oldestMs / 1000.0,
        everyComplete && complete != null ? Long.toString(complete.toEpochMilli()) : null,
        ops + " pending operations, " + bytes + " bytes",
        now,
        fresh && everyComplete && measured != null,
        measured);
  }

  private @Nullable JsonNode towardThisRegion(ApiClient replicator) throws IOException {
    for (JsonNode d : replicator.get("/v1/status").path("directions")) {
      if (d.path("destination").asText().equals(region)) {
        return d;
      }
    }
    return null;
  }

  @Override
  public StoreResult promote() {
    return change(
        r -> r.writable() ? null : new BucketRole(true, false, r.term()),
        bucket + " is the write target");
  }

  @Override
  public StoreResult fence() {
    return change(
        r -> !r.primary() || r.fenced() ? null : r.withFenced(true), bucket + " refuses writes");
  }

  @Override
  public StoreResult unfence() {
    try {
      BucketRole r = BucketRole.read(s3, bucket);
      if (!r.primary()) {
        return new StoreResult.Fatal(bucket + " is a replica: promote it, not unfence it");
      }
    } catch (SdkException e) {
      return new StoreResult.Retry(bucket + ": " + e.getMessage());
    }
    return change(r -> r.fenced() ? r.withFenced(false) : null, bucket + " takes writes again");
  }

  @Override
  public StoreResult rejoin(Endpoint newPrimary) {
    return change(
        r -> r.primary() ? new BucketRole(false, false, r.term()) : null,
        bucket + " is a replica; the replicator of " + newPrimary + " feeds it");
  }

  @Override
  public StoreResult recordTerm(long term) {
    return change(r -> r.term() >= term ? null : r.withTerm(term), bucket + " holds term " + term);
  }

  @Override
  public StoreResult verifyWrite() {
    try {
      BucketRole r = BucketRole.read(s3, bucket);
      if (!r.writable()) {
        return new StoreResult.Fatal(bucket + " is not a writable primary");
      }
      s3.putObject(
          b -> b.bucket(bucket).key(BucketRole.KEY + ".verify"),
          RequestBody.fromString(clock.instant().toString()));
      return new StoreResult.Applied(bucket + " took a write");
    } catch (SdkException e) {
      return new StoreResult.Retry(bucket + ": " + e.getMessage());
    }
  }

  /** Reads the role, applies {@code change} (null: already holds) and writes it back. */
  private StoreResult change(
      java.util.function.Function<BucketRole, @Nullable BucketRole> change, String target) {
    try {
      BucketRole now = BucketRole.read(s3, bucket);
      BucketRole next = change.apply(now);
      if (next == null) {
        return new StoreResult.AlreadyDone(target);
      }
      next.write(s3, bucket);
      return new StoreResult.Applied(target);
    } catch (SdkException e) {
      return new StoreResult.Retry(bucket + ": " + e.getMessage());
    }
  }

  @Override
  public void close() {
    s3.close();
    replicatorApis.forEach(ApiClient::close);
  }
}
