package io.summit.dr.lab.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.summit.dr.replication.StoreRole;
import io.summit.dr.replication.objects.Checkpoint;
import io.summit.dr.replication.objects.ObjectReplicator;
import io.summit.dr.replication.objects.ObjectWriter;
import io.summit.dr.replication.objects.ObjectsAdapter;
import io.summit.dr.replication.objects.ReplicationMetrics;
import io.summit.dr.topology.DataClass;
import io.summit.dr.topology.ObjectRule;
import io.summit.dr.topology.Residency;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.model.Tagging;

/**
 * Each replication rule of S3 Cross-Region Replication, against two real S3Mock servers: the
 * replicator runs in this JVM, one pass at a time, so each test says exactly what a pass did.
 */
class ObjectReplicationRulesTest {
  private static final AtomicInteger BUCKETS = new AtomicInteger();
  private static TwoRegions regions;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws IOException {
    regions = new TwoRegions();
  }

  @AfterAll
  static void stop() {
    if (regions != null) {
      regions.close();
    }
  }

  private static String bucket() {
    String b = "rules-" + BUCKETS.incrementAndGet();
    regions.buckets(b);
    return b;
  }

  private static ObjectRule rule(boolean markers, boolean replicaSync) {
    return new ObjectRule("b-{region}", "", markers, replicaSync, 1024);
  }

  private ObjectReplicator westToEast(String bucket, ObjectRule rule, String checkpoint) {
    return replicator(bucket, rule, checkpoint, regions.westS3, regions.eastS3, "west", "east");
  }

  private ObjectReplicator eastToWest(String bucket, ObjectRule rule, String checkpoint) {
    return replicator(bucket, rule, checkpoint, regions.eastS3, regions.westS3, "east", "west");
  }

  private ObjectReplicator replicator(
      String bucket,
      ObjectRule rule,
      String checkpoint,
      S3Client from,
      S3Client to,
      String fromName,
      String toName) {
    return new ObjectReplicator(
        new ObjectReplicator.Side(fromName, from, bucket),
        new ObjectReplicator.Side(toName, to, bucket),
        rule,
        Checkpoint.open(dir.resolve(checkpoint)),
        Clock.systemUTC());
  }

  private ObjectReplicator westToEast(String bucket, ObjectRule rule, Residency residency) {
    return new ObjectReplicator(
        new ObjectReplicator.Side("west", regions.westS3, bucket),
        new ObjectReplicator.Side("east", regions.eastS3, bucket),
        rule,
        residency,
        Checkpoint.open(dir.resolve("cp")),
        Clock.systemUTC());
  }

  private static Residency residency(DataClass... classes) {
    return new Residency("x-summit-data-class", "x-summit-tenant", List.of(classes));
  }

  private static DataClass byPrefix(String name, String prefix, String... regions) {
    return new DataClass(
        name, List.of(regions), List.of(), List.of(), List.of(), List.of(prefix), Map.of());
  }

  private static DataClass byTag(String name, String tag, String value, String... regions) {
    return new DataClass(
        name, List.of(regions), List.of(), List.of(), List.of(), List.of(), Map.of(tag, value));
  }

  private static String putTagged(
      S3Client s3, String bucket, String key, String body, Map<String, String> tags) {
    Tagging tagging =
        Tagging.builder()
            .tagSet(
                tags.entrySet().stream()
                    .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
                    .toList())
            .build();
    return s3.putObject(
            b -> b.bucket(bucket).key(key).contentType("text/plain").tagging(tagging),
            RequestBody.fromString(body))
        .versionId();
  }

  private static List<String> statuses(ObjectReplicator r, String key) {
    return r.statusOf(key).stream().map(m -> m.get("status")).toList();
  }

  private static long pending(ObjectReplicator r) {
    return r.metrics().snapshot(java.time.Instant.now()).pendingOperations();
  }

  private static String put(S3Client s3, String bucket, String key, String body) {
    return s3.putObject(
            b -> b.bucket(bucket).key(key).contentType("text/plain"), RequestBody.fromString(body))
        .versionId();
  }

  private static String read(S3Client s3, String bucket, String key) {
    return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asString(StandardCharsets.UTF_8);
  }

