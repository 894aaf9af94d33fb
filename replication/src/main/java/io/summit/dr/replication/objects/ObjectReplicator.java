package io.summit.dr.replication.objects;

import io.summit.dr.topology.ObjectRule;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteMarkerEntry;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.model.Tagging;

/**
 * Replicates one bucket into another with S3 Cross-Region Replication's rules, one pass at a time:
 *
 * <ul>
 *   <li>every new version under the rule's prefix is copied with its user metadata, content headers
 *       and tags, oldest first per key (S3 gives the copy the source's version id; an S3-compatible
 *       server assigns its own, so the copy records the source's in {@value #REPLICA_OF});
 *   <li>a delete marker is replicated (a delete without version id on the destination) only when
 *       {@link ObjectRule#deleteMarkerReplication()} is on, else {@code SKIPPED};
 *   <li>a delete of a version id is never replicated: the replicator never deletes a version;
 *   <li>no chaining: a version carrying {@value #REPLICA_OF} is a replica and is not copied again
 *       ({@code REPLICA}); a replicated delete marker is recognised by the intent object written
 *       before it (markers carry no metadata);
 *   <li>replica modification sync: with {@link ObjectRule#replicaModifications()}, tag changes made
 *       to a replica flow back to the version it copies;
 *   <li>each version's status (PENDING / COMPLETED / FAILED / REPLICA / SKIPPED) is settled in a
 *       {@link Checkpoint} forced to disk, so a restart or a cut link resumes where it stopped.
 * </ul>
 *
 * <p>A pass stops at the first error reaching either side (the link is cut, a server is down): what
 * is left stays pending for the next pass. A version the destination refuses (4xx: bucket missing,
 * too large) is {@code FAILED} and not retried, as in S3. Not thread-safe across passes: one caller
 * runs them (the methods are synchronized).
 */
public final class ObjectReplicator {
  private static final Logger LOG = LoggerFactory.getLogger(ObjectReplicator.class);

  /** User metadata on a replica: the source version it copies. */
  public static final String REPLICA_OF = "summit-replica-of";

  /** User metadata on a replica: the region it was copied from. */
  public static final String REPLICA_SOURCE = "summit-replica-source";

  /** Where a replicator notes, before it deletes, that the next delete marker of a key is its. */
  public static final String INTENTS = ObjectRule.RESERVED_PREFIX + "marker-intents/";

  /** A bucket in a region, reached with a client. */
  public record Side(String region, S3Client client, String bucket) {}

  /** What a pass did; {@code error} is what stopped it early, if anything. */
  public record PassResult(int settled, int pending, @Nullable String error) {}

  /** One version or delete marker of the source, in the order it must be applied. */
  record Item(
      String key, String versionId, boolean marker, long size, Instant lastModified, int seq) {}

  private final Side source;
  private final Side destination;
  private final ObjectRule rule;
  private final Checkpoint checkpoint;
  private final ReplicationMetrics metrics;
  private final Clock clock;
  private final Duration syncEvery;
  private boolean recovering = true;
  private Instant lastSync = Instant.EPOCH;

  public ObjectReplicator(
      Side source, Side destination, ObjectRule rule, Checkpoint checkpoint, Clock clock) {
    this.source = source;
    this.destination = destination;
    this.rule = rule;
    this.checkpoint = checkpoint;
    this.clock = clock;
    this.metrics = new ReplicationMetrics(source.region(), destination.region());
    this.syncEvery = Duration.ofSeconds(1);
  }

  public ReplicationMetrics metrics() {
    return metrics;
  }

  public Side source() {
    return source;
  }

  public Side destination() {
    return destination;
  }

