package io.summit.dr.drill;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.lab.Lab;
import io.summit.dr.lab.TestLabs;
import io.summit.dr.replication.objects.S3Clients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;

/**
 * The sample service and the drills on a lab whose topology has an objects store: every entity also
 * gets {@code entities/ID.json}, a delete leaves a delete marker over its versions in both regions,
 * and a switchover's audit reads the buckets with the other stores.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
// Out of the default run since 2026-12-02: on that day's machine (slow page faults and process
// starts) the objects lab under this test's writes made the writer region's agent miss its lease
// renewals and fence its primaries over and over, and the service got no PostgreSQL connection for
// over 60 s (a fresh-clone CI run). Run it with -Dsummit.excludedGroups=long-drill.
@org.junit.jupiter.api.Tag("objects-lab")
class DrillObjectsLabTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private Lab lab;

  @BeforeAll
  void up() throws Exception {
    lab = TestLabs.prepare("drill-objects", TestLabs::withObjectsStore);
    lab.up(TestLabs.config(lab), System.out::println);
  }

  @AfterAll
  void down() {
    if (lab != null) {
      TestLabs.down(lab);
    }
  }

  private HttpResponse<String> send(String method, String url, String body) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .method(
                    method,
                    body.isEmpty()
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** The region's first service instance. */
  private String instance(String region) {
    return "http://" + lab.layout().instanceSlots(region).get(0);
  }

  @Test
  @Order(1)
  void anEntityGetsItsDocumentInBothRegionsAndADeleteLeavesAMarkerOverItsVersions()
      throws Exception {
    // the lab has just come up: its first writes may time out while its JVMs are cold (a CI run
    // saw one), and the insert is idempotent by id, so the first document is retried until taken
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(
            () ->
                send(
                        "POST",
                        instance("us-west-2") + "/entities",
                        "{\"id\":\"doc-1\",\"seq\":1,\"payload\":\"first\"}")
                    .statusCode(),
            status -> status == 201);

    // us-east-1 reads its own bucket's copy once replication brought it
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> send("GET", instance("us-east-1") + "/entities/doc-1/object", "").statusCode(),
            s -> s == 200);
    JsonNode doc =
        JSON.readTree(send("GET", instance("us-east-1") + "/entities/doc-1/object", "").body());
    assertThat(doc.path("payload").asText()).isEqualTo("first");
    assertThat(doc.path("seq").asLong()).isEqualTo(1);

    HttpResponse<String> deleted = send("DELETE", instance("us-east-1") + "/entities/doc-1", "");
    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
    assertThat(JSON.readTree(deleted.body()).path("writer_region").asText()).isEqualTo("us-west-2");
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> send("GET", instance("us-east-1") + "/entities/doc-1/object", "").statusCode(),
            s -> s == 404);
    assertThat(send("GET", instance("us-west-2") + "/entities/doc-1/object", "").statusCode())
        .isEqualTo(404);
    // the earlier version stays in both regions, under the delete marker
    var rule = lab.topology().store("objects").orElseThrow().objectRule();
    for (String region : new String[] {"us-west-2", "us-east-1"}) {
      try (S3Client s3 =
          S3Clients.at(
              lab.layout().store(io.summit.dr.topology.StoreKind.OBJECTS, region),
              Duration.ofSeconds(5))) {
        ListObjectVersionsResponse v =
            s3.listObjectVersions(b -> b.bucket(rule.bucket(region)).prefix("entities/doc-1.json"));
        assertThat(v.versions()).as(region).hasSize(1);
        assertThat(v.deleteMarkers()).as(region).hasSize(1);
      }
    }
  }

  @Test
  @Order(2)
  void theAuditFindsADocumentInTheBucketOfEachRegionAndMissesADeletedOne() throws Exception {
    HttpResponse<String> created =
        send(
            "POST",
            "http://" + lab.layout().edgeRouter() + "/entities",
            "{\"id\":\"doc-2\",\"seq\":2,\"payload\":\"second\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    io.summit.dr.topology.Store store = lab.topology().store("objects").orElseThrow();

    for (String region : new String[] {"us-west-2", "us-east-1"}) {
      var node = lab.layout().store(io.summit.dr.topology.StoreKind.OBJECTS, region);
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> StoreAudit.missing(store, region, node, java.util.List.of("doc-2")),
              java.util.Set::isEmpty);
      assertThat(StoreAudit.missing(store, region, node, java.util.List.of("doc-1", "doc-2")))
          .as("doc-1 was deleted: a delete marker is its current version")
          .containsExactly("doc-1");
    }
  }

  @Test
  @Order(3)
  void aReplicasPositionPassesThePrimarysOnceAReplicationPassStartedLaterSettledEverything()
      throws Exception {
    HttpResponse<String> created =
        send(
            "POST",
            "http://" + lab.layout().edgeRouter() + "/entities",
            "{\"id\":\"doc-3\",\"seq\":3,\"payload\":\"third\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    try (var primary = lab.adapter("objects-us-west-2");
        var replica = lab.adapter("objects-us-east-1")) {
      var p = primary.observe();
      assertThat(p.role()).isEqualTo(io.summit.dr.replication.StoreRole.PRIMARY);
      long at = Long.parseLong(java.util.Objects.requireNonNull(p.position()));
      assertThat(at).isEqualTo(p.observedAt().toEpochMilli());

      // what the switchover's catch-up waits for: the replica's position at or past the primary's
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> replica.observe().position(), r -> r != null && Long.parseLong(r) >= at);
    }
    // and by then the replica's bucket holds the document written before the primary's position
    io.summit.dr.topology.Store store = lab.topology().store("objects").orElseThrow();
    assertThat(
            StoreAudit.missing(
                store,
                "us-east-1",
                lab.layout().store(io.summit.dr.topology.StoreKind.OBJECTS, "us-east-1"),
                java.util.List.of("doc-3")))
        .isEmpty();
  }
}
