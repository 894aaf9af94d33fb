package io.summit.dr.replication.objects;

import io.summit.dr.topology.ObjectRule;
import io.summit.dr.topology.Residency;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteMarkerEntry;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
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
 *   <li>data residency: a version or delete marker of a data class that does not allow the
 *       destination region is never copied ({@code SKIPPED}, see {@link ResidencyFilter});
 *   <li>each version's status (PENDING / COMPLETED / FAILED / REPLICA / SKIPPED) is settled in a
 *       {@link Checkpoint} forced to disk, so a restart or a cut link resumes where it stopped.
 * </ul>
 *
 * <p>Two ways in, as a production replicator would have them: the writers' notifications ({@link
 * #offer}, the part S3 Event Notifications play), handled by {@link #events} within milliseconds,
 * each notified key listed alone; and the full pass ({@link #pass}, a listing of the whole source),
 * the reconciliation that finds whatever a lost notification or a restart left behind. A listing of
 * the whole bucket is far too slow to run every few milliseconds once the bucket holds thousands of
 * objects (the lab's server reads every object's metadata file for it).
 *
 * <p>Both settle {@value #PARALLEL} keys at once (each key's versions in order) and stop at the
 * first error reaching either side (the link is cut, a server is down): what is left stays pending
 * for the next call. A version the destination refuses (4xx: bucket missing, too large) is {@code
 * FAILED} and not retried, as in S3. One caller runs the passes, the batches of events and the
 * heartbeats (they are synchronized); {@link #offer} is called from any thread.
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

  /** What a heartbeat found: whether both buckets answered, and whether the source is fenced. */
  public record Beat(boolean reached, boolean sourceFenced) {}

  /** Events of one key not yet handled: when the first and the last were written. */
  private record Event(Instant first, Instant last) {
    Event merge(Event o) {
      return new Event(
          first.isBefore(o.first) ? first : o.first, last.isAfter(o.last) ? last : o.last);
    }
  }

  /** How many keys are settled at once (each key's versions in order, one after the other). */
  static final int PARALLEL = 8;

  private final Side source;
  private final Side destination;
  private final ObjectRule rule;
  private final ResidencyFilter residency;
  private final Checkpoint checkpoint;
  private final ReplicationMetrics metrics;
  private final Clock clock;
  private final Duration syncEvery;
  private final ExecutorService workers;
  // keys written since they were last handled (the writers' notifications), by key
  private final ConcurrentHashMap<String, Event> events = new ConcurrentHashMap<>();
  // versions listed and not settled yet, by source version id: the pending figures
  private final ConcurrentHashMap<String, Item> unsettled = new ConcurrentHashMap<>();
  private volatile boolean recovering = true;
  private Instant lastSync = Instant.EPOCH;

  /** A replicator without data residency classes ({@link Residency#none()}). */
  public ObjectReplicator(
      Side source, Side destination, ObjectRule rule, Checkpoint checkpoint, Clock clock) {
    this(source, destination, rule, Residency.none(), checkpoint, clock);
  }

  /**
   * A replicator that copies nothing of a {@code residency} class to a destination region outside
   * the class's regions.
   */
  public ObjectReplicator(
      Side source,
      Side destination,
      ObjectRule rule,
      Residency residency,
      Checkpoint checkpoint,
      Clock clock) {
    this.source = source;
    this.destination = destination;
    this.rule = rule;
    this.residency = new ResidencyFilter(residency, destination.region());
    this.checkpoint = checkpoint;
    this.clock = clock;
    this.metrics = new ReplicationMetrics(source.region(), destination.region());
    this.metrics.pendingFrom(this::pendingNow);
    this.syncEvery = Duration.ofSeconds(1);
    AtomicInteger n = new AtomicInteger();
    this.workers =
        Executors.newFixedThreadPool(
            PARALLEL,
            r ->
                Thread.ofPlatform()
                    .daemon()
                    .name(
                        "copy-"
                            + source.region()
                            + "-to-"
                            + destination.region()
                            + "-"
                            + n.incrementAndGet())
                    .unstarted(r));
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

  /**
   * A full pass (the reconciliation): lists the source, settles every new version and marker, then
   * syncs replica changes back. Without error, the destination holds every version the source held
   * when the pass began ({@link ReplicationMetrics.Snapshot#lastCompletePassStartedAt}).
   */
  public synchronized PassResult pass() {
    Instant started = clock.instant();
    List<Item> pending;
    try {
      pending = pending(list(source, rule.prefix()));
    } catch (SdkClientException | S3Exception e) {
      return stopped(started, 0, -1, e);
    }
    Settled s = settleAll(byKey(pending));
    if (s.error() != null) {
      return stopped(started, s.done(), pending.size() - s.done(), s.error());
    }
    try {
      if (rule.replicaModifications() && !clock.instant().isBefore(lastSync.plus(syncEvery))) {
        syncReplicaModifications();
        lastSync = clock.instant();
      }
    } catch (SdkClientException | S3Exception e) {
      return stopped(started, s.done(), 0, e);
    }
    recovering = false;
    // what was written before the listing began is settled now: those notifications are done
    events.entrySet().removeIf(e -> e.getValue().last().isBefore(started));
    metrics.passEnded(clock.instant(), started, null);
    return new PassResult(s.done(), 0, null);
  }

  /**
   * A writer's notification that {@code key} changed (a new version or a delete marker): the next
   * {@link #events} lists that key alone and settles what is new, far sooner than the next full
   * pass. Keys outside the rule's prefix or reserved are ignored. Thread-safe.
   */
  public void offer(String key, Instant writtenAt) {
    if (!key.startsWith(rule.prefix()) || key.startsWith(ObjectRule.RESERVED_PREFIX)) {
      return;
    }
    events.merge(key, new Event(writtenAt, writtenAt), Event::merge);
  }

  /** Whether notifications wait to be handled. */
  public boolean hasEvents() {
    return !events.isEmpty();
  }

  /**
   * Handles the notified keys: lists each key and settles its new versions and markers, several
   * keys at once. A key that could not be settled (a side unreachable) stays notified for the next
   * call; a notification that was lost is found by the next full pass.
   */
  public synchronized PassResult events() {
    Map<String, Event> batch = new LinkedHashMap<>();
    for (String key : List.copyOf(events.keySet())) {
      Event e = events.remove(key);
      if (e != null) {
        batch.put(key, e);
      }
    }
    if (batch.isEmpty()) {
      return new PassResult(0, 0, null);
    }
    AtomicReference<@Nullable RuntimeException> failed = new AtomicReference<>();
    List<Future<Integer>> done = new ArrayList<>();
    for (Map.Entry<String, Event> e : batch.entrySet()) {
      done.add(
          workers.submit(
              () -> {
                if (failed.get() != null) {
                  events.merge(e.getKey(), e.getValue(), Event::merge);
                  return 0;
                }
                try {
                  List<Item> items = new ArrayList<>(list(source, e.getKey()));
                  items.removeIf(i -> !i.key().equals(e.getKey()));
                  return settleKey(pending(items), failed);
                } catch (SdkClientException | S3Exception x) {
                  failed.compareAndSet(null, x);
                  return 0;
                } finally {
                  if (failed.get() != null) {
                    events.merge(e.getKey(), e.getValue(), Event::merge);
                  }
                }
              }));
    }
    int settled = sum(done);
    RuntimeException error = failed.get();
    String why =
        error == null ? null : error.getClass().getSimpleName() + ": " + error.getMessage();
    metrics.contact(clock.instant(), why);
    return new PassResult(settled, error == null ? 0 : events.size(), why);
  }

  /**
   * Reads the source bucket's role and the destination's: whether both answer (the figures are
   * fresh) and whether the source is fenced (a switchover or failback waits for a full pass).
   */
  public synchronized Beat heartbeat() {
    try {
      BucketRole role = BucketRole.read(source.client(), source.bucket());
      BucketRole.readIfPresent(destination.client(), destination.bucket());
      metrics.contact(clock.instant(), null);
      return new Beat(true, role.primary() && role.fenced());
    } catch (SdkClientException | S3Exception e) {
      metrics.contact(clock.instant(), e.getClass().getSimpleName() + ": " + e.getMessage());
      return new Beat(false, false);
    }
  }

  /** Stops the workers. */
  public void close() {
    workers.shutdownNow();
  }

  /** What {@link #settleAll} did: versions settled, and the first error that stopped it. */
  private record Settled(int done, @Nullable RuntimeException error) {}

  /** {@code items} grouped by key, each key's in the order they must be applied. */
  private static Map<String, List<Item>> byKey(List<Item> items) {
    Map<String, List<Item>> out = new LinkedHashMap<>();
    for (Item i : items) {
      out.computeIfAbsent(i.key(), k -> new ArrayList<>()).add(i);
    }
    return out;
  }

  /** Settles every key's items, {@value #PARALLEL} keys at once; stops at the first error. */
  private Settled settleAll(Map<String, List<Item>> byKey) {
    AtomicReference<@Nullable RuntimeException> failed = new AtomicReference<>();
    List<Future<Integer>> done = new ArrayList<>();
    for (Map.Entry<String, List<Item>> e : byKey.entrySet()) {
      done.add(workers.submit(() -> settleKey(e.getValue(), failed)));
    }
    return new Settled(sum(done), failed.get());
  }

  /** Settles one key's items in order; stops at the first error (its own or another key's). */
  private int settleKey(List<Item> items, AtomicReference<@Nullable RuntimeException> failed) {
    int n = 0;
    for (Item item : items) {
      if (failed.get() != null) {
        return n;
      }
      try {
        settle(item);
      } catch (SdkClientException | S3Exception e) {
        failed.compareAndSet(null, e);
        return n;
      }
      unsettled.remove(item.versionId());
      n++;
    }
    return n;
  }

  private static int sum(List<Future<Integer>> done) {
    int n = 0;
    for (Future<Integer> f : done) {
      try {
        n += f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while settling", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("settling failed: " + e.getCause(), e.getCause());
      }
    }
    return n;
  }

  /** What is pending now: versions listed and not settled, and keys notified and not listed. */
  private ReplicationMetrics.Pending pendingNow() {
    long ops = 0;
    long bytes = 0;
    Instant oldest = null;
    for (Item i : unsettled.values()) {
      ops++;
      bytes += i.size();
      oldest = oldest == null || i.lastModified().isBefore(oldest) ? i.lastModified() : oldest;
    }
    for (Event e : events.values()) {
      ops++;
      oldest = oldest == null || e.first().isBefore(oldest) ? e.first() : oldest;
    }
    return new ReplicationMetrics.Pending(ops, bytes, oldest);
  }

  private PassResult stopped(Instant started, int done, int left, Exception e) {
    String why = e.getClass().getSimpleName() + ": " + e.getMessage();
    LOG.debug("{} -> {}: pass stopped: {}", source.region(), destination.region(), why);
    metrics.passEnded(clock.instant(), started, why);
    return new PassResult(done, left, why);
  }

  /**
   * The versions not yet settled, oldest first (per key in version order), counted as pending until
   * they are.
   */
  private List<Item> pending(List<Item> all) {
    List<Item> out =
        all.stream()
            .filter(i -> !checkpoint.isSettled(i.versionId()))
            .sorted(
                Comparator.comparing(Item::lastModified)
                    .thenComparingInt(Item::seq)
                    .thenComparing(Item::marker))
            .toList();
    for (Item i : out) {
      unsettled.put(i.versionId(), i);
    }
    return out;
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
    if (item.size() > rule.maxObjectBytes()) {
      settleOversized(item);
      return;
    }
    // one GET brings the body and the headers: whether it is a replica, and what a copy carries
    Optional<ResponseBytes<GetObjectResponse>> read =
        unlessDeleted(
            item,
            () ->
                source
                    .client()
                    .getObjectAsBytes(
                        b ->
                            b.bucket(source.bucket()).key(item.key()).versionId(item.versionId())));
    if (read.isEmpty()) {
      return;
    }
    ResponseBytes<GetObjectResponse> object = read.get();
    GetObjectResponse head = object.response();
    String original = head.metadata().get(REPLICA_OF);
    if (original != null) {
      replica(item, original);
      return;
    }
    if (!residency.admitsKey(item.key())) {
      record(item, ReplicationStatus.SKIPPED, null, residency.why());
      return;
    }
    // the tag count comes with the GET: the tags are read only when there are some
    Integer tagCount = head.tagCount();
    List<Tag> tags =
        tagCount == null || tagCount > 0 ? tags(source, item.key(), item.versionId()) : List.of();
    if (!residency.admits(item.key(), tags)) {
      record(item, ReplicationStatus.SKIPPED, null, residency.why());
      return;
    }
    Optional<String> earlier = recovering ? findCopy(item) : Optional.empty();
    if (earlier.isPresent()) {
      record(item, ReplicationStatus.COMPLETED, earlier.get(), null);
      return;
    }
    copy(item, head, tags, object.asByteArray());
  }

  /**
   * A version over the size limit: FAILED (its body is not fetched), unless it is a replica or
   * residency keeps it from the destination (SKIPPED).
   */
  private void settleOversized(Item item) {
    Optional<HeadObjectResponse> read =
        unlessDeleted(
            item,
            () ->
                source
                    .client()
                    .headObject(
                        b ->
                            b.bucket(source.bucket()).key(item.key()).versionId(item.versionId())));
    if (read.isEmpty()) {
      return;
    }
    String original = read.get().metadata().get(REPLICA_OF);
    if (original != null) {
      replica(item, original);
      return;
    }
    if (!residency.admitsVersion(source, item.key(), item.versionId())) {
      record(item, ReplicationStatus.SKIPPED, null, residency.why());
      return;
    }
    record(
        item,
        ReplicationStatus.FAILED,
        null,
        item.size() + " bytes is over max_object_bytes " + rule.maxObjectBytes());
  }

  /**
   * What {@code read} returns for a source version; empty, the version recorded FAILED, when the
   * source answers 404 (it was deleted by version id before it was copied).
   */
  private <T> Optional<T> unlessDeleted(Item item, java.util.function.Supplier<T> read) {
    try {
      return Optional.of(read.get());
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        record(item, ReplicationStatus.FAILED, null, "version deleted before it was copied");
        return Optional.empty();
      }
      throw e;
    }
  }

  private void replica(Item item, String original) {
    record(item, ReplicationStatus.REPLICA, original, null);
    if (rule.replicaModifications()) {
      checkpoint.tagsSynced(item.versionId(), tagHash(tags(source, item.key(), item.versionId())));
    }
  }

  private void copy(Item item, GetObjectResponse head, List<Tag> tags, byte[] body) {
    Map<String, String> metadata = new HashMap<>(head.metadata());
    metadata.put(REPLICA_OF, item.versionId());
    metadata.put(REPLICA_SOURCE, source.region());
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
    if (!residency.admitsMarker(source, item)) {
      record(item, ReplicationStatus.SKIPPED, null, residency.why());
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

  static List<Tag> tags(Side side, String key, String versionId) {
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
      case SKIPPED ->
          LOG.debug(
              "{} -> {}: {} version {} SKIPPED: {}",
              source.region(),
              destination.region(),
              item.key(),
              item.versionId(),
              why);
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