  /** Lists the source, settles every new version and marker, then syncs replica changes back. */
  public synchronized PassResult pass() {
    Instant started = clock.instant();
    List<Item> pending;
    try {
      pending = pending(list(source, rule.prefix()));
    } catch (SdkClientException | S3Exception e) {
      return stopped(started, 0, -1, e);
    }
    int done = 0;
    try {
      for (Item item : pending) {
        settle(item);
        done++;
        report(pending.subList(done, pending.size()));
      }
      if (rule.replicaModifications() && !clock.instant().isBefore(lastSync.plus(syncEvery))) {
        syncReplicaModifications();
        lastSync = clock.instant();
      }
    } catch (SdkClientException | S3Exception e) {
      return stopped(started, done, pending.size() - done, e);
    }
    recovering = false;
    metrics.passEnded(clock.instant(), started, null);
    return new PassResult(done, 0, null);
  }

  private PassResult stopped(Instant started, int done, int left, RuntimeException e) {
    String why = e.getClass().getSimpleName() + ": " + e.getMessage();
    LOG.debug("{} -> {}: pass stopped: {}", source.region(), destination.region(), why);
    metrics.passEnded(clock.instant(), started, why);
    return new PassResult(done, left, why);
  }

  /** The versions not yet settled, oldest first (per key in version order), and reports them. */
  private List<Item> pending(List<Item> all) {
    List<Item> out =
        all.stream()
            .filter(i -> !checkpoint.isSettled(i.versionId()))
            .sorted(
                Comparator.comparing(Item::lastModified)
                    .thenComparingInt(Item::seq)
                    .thenComparing(Item::marker))
            .toList();
    report(out);
    return out;
  }

  private void report(List<Item> pending) {
    long bytes = pending.stream().mapToLong(Item::size).sum();
    Instant oldest = pending.isEmpty() ? null : pending.get(0).lastModified();
    metrics.pending(pending.size(), bytes, oldest);
  }

  /** Every version and delete marker under {@code prefix}, reserved keys left out. */
  static List<Item> list(Side side, String prefix) {
    List<ObjectVersion> versions = new ArrayList<>();
    List<DeleteMarkerEntry> markers = new ArrayList<>();
    ListObjectVersionsRequest.Builder request =
        ListObjectVersionsRequest.builder().bucket(side.bucket()).prefix(prefix);
    for (ListObjectVersionsResponse page :
        side.client().listObjectVersionsPaginator(request.build())) {
      versions.addAll(page.versions());
      markers.addAll(page.deleteMarkers());
    }
    Map<String, List<Item>> byKey = new HashMap<>();
    for (ObjectVersion v : versions) {
      byKey
          .computeIfAbsent(v.key(), k -> new ArrayList<>())
          .add(
              new Item(
                  v.key(),
                  v.versionId(),
                  false,
                  v.size() == null ? 0 : v.size(),
                  v.lastModified(),
                  Boolean.TRUE.equals(v.isLatest()) ? Integer.MAX_VALUE : 0));
    }
    for (DeleteMarkerEntry m : markers) {
      byKey
          .computeIfAbsent(m.key(), k -> new ArrayList<>())
          .add(
              new Item(
                  m.key(),
                  m.versionId(),
                  true,
                  0,
                  m.lastModified(),
                  Boolean.TRUE.equals(m.isLatest()) ? Integer.MAX_VALUE : 0));
    }
    return byKey.values().stream()
        .flatMap(List::stream)
        .filter(i -> !i.key().startsWith(ObjectRule.RESERVED_PREFIX))
        .toList();
  }

  private void settle(Item item) {
    if (item.marker()) {
      settleMarker(item);
    } else {
      settleVersion(item);
    }
  }

