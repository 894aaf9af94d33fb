package io.summit.dr.lab.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.summit.dr.lab.Lab;
import io.summit.dr.lab.TestLabs;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.topology.StoreKind;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The orchestrator of a real lab (its own OS process, started by {@code lab up}) driven through a
 * switchover and failback under a write load, a bad request, an RPO-guarded failover of a killed
 * region (refused with 409 before any step, then forced), and the old primary's return.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OrchestratorLabTest {
  private static final String WEST = "us-west-2";
  private static final String EAST = "us-east-1";

  private Lab lab;
  private Api api;

  @BeforeAll
  void up() throws Exception {
    lab = TestLabs.prepare("orchestrator-test");
    lab.up(TestLabs.config(lab), line -> {});
    api = new Api(lab);
    await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/v1/status").status() == 200);
  }

  @Test
  @Order(0)
  void everyControlDaemonOfTheLabRefusesACallerWithoutATokenAndAnswersAViewer() throws Exception {
    Map<String, String> reads =
        Map.of(
            "orchestrator", "/v1/replica",
            "router", "/v1/routing",
            "observer", "/v1/view",
            "agent", "/v1/agent",
            "cluster", "/v1/cluster",
            "wan", "/v1/links",
            "pager", "/v1/notices");
    String viewer =
        java.util.Objects.requireNonNull(
                io.summit.dr.lab.LabAccess.token(lab.dir(), io.summit.dr.lab.LabAccess.VIEWER))
            .authorization();
    Set<String> seen = new HashSet<>();
    try (java.net.http.HttpClient http = trustingTheLab()) {
      for (io.summit.dr.lab.LabComponent c : lab.requireState().components()) {
        String path = reads.get(c.kind());
        if (path == null) {
          continue;
        }
        seen.add(c.kind());
        java.net.URI at = io.summit.dr.lab.LabTls.base(c);
        assertThat(at.getScheme())
            .as(c.name() + "'s scheme")
            .isEqualTo(io.summit.dr.lab.LabTls.SERVED.contains(c.kind()) ? "https" : "http");
        java.net.http.HttpRequest.Builder read =
            java.net.http.HttpRequest.newBuilder(at.resolve(path)).timeout(Duration.ofSeconds(5));
        assertThat(
                http.send(read.build(), java.net.http.HttpResponse.BodyHandlers.discarding())
                    .statusCode())
            .as(c.name() + " " + path + " without a token")
            .isEqualTo(401);
        assertThat(
                http.send(
                        read.copy().header("Authorization", viewer).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding())
                    .statusCode())
            .as(c.name() + " " + path + " as lab-viewer")
            .isEqualTo(200);
        if (!c.kind().equals("wan")) {
          assertThat(
                  http.send(
                          java.net.http.HttpRequest.newBuilder(at.resolve("/healthz")).build(),
                          java.net.http.HttpResponse.BodyHandlers.discarding())
                      .statusCode())
              .as(c.name() + " /healthz without a token")
              .isEqualTo(200);
        }
      }
    }
    assertThat(seen).containsAll(reads.keySet());
    java.nio.file.Path access = io.summit.dr.lab.LabAccess.directory(lab.dir());
    assertThat(java.nio.file.Files.getPosixFilePermissions(access))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    try (var files = java.nio.file.Files.list(access)) {
      for (java.nio.file.Path f : files.toList()) {
        assertThat(java.nio.file.Files.getPosixFilePermissions(f))
            .as(f.toString())
            .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      }
    }

    // lab-viewer's token rotated with every daemon running: the new one is taken, the old refused
    io.summit.dr.lab.LabAccess.Rotation r =
        io.summit.dr.lab.LabAccess.rotate(lab, io.summit.dr.lab.LabAccess.VIEWER, line -> {});
    String rotated =
        java.util.Objects.requireNonNull(
                io.summit.dr.lab.LabAccess.token(lab.dir(), io.summit.dr.lab.LabAccess.VIEWER))
            .authorization();
    assertThat(rotated).isNotEqualTo(viewer);
    int guarded = 0;
    try (java.net.http.HttpClient http = trustingTheLab()) {
      for (io.summit.dr.lab.LabComponent c : lab.requireState().components()) {
        String path = reads.get(c.kind());
        if (path == null) {
          continue;
        }
        guarded++;
        java.net.http.HttpRequest.Builder read =
            java.net.http.HttpRequest.newBuilder(io.summit.dr.lab.LabTls.base(c).resolve(path))
                .timeout(Duration.ofSeconds(5));
        for (String[] token : new String[][] {{viewer, "401"}, {rotated, "200"}}) {
          assertThat(
                  http.send(
                          read.copy().header("Authorization", token[0]).build(),
                          java.net.http.HttpResponse.BodyHandlers.discarding())
                      .statusCode())
              .as(c.name() + " " + path + " after the rotation")
              .isEqualTo(Integer.parseInt(token[1]));
        }
      }
    }
    assertThat(r.servers()).isEqualTo(guarded);
  }

  private java.net.http.HttpClient trustingTheLab() {
    return java.net.http.HttpClient.newBuilder()
        .sslContext(java.util.Objects.requireNonNull(io.summit.dr.lab.LabTls.trust(lab.dir())))
        .build();
  }

  @Test
  @Order(0)
  void theOrchestratorsListenWithTlsUnderTheLabsAuthorityAndRefusePlainHttp() throws Exception {
    java.nio.file.Path tls = io.summit.dr.lab.LabTls.directory(lab.dir());
    assertThat(java.nio.file.Files.getPosixFilePermissions(tls))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    List<io.summit.dr.lab.LabComponent> replicas =
        lab.requireState().components().stream()
            .filter(c -> c.kind().equals("orchestrator"))
            .toList();
    assertThat(replicas).isNotEmpty();
    try (java.net.http.HttpClient trusting = trustingTheLab();
        java.net.http.HttpClient jdkTrust = java.net.http.HttpClient.newHttpClient()) {
      for (io.summit.dr.lab.LabComponent c : replicas) {
        java.net.URI https = io.summit.dr.lab.LabTls.base(c).resolve("/healthz");
        assertThat(https.getScheme()).isEqualTo("https");
        assertThat(
                trusting
                    .send(
                        java.net.http.HttpRequest.newBuilder(https)
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding())
                    .statusCode())
            .as(c.name() + " over TLS, trusting the lab's authority")
            .isEqualTo(200);
        // a client that trusts only the JDK's authorities refuses the lab's certificate
        assertThatThrownBy(
                () ->
                    jdkTrust.send(
                        java.net.http.HttpRequest.newBuilder(https)
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding()))
            .as(c.name() + " trusting the JDK's authorities only")
            .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
        // plain HTTP gets no answer: nothing (a token included) travels in clear
        java.net.URI plain =
            java.net.URI.create("http://" + c.host() + ":" + c.port() + "/healthz");
        assertThatThrownBy(
                () ->
                    jdkTrust.send(
                        java.net.http.HttpRequest.newBuilder(plain)
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding()))
            .as(c.name() + " over plain HTTP")
            .isInstanceOf(java.io.IOException.class);
      }
    }
  }

  @AfterAll
  void down() {
    if (lab != null) {
      TestLabs.down(lab);
    }
  }

  @Test
  @Order(1)
  void switchoverUnderAWriteLoadLosesNoAcknowledgedWrite() throws Exception {
    WriteLoad load = new WriteLoad(api);
    await().atMost(Duration.ofSeconds(20)).until(() -> load.acked.size() > 50);

    JsonNode plan = api.post("/v1/plans", Map.of("kind", "switchover", "to", EAST)).body();
    JsonNode done = api.awaitPlanEnd(plan.get("id").asText(), Duration.ofSeconds(90));
    int ackedAtEnd = load.acked.size();
    await().atMost(Duration.ofSeconds(20)).until(() -> load.acked.size() > ackedAtEnd + 50);
    load.close();

    assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("succeeded");
    assertThat(api.get("/v1/status").body().get("writer_region").asText()).isEqualTo(EAST);
    assertEveryAckedWriteIsIn(EAST, load.acked);
  }

  @Test
  @Order(2)
  void failbackReturnsTheWriterToUsWest2AndLosesNothing() throws Exception {
    WriteLoad load = new WriteLoad(api);
    await().atMost(Duration.ofSeconds(20)).until(() -> load.acked.size() > 50);

    JsonNode plan = api.post("/v1/plans", Map.of("kind", "failback")).body();
    JsonNode done = api.awaitPlanEnd(plan.get("id").asText(), Duration.ofSeconds(90));
    load.close();

    assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("succeeded");
    assertThat(api.get("/v1/status").body().get("writer_region").asText()).isEqualTo(WEST);
    assertEveryAckedWriteIsIn(WEST, load.acked);
  }

  @Test
  @Order(3)
  void badPlanRequestsGetA4xxNamingTheFieldAndChangeNothing() throws Exception {
    int plans = api.get("/v1/plans").body().get("plans").size();

    Api.Reply unknownRegion = api.post("/v1/plans", Map.of("kind", "failover", "to", "eu-west-1"));
    Api.Reply badKind = api.post("/v1/plans", Map.of("kind", "teleport", "to", EAST));
    Api.Reply unknownField =
        api.post("/v1/plans", Map.of("kind", "failover", "to", EAST, "hurry", true));
    Api.Reply notJson = api.postRaw("/v1/plans", "{kind: failover");
    Api.Reply approveNothing = api.post("/v1/plans/no-such-plan/approve", Map.of());

    assertThat(unknownRegion.status()).isEqualTo(400);
    assertThat(unknownRegion.body().get("error").asText()).startsWith("to: 'eu-west-1'");
    assertThat(badKind.body().get("error").asText()).startsWith("kind: 'teleport'");
    assertThat(unknownField.body().get("error").asText()).startsWith("hurry: unknown field");
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(approveNothing.status()).isEqualTo(400);
    assertThat(api.get("/v1/plans").body().get("plans")).hasSize(plans);
    assertThat(api.get("/v1/status").body().get("writer_region").asText()).isEqualTo(WEST);
  }

  @Test
  @Order(4)
  void failoverIsRefusedWhenTheReplicaLagsBeyondTheBudgetAndForceGoesThroughRecorded()
      throws Exception {
    lab.slowLink(WEST, EAST, Duration.ofMillis(1500));
    WriteLoad load = new WriteLoad(api);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              JsonNode postgres = store(api.get("/v1/status").body(), "postgres", EAST);
              assertThat(postgres.get("lag_seconds").asDouble()).isGreaterThan(0.5);
            });
    load.close();
    lab.killRegion(WEST);

    int plans = api.get("/v1/plans").body().get("plans").size();
    Api.Reply refused = api.post("/v1/plans", Map.of("kind", "failover", "to", EAST));
    assertThat(api.get("/v1/plans").body().get("plans")).hasSize(plans);
    JsonNode forced =
        api.awaitPlanEnd(
            api.post("/v1/plans", Map.of("kind", "failover", "to", EAST, "force", true))
                .body()
                .get("id")
                .asText(),
            Duration.ofSeconds(30));

    // Refused by the same pre-checks as an automatic failover, before any step: the lag over the
    // slow link is over budget or, its figures older than the link's delay, unknown.
    assertThat(refused.status()).as(refused.body().toString()).isEqualTo(409);
    assertThat(refused.body().get("forcible").asBoolean()).isTrue();
    assertThat(refused.body().get("reasons").toString())
        .containsPattern("> budget 500ms|lag unknown|no lag measured");
    assertThat(forced.get("state").asText()).as(forced.toString()).isEqualTo("succeeded");
    assertThat(forced.get("forced").asBoolean()).isTrue();
    assertThat(forced.toString()).contains("FORCED by operator");
    assertThat(api.get("/v1/audit").body().toString()).contains("\"force\":true");
    assertThat(api.get("/v1/status").body().get("writer_region").asText()).isEqualTo(EAST);
  }

  @Test
  @Order(5)
  void theOldPrimaryComingBackIsFencedAndRefusesWrites() throws Exception {
    lab.heal();
    lab.restart("postgres-" + WEST);
    lab.restart("redis-" + WEST);

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              JsonNode status = api.get("/v1/status").body();
              assertThat(store(status, "postgres", WEST).get("role").asText()).isEqualTo("fenced");
              assertThat(store(status, "redis", WEST).get("role").asText()).isEqualTo("fenced");
            });
    Endpoint pg = lab.layout().store(StoreKind.POSTGRES, WEST);
    try (Connection c =
            DriverManager.getConnection("jdbc:postgresql://" + pg + "/postgres?user=postgres");
        Statement s = c.createStatement()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> s.execute("insert into acked values (-1)"))
          .hasMessageContaining("read-only transaction");
    }
    assertThat(api.get("/v1/events/recent").body().toString()).contains("fenced-returning-primary");
  }

  private static JsonNode store(JsonNode status, String name, String region) {
    for (JsonNode s : status.get("stores")) {
      if (s.get("name").asText().equals(name) && s.get("region").asText().equals(region)) {
        return s;
      }
    }
    throw new AssertionError("no store " + name + "@" + region + " in " + status);
  }

  private void assertEveryAckedWriteIsIn(String region, List<Long> acked) throws SQLException {
    Endpoint pg = lab.layout().store(StoreKind.POSTGRES, region);
    Set<Long> stored = new HashSet<>();
    try (Connection c =
            DriverManager.getConnection("jdbc:postgresql://" + pg + "/postgres?user=postgres");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select id from acked")) {
      while (rs.next()) {
        stored.add(rs.getLong(1));
      }
    }
    assertThat(stored).as("acknowledged writes in postgres@" + region).containsAll(acked);
    Endpoint rd = lab.layout().store(StoreKind.REDIS, region);
    RedisClient client = RedisClient.create();
    try (StatefulRedisConnection<String, String> r =
        client.connect(RedisURI.create(rd.host(), rd.port()))) {
      long present = acked.stream().filter(id -> r.sync().exists("acked:" + id) == 1).count();
      assertThat(present).as("acknowledged writes in redis@" + region).isEqualTo(acked.size());
    } finally {
      client.shutdown();
    }
  }
}