  private static ListObjectVersionsResponse versions(S3Client s3, String bucket, String key) {
    return s3.listObjectVersions(b -> b.bucket(bucket).prefix(key));
  }

  private static void passClean(ObjectReplicator r) {
    assertThat(r.pass().error()).isNull();
  }

  @Test
  void everyNewVersionIsCopiedWithItsMetadata() {
    String bucket = bucket();
    ObjectReplicator r = westToEast(bucket, rule(false, false), "cp");
    regions.westS3.putObject(
        b ->
            b.bucket(bucket)
                .key("doc.json")
                .contentType("application/json")
                .metadata(Map.of("owner", "alice"))
                .tagging(
                    Tagging.builder().tagSet(Tag.builder().key("t").value("1").build()).build()),
        RequestBody.fromString("{\"v\":1}"));
    put(regions.westS3, bucket, "doc.json", "{\"v\":2}");

    passClean(r);

    ListObjectVersionsResponse copies = versions(regions.eastS3, bucket, "doc.json");
    assertThat(copies.versions()).hasSize(2);
    assertThat(read(regions.eastS3, bucket, "doc.json")).isEqualTo("{\"v\":2}");
    String oldest =
        copies.versions().stream().filter(v -> !v.isLatest()).findFirst().orElseThrow().versionId();
    var head = regions.eastS3.headObject(b -> b.bucket(bucket).key("doc.json").versionId(oldest));
    assertThat(head.metadata())
        .containsEntry("owner", "alice")
        .containsEntry(ObjectReplicator.REPLICA_SOURCE, "west")
        .containsKey(ObjectReplicator.REPLICA_OF);
    assertThat(head.contentType()).isEqualTo("application/json");
    assertThat(
            regions
                .eastS3
                .getObjectTagging(b -> b.bucket(bucket).key("doc.json").versionId(oldest))
                .tagSet())
        .extracting(Tag::key, Tag::value)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("t", "1"));
  }

  @Test
  void deleteMarkerReplicationOnReplicatesTheMarker() {
    String bucket = bucket();
    ObjectReplicator r = westToEast(bucket, rule(true, false), "cp");
    put(regions.westS3, bucket, "gone", "x");
    regions.westS3.deleteObject(b -> b.bucket(bucket).key("gone"));

    passClean(r);

    assertThatThrownBy(() -> read(regions.eastS3, bucket, "gone"))
        .isInstanceOf(NoSuchKeyException.class);
    // After a delete, the earlier version exists in both regions.
    assertThat(versions(regions.eastS3, bucket, "gone").versions()).hasSize(1);
    assertThat(versions(regions.westS3, bucket, "gone").versions()).hasSize(1);
    assertThat(versions(regions.eastS3, bucket, "gone").deleteMarkers()).hasSize(1);
  }

  @Test
  void deleteMarkerReplicationOffLeavesTheReplicaReadable() {
    String bucket = bucket();
    ObjectReplicator r = westToEast(bucket, rule(false, false), "cp");
    put(regions.westS3, bucket, "kept", "x");
    regions.westS3.deleteObject(b -> b.bucket(bucket).key("kept"));

    passClean(r);

    assertThat(read(regions.eastS3, bucket, "kept")).isEqualTo("x");
    assertThat(versions(regions.eastS3, bucket, "kept").deleteMarkers()).isEmpty();
    assertThat(r.statusOf("kept"))
        .extracting(m -> m.get("status"))
        .containsExactly("SKIPPED", "COMPLETED");
  }

  @Test
  void deleteOfAVersionIdIsNeverReplicated() {
    String bucket = bucket();
    ObjectReplicator r = westToEast(bucket, rule(true, false), "cp");
    String v1 = put(regions.westS3, bucket, "precious", "v1");
    passClean(r);

    regions.westS3.deleteObject(b -> b.bucket(bucket).key("precious").versionId(v1));
    passClean(r);

    assertThat(versions(regions.westS3, bucket, "precious").versions()).isEmpty();
    assertThat(versions(regions.eastS3, bucket, "precious").versions()).hasSize(1);
    assertThat(read(regions.eastS3, bucket, "precious")).isEqualTo("v1");
  }

  @Test
  void noChainingReplicasAreNotReplicatedAgain() {
    String bucket = bucket();
    ObjectReplicator there = westToEast(bucket, rule(true, true), "w2e");
    ObjectReplicator back = eastToWest(bucket, rule(true, true), "e2w");
    put(regions.westS3, bucket, "once", "x");
    regions.westS3.deleteObject(b -> b.bucket(bucket).key("once"));

    passClean(there);
    passClean(back);
    passClean(there);

    assertThat(versions(regions.westS3, bucket, "once").versions()).hasSize(1);
    assertThat(versions(regions.westS3, bucket, "once").deleteMarkers()).hasSize(1);
    assertThat(versions(regions.eastS3, bucket, "once").versions()).hasSize(1);
    assertThat(versions(regions.eastS3, bucket, "once").deleteMarkers()).hasSize(1);
    assertThat(back.statusOf("once")).extracting(m -> m.get("status")).containsOnly("REPLICA");
  }

  @Test
  void replicaModificationSyncCarriesReplicaTagChangesBack() {
    assertThat(tagsOnTheOriginalAfterAReplicaEdit(true)).containsExactly("edited=yes");
  }

  @Test
  void withoutReplicaModificationSyncReplicaEditsStayOnTheReplica() {
    assertThat(tagsOnTheOriginalAfterAReplicaEdit(false)).isEmpty();
  }

  private List<String> tagsOnTheOriginalAfterAReplicaEdit(boolean sync) {
    String bucket = bucket();
    ObjectReplicator there = westToEast(bucket, rule(false, sync), "w2e");
    ObjectReplicator back = eastToWest(bucket, rule(false, sync), "e2w");
    String original = put(regions.westS3, bucket, "tagged", "x");
    passClean(there);
    passClean(back);
    regions.eastS3.putObjectTagging(
        b ->
            b.bucket(bucket)
                .key("tagged")
                .tagging(
                    Tagging.builder()
                        .tagSet(Tag.builder().key("edited").value("yes").build())
                        .build()));
    back.pass();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> back.pass().error() == null && (!sync || !tags(bucket, original).isEmpty()));
    return tags(bucket, original);
  }

  private static List<String> tags(String bucket, String version) {
    return regions
        .westS3
        .getObjectTagging(b -> b.bucket(bucket).key("tagged").versionId(version))
        .tagSet()
        .stream()
        .map(t -> t.key() + "=" + t.value())
        .toList();
  }

  @Test
  void replicationStatusPerObjectIsPendingThenCompletedFailedOrReplica() {
    String bucket = bucket();
    ObjectReplicator there = westToEast(bucket, rule(false, false), "w2e");
    ObjectReplicator back = eastToWest(bucket, rule(false, false), "e2w");
    put(regions.westS3, bucket, "small", "x");
    put(regions.westS3, bucket, "big", "y".repeat(2048));
    assertThat(there.statusOf("small")).extracting(m -> m.get("status")).containsExactly("PENDING");

    passClean(there);
    passClean(back);

    assertThat(there.statusOf("small"))
        .extracting(m -> m.get("status"))
        .containsExactly("COMPLETED");
    assertThat(there.statusOf("big")).extracting(m -> m.get("status")).containsExactly("FAILED");
    assertThat(back.statusOf("small")).extracting(m -> m.get("status")).containsExactly("REPLICA");
    ReplicationMetrics.Snapshot s = there.metrics().snapshot(java.time.Instant.now());
    assertThat(s.completed()).isEqualTo(1);
    assertThat(s.failed()).isEqualTo(1);
    assertThat(s.pendingOperations()).isZero();
    assertThat(s.latencyP99Millis()).isNotNull();
  }

  @Test
  void catchUpAfterACutLink() throws IOException {
    String bucket = bucket();
    try (CuttableLink link = new CuttableLink(regions.east.endpoint());
        S3Client eastViaLink =
            io.summit.dr.replication.objects.S3Clients.at(link.address(), Duration.ofSeconds(1))) {
      ObjectReplicator r =
          replicator(bucket, rule(true, false), "cp", regions.westS3, eastViaLink, "west", "east");
      put(regions.westS3, bucket, "a", "1");
      passClean(r);
      link.cut();
      put(regions.westS3, bucket, "a", "2");
      put(regions.westS3, bucket, "b", "3");

      ObjectReplicator.PassResult cut = r.pass();

      assertThat(cut.error()).isNotNull();
      ReplicationMetrics.Snapshot during = r.metrics().snapshot(java.time.Instant.now());
      assertThat(during.pendingOperations()).isEqualTo(2);
      assertThat(during.pendingBytes()).isEqualTo(2);
      assertThat(during.oldestPendingAge()).isNotNull();
      link.heal();
      passClean(r);
      assertThat(read(regions.eastS3, bucket, "a")).isEqualTo("2");
      assertThat(read(regions.eastS3, bucket, "b")).isEqualTo("3");
      assertThat(r.metrics().snapshot(java.time.Instant.now()).pendingOperations()).isZero();
    }
  }

  @Test
  void aRestartedReplicatorResumesFromItsCheckpointWithoutCopyingTwice() throws IOException {
    String bucket = bucket();
    ObjectReplicator first = westToEast(bucket, rule(false, false), "cp");
    put(regions.westS3, bucket, "k", "1");
    put(regions.westS3, bucket, "k", "2");
    passClean(first);
    // A crash after the copy of "2" but before its checkpoint line: the line is lost.
    Path cp = dir.resolve("cp");
    List<String> lines = Files.readAllLines(cp);
    Files.write(cp, lines.subList(0, lines.size() - 1));
    put(regions.westS3, bucket, "k", "3");

    ObjectReplicator restarted = westToEast(bucket, rule(false, false), "cp");
    passClean(restarted);

    assertThat(versions(regions.eastS3, bucket, "k").versions()).hasSize(3);
    assertThat(read(regions.eastS3, bucket, "k")).isEqualTo("3");
  }

  @Test
  void twoWaySyncOnFailbackLosesNothing() {
    String bucket = bucket();
    ObjectReplicator there = westToEast(bucket, rule(true, true), "w2e");
    ObjectReplicator back = eastToWest(bucket, rule(true, true), "e2w");
    ObjectWriter west = new ObjectWriter(regions.westS3, bucket, rule(true, true));
    ObjectWriter east = new ObjectWriter(regions.eastS3, bucket, rule(true, true));
    ObjectsAdapter westNode = adapter("west", regions.westS3, bucket);
    ObjectsAdapter eastNode = adapter("east", regions.eastS3, bucket);
    west.put("before", "1".getBytes(StandardCharsets.UTF_8), "text/plain");
    passClean(there);
    // Failover: west fenced, east promoted; east takes writes, west refuses them.
    assertThat(westNode.fence().succeeded()).isTrue();
    assertThat(eastNode.promote().succeeded()).isTrue();
    assertThatThrownBy(() -> west.put("late", new byte[1], "text/plain"))
        .isInstanceOf(ObjectWriter.Refused.class)
        .hasMessageContaining("bucket: '" + bucket + "' is fenced");
    east.put("during", "2".getBytes(StandardCharsets.UTF_8), "text/plain");
    east.delete("before");
    // Failback: two-way sync until both directions are caught up, then switch back.
    passClean(there);
    passClean(back);
    passClean(there);
    assertThat(there.metrics().snapshot(java.time.Instant.now()).pendingOperations()).isZero();
    assertThat(back.metrics().snapshot(java.time.Instant.now()).pendingOperations()).isZero();
    assertThat(eastNode.fence().succeeded()).isTrue();
    assertThat(westNode.rejoin(regions.east.endpoint()).succeeded()).isTrue();
    assertThat(westNode.promote().succeeded()).isTrue();
    assertThat(eastNode.rejoin(regions.west.endpoint()).succeeded()).isTrue();
    assertThat(westNode.observe().role()).isEqualTo(StoreRole.PRIMARY);
    assertThat(eastNode.observe().role()).isEqualTo(StoreRole.REPLICA);

    for (S3Client s3 : List.of(regions.westS3, regions.eastS3)) {
      assertThat(read(s3, bucket, "during")).isEqualTo("2");
      assertThatThrownBy(() -> read(s3, bucket, "before")).isInstanceOf(NoSuchKeyException.class);
      assertThat(versions(s3, bucket, "before").versions()).hasSize(1);
    }
    west.put("after", new byte[] {1}, "application/octet-stream");
  }

  private ObjectsAdapter adapter(String region, S3Client s3, String bucket) {
    return new ObjectsAdapter(
        "objects@" + region,
        region,
        s3,
        bucket,
        List.of(),
        Clock.systemUTC(),
        Duration.ofSeconds(2));
  }

  @Test
  void badInputIsRefusedNamingTheFieldAndChangesNothing() {
    String bucket = bucket();
    ObjectWriter west = new ObjectWriter(regions.westS3, bucket, rule(false, false));
    assertThatThrownBy(() -> west.put("big", new byte[2048], "text/plain"))
        .isInstanceOf(ObjectWriter.Refused.class)
        .hasMessageStartingWith("body: 2048 bytes (expected: at most max_object_bytes 1024)");
    assertThatThrownBy(() -> west.put(".summit/role.json", new byte[1], "text/plain"))
        .isInstanceOf(ObjectWriter.Refused.class)
        .hasMessageStartingWith("key: '.summit/role.json'");
    ObjectWriter missing = new ObjectWriter(regions.westS3, "no-such-bucket", rule(false, false));
    assertThatThrownBy(() -> missing.put("k", new byte[1], "text/plain"))
        .isInstanceOf(ObjectWriter.Refused.class)
        .hasMessageStartingWith("bucket: 'no-such-bucket' does not exist");
    assertThat(west.get("never-written")).isEmpty();
    assertThat(versions(regions.westS3, bucket, "").versions())
        .extracting(v -> v.key())
        .containsExactly(".summit/role.json");
  }

  @Test
  void aNotifiedKeyIsCopiedOnItsOwnWithoutAFullPass() {
    String bucket = bucket();
    ObjectReplicator r = westToEast(bucket, rule(true, false), "cp");
    passClean(r);
    java.time.Instant fullPass =
        r.metrics().snapshot(java.time.Instant.now()).lastCompletePassStartedAt();
    put(regions.westS3, bucket, "quiet", "not notified");
    put(regions.westS3, bucket, "k", "1");
    put(regions.westS3, bucket, "m", "x");
    regions.westS3.deleteObject(b -> b.bucket(bucket).key("m"));
    put(regions.westS3, bucket, "k", "2");

    r.offer("k", java.time.Instant.now());
    r.offer("m", java.time.Instant.now());
    r.offer(".summit/role.json", java.time.Instant.now());
    assertThat(r.hasEvents()).isTrue();
    ObjectReplicator.PassResult batch = r.events();

    assertThat(batch.error()).isNull();
    assertThat(batch.settled()).as("k's two versions, m's version and its marker").isEqualTo(4);
    assertThat(versions(regions.eastS3, bucket, "k").versions()).hasSize(2);
    assertThat(read(regions.eastS3, bucket, "k")).isEqualTo("2");
    assertThat(versions(regions.eastS3, bucket, "m").deleteMarkers()).hasSize(1);
    assertThat(r.hasEvents()).isFalse();
    // only the notified keys: the other new version waits for the next full pass
    assertThatThrownBy(() -> read(regions.eastS3, bucket, "quiet"))
        .isInstanceOf(NoSuchKeyException.class);
    assertThat(r.metrics().snapshot(java.time.Instant.now()).lastCompletePassStartedAt())
        .isEqualTo(fullPass);
    passClean(r);
    assertThat(read(regions.eastS3, bucket, "quiet")).isEqualTo("not notified");
  }

  @Test
  void aNotificationThatCannotBeHandledStaysPendingUntilTheLinkHeals() throws IOException {
    String bucket = bucket();
    try (CuttableLink link = new CuttableLink(regions.east.endpoint());
        S3Client eastViaLink =
            io.summit.dr.replication.objects.S3Clients.at(link.address(), Duration.ofSeconds(1))) {
      ObjectReplicator r =
          replicator(bucket, rule(true, false), "cp", regions.westS3, eastViaLink, "west", "east");
      passClean(r);
      link.cut();
      put(regions.westS3, bucket, "a", "1");
      r.offer("a", java.time.Instant.now());

      ObjectReplicator.PassResult cut = r.events();

      assertThat(cut.error()).isNotNull();
      assertThat(r.hasEvents()).isTrue();
      ReplicationMetrics.Snapshot during = r.metrics().snapshot(java.time.Instant.now());
      assertThat(during.pendingOperations()).isPositive();
      assertThat(during.oldestPendingAge()).isNotNull();
      assertThat(r.heartbeat().reached()).isFalse();
      link.heal();
      assertThat(r.events().error()).isNull();
      assertThat(read(regions.eastS3, bucket, "a")).isEqualTo("1");
      assertThat(r.metrics().snapshot(java.time.Instant.now()).pendingOperations()).isZero();
      assertThat(r.heartbeat()).isEqualTo(new ObjectReplicator.Beat(true, false));
    }
  }

  @Test
  void theWriterNotifiesTheReplicatorTheBucketNames() throws Exception {
    String bucket = bucket();
    java.util.concurrent.BlockingQueue<String> received =
        new java.util.concurrent.LinkedBlockingQueue<>();
    com.sun.net.httpserver.HttpServer server =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v1/events",
        x -> {
          received.add(
              x.getRequestMethod()
                  + " "
                  + x.getRequestHeaders().getFirst("Authorization")
                  + " "
                  + new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          x.sendResponseHeaders(202, -1);
          x.close();
        });
    server.start();
    try {
      io.summit.dr.replication.Endpoint at =
          new io.summit.dr.replication.Endpoint("127.0.0.1", server.getAddress().getPort());
      new io.summit.dr.replication.objects.BucketNotification(at).write(regions.westS3, bucket);
      Path tokenFile = dir.resolve("services.token");
      Files.writeString(tokenFile, "a-services-token");
      Files.setPosixFilePermissions(
          tokenFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      var notifier =
          new io.summit.dr.replication.objects.ReplicatorNotifier(
              regions.westS3,
              bucket,
              e -> e,
              Duration.ofSeconds(1),
              Clock.systemUTC(),
              io.summit.dr.access.BearerToken.read("--token-file", tokenFile),
              null);
      ObjectWriter west = new ObjectWriter(regions.westS3, bucket, rule(true, false), notifier);

      west.put("doc", bytes("{}"), "application/json");
      west.delete("doc");

      String first = received.poll(5, java.util.concurrent.TimeUnit.SECONDS);
      String second = received.poll(5, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(first)
          .startsWith("POST Bearer a-services-token ")
          .contains("\"key\":\"doc\"")
          .contains("written_at_ms");
      assertThat(second).startsWith("POST ").contains("\"key\":\"doc\"");
      assertThat(notifier.failures()).isZero();
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aPinnedObjectIsNeverReplicatedByPrefix() {
    String bucket = bucket();
    ObjectReplicator r =
        westToEast(bucket, rule(true, false), residency(byPrefix("pii", "pii/", "west")));
    put(regions.westS3, bucket, "pii/a", "1");
    put(regions.westS3, bucket, "pii/big", "y".repeat(2048));
    put(regions.westS3, bucket, "pii/gone", "x");
    regions.westS3.deleteObject(b -> b.bucket(bucket).key("pii/gone"));
    put(regions.westS3, bucket, "public/b", "2");

    passClean(r);

    assertThat(read(regions.eastS3, bucket, "public/b")).isEqualTo("2");
    assertThat(versions(regions.eastS3, bucket, "pii/").versions()).isEmpty();
    assertThat(versions(regions.eastS3, bucket, "pii/").deleteMarkers()).isEmpty();
    assertThat(versions(regions.eastS3, bucket, ObjectReplicator.INTENTS).versions()).isEmpty();
    assertThat(statuses(r, "pii/a")).containsExactly("SKIPPED");
    assertThat(statuses(r, "pii/big")).as("pinned, not FAILED").containsExactly("SKIPPED");
    assertThat(statuses(r, "pii/gone")).containsExactly("SKIPPED", "SKIPPED");
    assertThat(pending(r)).isZero();

    // a writer's notification of a new version: settled alone, and still not copied
    put(regions.westS3, bucket, "pii/a", "3");
    r.offer("pii/a", java.time.Instant.now());
    ObjectReplicator.PassResult batch = r.events();

    assertThat(batch.error()).isNull();
    assertThat(batch.settled()).isEqualTo(1);
    assertThat(versions(regions.eastS3, bucket, "pii/").versions()).isEmpty();
    assertThat(statuses(r, "pii/a")).containsExactly("SKIPPED", "SKIPPED");
    assertThat(pending(r)).isZero();
    assertThat(r.hasEvents()).isFalse();
  }

  @Test
  void aPinnedObjectIsNeverReplicatedByTags() {
    String bucket = bucket();
    ObjectReplicator r =
        westToEast(
            bucket, rule(true, false), residency(byTag("pii", "residency", "west-only", "west")));
    Map<String, String> pinned = Map.of("residency", "west-only", "owner", "alice");
    putTagged(regions.westS3, bucket, "doc", "1", pinned);
    putTagged(regions.westS3, bucket, "big", "y".repeat(2048), pinned);
    putTagged(regions.westS3, bucket, "free", "2", Map.of("residency", "anywhere"));
    putTagged(regions.westS3, bucket, "secret", "3", pinned);
    regions.westS3.deleteObject(b -> b.bucket(bucket).key("secret"));
    put(regions.westS3, bucket, "plain", "4");
    regions.westS3.deleteObject(b -> b.bucket(bucket).key("plain"));

    passClean(r);

    assertThat(read(regions.eastS3, bucket, "free")).isEqualTo("2");
    assertThat(versions(regions.eastS3, bucket, "plain").deleteMarkers())
        .as("a marker hiding an untagged version is copied")
        .hasSize(1);
    for (String key : List.of("doc", "big", "secret")) {
      assertThat(versions(regions.eastS3, bucket, key).versions()).as(key).isEmpty();
      assertThat(versions(regions.eastS3, bucket, key).deleteMarkers()).as(key).isEmpty();
    }
    assertThat(statuses(r, "doc")).containsExactly("SKIPPED");
    assertThat(statuses(r, "big")).containsExactly("SKIPPED");
    assertThat(statuses(r, "secret"))
        .as("the marker hides a pinned version")
        .containsExactly("SKIPPED", "SKIPPED");
    assertThat(statuses(r, "free")).containsExactly("COMPLETED");
    assertThat(pending(r)).isZero();

    putTagged(regions.westS3, bucket, "doc", "5", pinned);
    r.offer("doc", java.time.Instant.now());
    ObjectReplicator.PassResult batch = r.events();

    assertThat(batch.error()).isNull();
    assertThat(versions(regions.eastS3, bucket, "doc").versions()).isEmpty();
    assertThat(statuses(r, "doc")).containsExactly("SKIPPED", "SKIPPED");
    assertThat(pending(r)).isZero();
  }

  @Test
  void anObjectOfAClassThatAllowsTheDestinationIsReplicated() {
    String bucket = bucket();
    ObjectReplicator r =
        westToEast(
            bucket,
            rule(true, false),
            residency(
                byPrefix("eu", "eu/", "west", "east"),
                byTag("eu-tagged", "residency", "eu", "east", "west"),
                byPrefix("west-only", "local/", "west")));
    put(regions.westS3, bucket, "eu/a", "1");
    put(regions.westS3, bucket, "eu/gone", "x");
    regions.westS3.deleteObject(b -> b.bucket(bucket).key("eu/gone"));
    putTagged(regions.westS3, bucket, "tagged", "2", Map.of("residency", "eu"));
    put(regions.westS3, bucket, "local/c", "3");

    passClean(r);

    assertThat(read(regions.eastS3, bucket, "eu/a")).isEqualTo("1");
    assertThat(versions(regions.eastS3, bucket, "eu/gone").deleteMarkers()).hasSize(1);
    assertThat(read(regions.eastS3, bucket, "tagged")).isEqualTo("2");
    assertThat(statuses(r, "eu/gone")).containsExactly("COMPLETED", "COMPLETED");
    assertThat(statuses(r, "tagged")).containsExactly("COMPLETED");
    assertThat(versions(regions.eastS3, bucket, "local/").versions())
        .as("another class in the same pass does not allow east")
        .isEmpty();
    assertThat(statuses(r, "local/c")).containsExactly("SKIPPED");
    assertThat(pending(r)).isZero();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