  private void settleVersion(Item item) {
    S3Client src = source.client();
    HeadObjectResponse head;
    try {
      head =
          src.headObject(
              b -> b.bucket(source.bucket()).key(item.key()).versionId(item.versionId()));
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        record(item, ReplicationStatus.FAILED, null, "version deleted before it was copied");
        return;
      }
      throw e;
    }
    String original = head.metadata().get(REPLICA_OF);
    if (original != null) {
      record(item, ReplicationStatus.REPLICA, original, null);
      if (rule.replicaModifications()) {
        checkpoint.tagsSynced(
            item.versionId(), tagHash(tags(source, item.key(), item.versionId())));
      }
      return;
    }
    if (item.size() > rule.maxObjectBytes()) {
      record(
          item,
          ReplicationStatus.FAILED,
          null,
          item.size() + " bytes is over max_object_bytes " + rule.maxObjectBytes());
      return;
    }
    Optional<String> earlier = recovering ? findCopy(item) : Optional.empty();
    if (earlier.isPresent()) {
      record(item, ReplicationStatus.COMPLETED, earlier.get(), null);
      return;
    }
    copy(item, head);
  }

  private void copy(Item item, HeadObjectResponse head) {
    byte[] body =
        source
            .client()
            .getObjectAsBytes(
                b -> b.bucket(source.bucket()).key(item.key()).versionId(item.versionId()))
            .asByteArray();
    Map<String, String> metadata = new HashMap<>(head.metadata());
    metadata.put(REPLICA_OF, item.versionId());
    metadata.put(REPLICA_SOURCE, source.region());
    List<Tag> tags = tags(source, item.key(), item.versionId());
    PutObjectRequest.Builder put =
        PutObjectRequest.builder()
            .bucket(destination.bucket())
            .key(item.key())
            .metadata(metadata)
            .contentType(head.contentType())
            .cacheControl(head.cacheControl())
            .contentDisposition(head.contentDisposition())
            .contentEncoding(head.contentEncoding());
    if (!tags.isEmpty()) {
      put.tagging(Tagging.builder().tagSet(tags).build());
    }
    String copyVersion;
    try {
      copyVersion =
          destination.client().putObject(put.build(), RequestBody.fromBytes(body)).versionId();
    } catch (S3Exception e) {
      if (refused(e)) {
        record(item, ReplicationStatus.FAILED, null, e.awsErrorDetails().errorCode());
        return;
      }
      throw e;
    }
    record(item, ReplicationStatus.COMPLETED, copyVersion, null);
  }

  /** A 4xx the destination will give again on a retry (not a throttle or timeout). */
  private static boolean refused(S3Exception e) {
    int s = e.statusCode();
    return s >= 400 && s < 500 && s != 408 && s != 429;
  }

  /** After a restart: the copy a crash left in the destination before its checkpoint line. */
  private Optional<String> findCopy(Item item) {
    List<Item> there = new ArrayList<>(list(destination, item.key()));
    there.removeIf(i -> i.marker() || !i.key().equals(item.key()));
    there.sort(Comparator.comparing(Item::lastModified).reversed());
    for (Item candidate : there.subList(0, Math.min(3, there.size()))) {
      HeadObjectResponse h =
          destination
              .client()
              .headObject(
                  b ->
                      b.bucket(destination.bucket())
                          .key(candidate.key())
                          .versionId(candidate.versionId()));
      if (item.versionId().equals(h.metadata().get(REPLICA_OF))) {
        return Optional.of(candidate.versionId());
      }
    }
    return Optional.empty();
  }

  private void settleMarker(Item item) {
    Optional<String> intent = unclaimedIntent(item);
    if (intent.isPresent()) {
      checkpoint.claim(intent.get());
      record(item, ReplicationStatus.REPLICA, null, null);
      return;
    }
    if (!rule.deleteMarkerReplication()) {
      record(item, ReplicationStatus.SKIPPED, null, "delete_marker_replication is off");
      return;
    }
    destination
        .client()
        .putObject(
            b ->
                b.bucket(destination.bucket())
                    .key(INTENTS + item.key())
                    .metadata(
                        Map.of(REPLICA_OF, item.versionId(), REPLICA_SOURCE, source.region())),
            RequestBody.fromString(item.versionId()));
    try {
      destination.client().deleteObject(b -> b.bucket(destination.bucket()).key(item.key()));
    } catch (S3Exception e) {
      if (refused(e)) {
        record(item, ReplicationStatus.FAILED, null, e.awsErrorDetails().errorCode());
        return;
      }
      throw e;
    }
    record(item, ReplicationStatus.COMPLETED, null, null);
  }

  /**
   * The earliest intent for the marker's key, written no later than the marker, not yet claimed.
   */
  private Optional<String> unclaimedIntent(Item marker) {
    String intentKey = INTENTS + marker.key();
    return listAll(source, intentKey).stream()
        .filter(i -> !i.marker() && i.key().equals(intentKey))
        .filter(i -> !checkpoint.isClaimed(i.versionId()))
        .min(Comparator.comparing(Item::lastModified))
        .map(Item::versionId);
  }

  /** Like {@link #list} but keeping reserved keys. */
  private static List<Item> listAll(Side side, String prefix) {
    List<Item> out = new ArrayList<>();
    for (ListObjectVersionsResponse page :
        side.client().listObjectVersionsPaginator(b -> b.bucket(side.bucket()).prefix(prefix))) {
      for (ObjectVersion v : page.versions()) {
        out.add(new Item(v.key(), v.versionId(), false, 0, v.lastModified(), 0));
      }
    }
    return out;
  }

  /** Replica modification sync: tag changes on this side's replicas go back to their originals. */
  private void syncReplicaModifications() {
    for (Checkpoint.Entry e : checkpoint.entries()) {
      String original = e.replicaVersion();
      if (e.status() != ReplicationStatus.REPLICA || original == null) {
        continue;
      }
      List<Tag> tags;
      try {
        tags = tags(source, e.key(), e.sourceVersion());
      } catch (S3Exception gone) {
        if (gone.statusCode() == 404) {
          continue;
        }
        throw gone;
      }
      String hash = tagHash(tags);
      if (hash.equals(checkpoint.tagHash(e.sourceVersion()))) {
        continue;
      }
      try {
        destination
            .client()
            .putObjectTagging(
                b ->
                    b.bucket(destination.bucket())
                        .key(e.key())
                        .versionId(original)
                        .tagging(Tagging.builder().tagSet(tags).build()));
      } catch (S3Exception gone) {
        if (gone.statusCode() != 404) {
          throw gone;
        }
      }
      checkpoint.tagsSynced(e.sourceVersion(), hash);
    }
  }

  private static List<Tag> tags(Side side, String key, String versionId) {
    return side.client()
        .getObjectTagging(b -> b.bucket(side.bucket()).key(key).versionId(versionId))
        .tagSet();
  }

  static String tagHash(List<Tag> tags) {
    return Integer.toHexString(
        tags.stream()
            .map(t -> t.key() + "=" + t.value())
            .sorted()
            .collect(Collectors.joining("&"))
            .hashCode());
  }

  private void record(
      Item item, ReplicationStatus status, @Nullable String replicaVersion, @Nullable String why) {
    checkpoint.settle(
        new Checkpoint.Entry(item.key(), item.versionId(), status, replicaVersion, item.size()));
    switch (status) {
      case COMPLETED -> metrics.copied(Duration.between(item.lastModified(), clock.instant()));
      case FAILED -> {
        metrics.failed();
        LOG.warn(
            "{} -> {}: {} version {} FAILED: {}",
            source.region(),
            destination.region(),
            item.key(),
            item.versionId(),
            why);
      }
      case REPLICA -> metrics.replica();
      default -> {}
    }
  }

  /**
   * The replication status of each version and delete marker of {@code key} in the source, newest
   * first: its settled status, else {@code PENDING}.
   */
  public List<Map<String, String>> statusOf(String key) {
    List<Item> items = new ArrayList<>(list(source, key));
    items.removeIf(i -> !i.key().equals(key));
    items.sort(Comparator.comparing(Item::lastModified).thenComparingInt(Item::seq).reversed());
    List<Map<String, String>> out = new ArrayList<>();
    for (Item i : items) {
      Optional<Checkpoint.Entry> e = checkpoint.settled(i.versionId());
      Map<String, String> row = new java.util.LinkedHashMap<>();
      row.put("key", key);
      row.put("version_id", i.versionId());
      row.put("delete_marker", Boolean.toString(i.marker()));
      row.put("status", e.map(x -> x.status().name()).orElse(ReplicationStatus.PENDING.name()));
      e.map(Checkpoint.Entry::replicaVersion).ifPresent(v -> row.put("other_version_id", v));
      out.add(row);
    }
    return out;
  }
}
