package io.summit.dr.orchestrator.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.summit.dr.orchestrator.AuditLog;
import io.summit.dr.orchestrator.Events;
import io.summit.dr.orchestrator.discovery.Discovery;
import io.summit.dr.orchestrator.plan.PlanKind;
import io.summit.dr.orchestrator.plan.PlanStatus;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ControlClientTest {
  private static final Instant AT = Instant.parse("2026-12-01T02:00:00Z");
  private static final PlanStatus PLAN =
      new PlanStatus(
          "p1",
          PlanKind.SWITCHOVER,
          "us-west-2",
          "us-east-1",
          false,
          "alice",
          "running",
          AT,
          null,
          null,
          List.of(
              new PlanStatus.StepStatus(
                  "fence-postgres",
                  "fence",
                  "us-west-2",
                  "postgres",
                  null,
                  "done",
                  0.0,
                  0.125,
                  "applied",
                  "read-only"),
              new PlanStatus.StepStatus(
                  "promote-postgres",
                  "promote",
                  "us-east-1",
                  "postgres",
                  null,
                  "pending",
                  null,
                  null,
                  null,
                  null)));

  private final List<FakeReplica> replicas = new ArrayList<>();
  private final List<ControlClient> clients = new ArrayList<>();

  @AfterEach
  void stop() {
    clients.forEach(ControlClient::close);
    replicas.forEach(FakeReplica::close);
  }

  private FakeReplica keep(FakeReplica r) {
    replicas.add(r);
    return r;
  }

  private ControlClient client(URI... uris) {
    ControlClient c =
        ControlClient.of(
            List.of(uris),
            new ControlClient.Settings(Duration.ofMillis(500), Duration.ofSeconds(2)));
    clients.add(c);
    return c;
  }

  private static Map<String, Object> statusDocument() {
    Map<String, Object> store = new LinkedHashMap<>();
    store.put("name", "postgres");
    store.put("kind", "postgres");
    store.put("region", "us-east-1");
    store.put("role", "replica");
    store.put("lag_bytes", 512);
    store.put("lag_seconds", 0.25);
    store.put("lag_measured_at", "a field this client does not know yet");
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("writer_region", "us-west-2");
    status.put("regions", Map.of("us-west-2", Map.of("writer", true, "failed", false)));
    status.put("stores", List.of(store));
    status.put("running_plan", "p1");
    status.put("last_plan", PLAN);
    return status;
  }

  @Test
  void readsTheStatusWithStoresAndTheLastPlanTyped() {
    FakeReplica leader =
        keep(FakeReplica.leader().reply("GET", "/v1/status", 200, statusDocument()));

    Status s = client(leader.uri()).status();

    assertThat(s.writerRegion()).isEqualTo("us-west-2");
    assertThat(s.regions())
        .hasEntrySatisfying("us-west-2", v -> assertThat(v.path("writer").asBoolean()).isTrue());
    assertThat(s.stores())
        .containsExactly(
            new StoreStatus("postgres", "postgres", "us-east-1", "replica", 512L, 0.25));
    assertThat(s.runningPlan()).isEqualTo("p1");
    assertThat(s.lastPlan()).isEqualTo(PLAN);
  }

  @Test
  void readsPlansEventsAuditAndDiscoveryTyped() {
    Events.Event event = new Events.Event(7, "plan-started", AT, Map.of("plan", "p1"));
    AuditLog.Entry entry =
        new AuditLog.Entry(AT, "alice", "switchover", Map.of("to", "us-east-1"), "started p1");
    Discovery.Snapshot snapshot =
        new Discovery.Snapshot(
            4,
            "us-east-1",
            2,
            Map.of(
                "postgres",
                new Discovery.StoreEndpoints(
                    "127.0.0.1:5433", Map.of("us-west-2", "127.0.0.1:5432"))));
    FakeReplica leader =
        keep(
            FakeReplica.leader()
                .reply("GET", "/v1/plans", 200, Map.of("plans", List.of(PLAN)))
                .reply("GET", "/v1/plans/p1", 200, PLAN)
                .reply("GET", "/v1/events/recent", 200, Map.of("events", List.of(event)))
                .reply("GET", "/v1/audit", 200, Map.of("entries", List.of(entry)))
                .reply("GET", "/v1/endpoints", 200, snapshot)
                .reply("GET", "/v1/endpoints?version=3&wait=1s", 200, snapshot));
    ControlClient c = client(leader.uri());

    assertThat(c.plans()).containsExactly(PLAN);
    assertThat(c.plan("p1")).isEqualTo(PLAN);
    assertThat(c.recentEvents()).containsExactly(event);
    assertThat(c.audit()).containsExactly(entry);
    assertThat(c.endpoints()).isEqualTo(snapshot);
    assertThat(c.awaitEndpoints(3, Duration.ofSeconds(1))).isEqualTo(snapshot);
  }

  @Test
  void statusDocumentKeepsEveryFieldTheOrchestratorSent() {
    FakeReplica leader =
        keep(FakeReplica.leader().reply("GET", "/v1/status", 200, statusDocument()));

    JsonNode doc = client(leader.uri()).statusDocument();

    assertThat(doc.at("/stores/0/lag_measured_at").asText())
        .isEqualTo("a field this client does not know yet");
  }

  @Test
  void aFollowerRedirectsAPlanRequestToTheLeaderWhichGetsTheSameBody() {
    FakeReplica leader = keep(FakeReplica.leader().reply("POST", "/v1/plans", 202, PLAN));
    FakeReplica follower = keep(FakeReplica.follower(leader));
    ControlClient c = client(follower.uri(), leader.uri());

    PlanStatus started = c.request(PlanRequest.switchover("us-east-1", "alice"));

    assertThat(started).isEqualTo(PLAN);
    assertThat(follower.received()).hasSize(1);
    assertThat(leader.received())
        .containsExactly(
            new FakeReplica.Received(
                "POST",
                "/v1/plans",
                "{\"kind\":\"switchover\",\"to\":\"us-east-1\",\"requested_by\":\"alice\"}"));
    assertThat(c.lastLeader()).isEqualTo(leader.uri());
  }

  @Test
  void a308RedirectIsFollowedLikeA307() {
    FakeReplica leader =
        keep(FakeReplica.leader().reply("POST", "/v1/plans/p1/approve", 200, PLAN));
    FakeReplica follower =
        keep(
            FakeReplica.leader()
                .behave(new FakeReplica.Behaviour.Follow(leader.uri(), 308, false)));

    PlanStatus approved = client(follower.uri()).approve("p1", "bob");

    assertThat(approved.id()).isEqualTo("p1");
    assertThat(leader.received().get(0).body()).isEqualTo("{\"by\":\"bob\"}");
  }

  @Test
  void aFollowerThatServesReadsItselfAnswersThemWithoutARedirect() {
    FakeReplica leader = keep(FakeReplica.leader());
    FakeReplica follower =
        keep(
            FakeReplica.leader()
                .reply("GET", "/v1/plans", 200, Map.of("plans", List.of(PLAN)))
                .behave(new FakeReplica.Behaviour.Follow(leader.uri(), 307, false)));

    assertThat(client(follower.uri(), leader.uri()).plans()).containsExactly(PLAN);
    assertThat(leader.received()).isEmpty();
  }

  @Test
  void aDeadReplicaIsPassedOverAndTheOneThatAnsweredIsAskedFirstNextTime() {
    URI dead = FakeReplica.dead();
    FakeReplica busy = keep(FakeReplica.unavailable("no leader elected yet"));
    FakeReplica leader =
        keep(FakeReplica.leader().reply("GET", "/v1/status", 200, statusDocument()));
    ControlClient c = client(dead, busy.uri(), leader.uri());

    assertThat(c.status().writerRegion()).isEqualTo("us-west-2");
    assertThat(busy.received()).hasSize(1);
    assertThat(c.lastLeader()).isEqualTo(leader.uri());

    c.status();
    assertThat(busy.received()).as("the last leader is asked first").hasSize(1);
    assertThat(leader.received()).hasSize(2);
  }

  @Test
  void whenTheLeaderDiesTheClientMovesToTheReplicaThatTookOver() {
    FakeReplica first =
        keep(FakeReplica.leader().reply("GET", "/v1/plans", 200, Map.of("plans", List.of())));
    FakeReplica second =
        keep(FakeReplica.leader().reply("GET", "/v1/plans", 200, Map.of("plans", List.of(PLAN))));
    ControlClient c = client(first.uri(), second.uri());
    assertThat(c.plans()).isEmpty();

    first.close();

    assertThat(c.plans()).containsExactly(PLAN);
    assertThat(c.lastLeader()).isEqualTo(second.uri());
  }

  @Test
  void whenNoReplicaAnswersTheErrorSaysWhatEachOneDid() {
    URI dead = FakeReplica.dead();
    FakeReplica busy = keep(FakeReplica.unavailable("no leader elected yet"));
    ControlClient c = client(dead, busy.uri());

    assertThatThrownBy(c::status)
        .isInstanceOfSatisfying(
            NoReplicaReachableException.class,
            e -> {
              assertThat(e.endpoint()).isEqualTo("GET /v1/status");
              assertThat(e.attempts())
                  .extracting(NoReplicaReachableException.Attempt::replica)
                  .containsExactly(dead, busy.uri());
              assertThat(e.attempts().get(0).what()).contains("ConnectException");
              assertThat(e.attempts().get(1).what()).isEqualTo("503: no leader elected yet");
            })
        .hasMessageStartingWith("GET /v1/status: no orchestrator replica answers: " + dead + " (")
        .hasMessageContaining(busy.uri() + " (503: no leader elected yet)");
  }

  @Test
  void aReadWaitsOutAHandOverWhileNoReplicaLeadsYetAndAPlanRequestDoesNot() {
    FakeReplica electing =
        keep(FakeReplica.unavailable("orchestrator-us-east-1: no orchestrator replica leads yet"))
            .reply("GET", "/v1/status", 200, statusDocument());
    ControlClient c = client(electing.uri());
    // the replica leads after it refused two reads
    Thread.ofVirtual()
        .start(
            () -> {
              org.awaitility.Awaitility.await()
                  .atMost(Duration.ofSeconds(5))
                  .until(() -> electing.received().size() >= 2);
              electing.behave(new FakeReplica.Behaviour.Lead());
            });

    assertThat(c.status().writerRegion()).isEqualTo("us-west-2");
    assertThat(electing.received()).hasSizeGreaterThanOrEqualTo(3);

    electing.behave(new FakeReplica.Behaviour.Unavailable("no orchestrator replica leads yet"));
    int before = electing.received().size();
    assertThatThrownBy(() -> c.request(PlanRequest.switchover("us-east-1", "alice")))
        .isInstanceOf(NoReplicaReachableException.class);
    assertThat(electing.received()).as("a plan request is not sent again").hasSize(before + 1);
  }

  @Test
  void aPlanRequestThatGotNoAnswerInTimeIsNotSentToAnotherReplica() {
    FakeReplica silent = keep(FakeReplica.leader().behave(new FakeReplica.Behaviour.Silent()));
    FakeReplica other = keep(FakeReplica.leader().reply("POST", "/v1/plans", 202, PLAN));

    assertThatThrownBy(
            () -> client(silent.uri(), other.uri()).request(PlanRequest.failback("alice")))
        .isExactlyInstanceOf(ControlClientException.class)
        .hasMessage(
            "POST /v1/plans at "
                + silent.uri()
                + ": no answer within 2000ms; the request may have been carried out (not sent"
                + " again)");
    assertThat(other.received()).isEmpty();
  }

  @Test
  void aReadThatGotNoAnswerInTimeIsAskedOfTheNextReplica() {
    FakeReplica silent = keep(FakeReplica.leader().behave(new FakeReplica.Behaviour.Silent()));
    FakeReplica other = keep(FakeReplica.leader().reply("GET", "/v1/plans/p1", 200, PLAN));

    assertThat(client(silent.uri(), other.uri()).plan("p1")).isEqualTo(PLAN);
  }

  @Test
  void aRedirectLoopCountsAsAFailedReplicaAndTheNextIsAsked() {
    FakeReplica loop = keep(FakeReplica.leader());
    loop.behave(new FakeReplica.Behaviour.Follow(loop.uri(), 307, true));
    FakeReplica leader = keep(FakeReplica.leader().reply("GET", "/v1/plans/p1", 200, PLAN));

    assertThat(client(loop.uri(), leader.uri()).plan("p1")).isEqualTo(PLAN);
    assertThat(loop.received()).hasSize(ControlClient.MAX_REDIRECTS + 1);
  }

  @Test
  void aRefusedRequestNamesTheEndpointTheStatusAndTheServersError() {
    String error = "to: 'us-west-2' is the writer region already (expected: another region)";
    FakeReplica leader =
        keep(FakeReplica.leader().reply("POST", "/v1/plans", 409, Map.of("error", error)));

    assertThatThrownBy(
            () -> client(leader.uri()).request(PlanRequest.failover("us-west-2", false, "x")))
        .isInstanceOfSatisfying(
            ControlApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(409);
              assertThat(e.refused()).isTrue();
              assertThat(e.error()).isEqualTo(error);
              assertThat(e.endpoint()).isEqualTo("POST /v1/plans");
            })
        .hasMessage("POST /v1/plans at " + leader.uri() + ": 409: " + error);
  }

  @Test
  void anUnknownPlanIsA404NamingThePlan() {
    FakeReplica leader = keep(FakeReplica.leader());

    assertThatThrownBy(() -> client(leader.uri()).plan("nope"))
        .isInstanceOfSatisfying(
            ControlApiException.class, e -> assertThat(e.status()).isEqualTo(404))
        .hasMessageContaining("GET /v1/plans/nope")
        .hasMessageContaining("/v1/plans/nope: no such resource");
  }

  @Test
  void aServerErrorWithoutJsonKeepsTheBody() {
    FakeReplica leader = keep(FakeReplica.leader().reply("GET", "/v1/audit", 500, "disk full"));

    assertThatThrownBy(() -> client(leader.uri()).audit())
        .isInstanceOf(ControlApiException.class)
        .hasMessage("GET /v1/audit at " + leader.uri() + ": 500: disk full");
  }

  @Test
  void anAnswerThatIsNotTheExpectedDocumentIsAnApiError() {
    FakeReplica leader = keep(FakeReplica.leader().reply("GET", "/v1/status", 200, "<html>"));

    assertThatThrownBy(() -> client(leader.uri()).status())
        .isInstanceOf(ControlApiException.class)
        .hasMessageContaining("GET /v1/status at " + leader.uri() + ": 200: ")
        .hasMessageContaining("<html>");
  }

  @Test
  void badReplicaAddressesAndPlanRequestsAreRefusedNamingTheField() {
    assertThatThrownBy(() -> ControlClient.of(List.of()))
        .hasMessage("replicas: empty (expected: at least one orchestrator API address)");
    assertThatThrownBy(() -> ControlClient.of(List.of(URI.create("localhost:26910"))))
        .hasMessage(
            "replica: 'localhost:26910' (expected: http://HOST:PORT of an orchestrator API)");
    assertThatThrownBy(() -> PlanRequest.switchover(" ", "alice"))
        .hasMessageStartingWith("to: ' ' (expected: a region");
    assertThatThrownBy(() -> new PlanRequest(PlanKind.SWITCHOVER, "us-east-1", true, "alice"))
        .hasMessage("force: true for a switchover (expected: only a failover may be forced)");
  }
}
