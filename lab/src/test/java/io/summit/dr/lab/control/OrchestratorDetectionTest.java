package io.summit.dr.lab.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.summit.dr.lab.Lab;
import io.summit.dr.lab.TestLabs;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Automatic detection on a real lab with observers in both regions: a partition between the regions
 * alone, between the edge and the writer region, between the witness and the edge, or between the
 * leader's location and the witness, raises an alert and fails nothing over; a killed writer region
 * fails over by itself; the orchestrator killed with SIGKILL while the plan waits at an approval
 * gate (after promotion) resumes the plan on restart and promotes nothing twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OrchestratorDetectionTest {
  private static final String WEST = "us-west-2";
  private static final String EAST = "us-east-1";

  private Lab lab;
  private Api api;

  @BeforeAll
  void up() throws Exception {
    lab =
        TestLabs.prepare(
            "detection-test",
            yaml -> {
              // Publishing after the promotions, behind an approval: the plan stops right there.
              String step =
                  "{name: publish-endpoints, action: publish-endpoints, parallel_group: promote,"
                      + " timeout: 1s}";
              if (!yaml.contains(step)) {
                throw new IllegalStateException("examples/lab.yaml no longer has: " + step);
              }
              return yaml.replace(
                  step,
                  "{name: publish-endpoints, action: publish-endpoints, timeout: 1s, approval: true}");
            });
    lab.up(TestLabs.config(lab), line -> {});
    api = new Api(lab);
    await()
        // A lead handed over right after start-up (the witness defers to us-east-1) answers 503
        // for a moment: the condition is what counts, not the first answer.
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              JsonNode regions = api.get("/v1/status").body().get("regions");
              assertThat(regions.at("/us-west-2/observers/observer-us-east-1").asText())
                  .isEqualTo("up");
              // The leading replica's own probes vote under its id (orchestrator-LOCATION).
              assertThat(regions.at("/us-west-2/observers").toString())
                  .containsPattern("\"orchestrator-[a-z0-9-]+\":\"up\"");
            });
  }

  @AfterAll
  void down() {
    if (lab != null) {
      TestLabs.down(lab);
    }
  }

  @Test
  @Order(1)
  void aPartitionBetweenTheRegionsAloneRaisesAnAlertAndFailsNothingOver() throws Exception {
    lab.partition(WEST, EAST);

    await().atMost(Duration.ofSeconds(20)).until(() -> eventTypes().contains("alert-partition"));
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              assertThat(api.get("/v1/plans").body().get("plans")).isEmpty();
              assertThat(api.get("/v1/status").body().get("writer_region").asText())
                  .isEqualTo(WEST);
            });
    JsonNode alert = java.util.Objects.requireNonNull(lastEvent("alert-partition"));
    assertThat(alert.at("/data/region").asText()).isIn(WEST, EAST);
    // Votes by location: the witness and the edge sit on neither side of the cut.
    assertThat(alert.at("/data/seeing_up").toString()).contains("observer-witness");
    lab.heal();
    // Caught up again before the next test kills the primary: a failover right after a partition
    // is refused while the replicas' last known lag is over the RPO budget or not yet measured
    // while the primary answered: caught up, and steadily so for several supervision passes.
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              for (JsonNode s : api.get("/v1/status").body().get("stores")) {
                if (s.get("region").asText().equals(EAST)) {
                  assertThat(s.get("lag_seconds").isNumber()).as(s.toString()).isTrue();
                  assertThat(s.get("lag_seconds").asDouble()).as(s.toString()).isLessThan(0.5);
                }
              }
            });
  }

  @Test
  @Order(2)
  void aPartitionBetweenTheEdgeAndTheWriterRegionCutsItsUsersAndRaisesAnAlertOnly()
      throws Exception {
    lab.partition("edge", WEST);

    // The edge router reaches the instances through the edge's WAN link: it loses us-west-2's.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> assertThat(regionHealthy(edgeRouting(), WEST)).as("us-west-2").isFalse());
    awaitPartitionAlert(WEST, "edge-router");
    assertThat(api.get("/v1/plans").body().get("plans")).isEmpty();
    assertThat(api.get("/v1/status").body().get("writer_region").asText()).isEqualTo(WEST);

    lab.heal();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> assertThat(regionHealthy(edgeRouting(), WEST)).as("us-west-2").isTrue());
  }

  private JsonNode edgeRouting() throws Exception {
    java.net.URI uri =
        io.summit.dr.lab.LabTls.url(lab.dir(), "router", lab.layout().edgeRouterAdmin())
            .resolve("/v1/routing");
    try (java.net.http.HttpClient http =
        io.summit.dr.access.Tls.client(
            Duration.ofSeconds(2), io.summit.dr.lab.LabTls.trust(lab.dir()))) {
      String body =
          http.send(
                  java.net.http.HttpRequest.newBuilder(uri)
                      .timeout(Duration.ofSeconds(2))
                      .header(
                          "Authorization",
                          java.util.Objects.requireNonNull(
                                  io.summit.dr.lab.LabAccess.token(
                                      lab.dir(), io.summit.dr.lab.LabAccess.VIEWER))
                              .authorization())
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString())
              .body();
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
    }
  }

  private static boolean regionHealthy(JsonNode routing, String region) {
    for (JsonNode r : routing.get("regions")) {
      if (r.get("name").asText().equals(region)) {
        return r.get("healthy").asBoolean();
      }
    }
    throw new AssertionError(region + " not in " + routing);
  }

  /**
   * The witness cut from the edge alone: no traffic of the service crosses that link, so before the
   * observers probed the edge nothing saw it (measured: no alert). Now the witness's observer sees
   * the edge DOWN while the regions' observers see it UP: a partition alert about the edge.
   */
  @Test
  @Order(3)
  void aPartitionBetweenTheWitnessAndTheEdgeRaisesAPartitionAlertAboutTheEdge() throws Exception {
    lab.partition("witness", "edge");

    awaitPartitionAlert("edge", "observer-witness");
    assertThat(api.get("/v1/plans").body().get("plans")).isEmpty();
    assertThat(api.get("/v1/status").body().get("writer_region").asText()).isEqualTo(WEST);

    lab.heal();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              JsonNode healed = lastEvent("partition-healed");
              return healed != null && healed.at("/data/region").asText().equals("edge");
            });
  }

  /**
   * The leading replica's location cut from the witness alone: the witness's observer still sees
   * both regions as before, but its reports stop reaching the leader (or, with the witness leading,
   * the other way round), so no region's view changes. The detector alerts on the observer it no
   * longer hears, and on its return.
   */
  @Test
  @Order(4)
  void aPartitionBetweenTheLeaderAndAnObserverRaisesAnObserverUnreachableAlert() throws Exception {
    // The first test's cut made the leader lose observer-us-west-2: only new events count here.
    int before = events("alert-observer-unreachable").size();
    lab.partition(EAST, "witness");

    JsonNode alert =
        await()
            .ignoreExceptions() // the cut may move the lead (us-east-1's etcd member loses its
            // leader)
            .atMost(Duration.ofSeconds(20))
            .until(
                () -> {
                  List<JsonNode> all = events("alert-observer-unreachable");
                  return all.size() > before ? all.get(all.size() - 1) : null;
                },
                a -> a != null);
    assertThat(alert.at("/data/observer").asText()).isIn("observer-witness", "observer-us-east-1");
    assertThat(alert.at("/data/reason").asText()).contains("is cut, or the observer is down");
    String observer = alert.at("/data/observer").asText();

    lab.heal();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                events("observer-reachable").stream()
                    .anyMatch(e -> e.at("/data/observer").asText().equals(observer)));
    // Nothing failed over, and a replica leads steadily again before the next test kills a region.
    await()
        .ignoreExceptions()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(api.get("/v1/plans").body().get("plans")).isEmpty();
              assertThat(api.get("/v1/status").body().get("writer_region").asText())
                  .isEqualTo(WEST);
            });
  }

  /** Waits until the last partition alert is about {@code region} and names {@code seenBy}. */
  private void awaitPartitionAlert(String region, String seenBy) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              JsonNode alert = lastEvent("alert-partition");
              return alert != null
                  && alert.at("/data/region").asText().equals(region)
                  && alert.at("/data/seeing_down").toString().contains(seenBy);
            });
  }

  private List<JsonNode> events(String type) throws Exception {
    List<JsonNode> out = new java.util.ArrayList<>();
    for (JsonNode e : api.get("/v1/events/recent").body().get("events")) {
      if (e.get("type").asText().equals(type)) {
        out.add(e);
      }
    }
    return out;
  }

  @Test
  @Order(5)
  void killingTheWriterRegionFailsOverByItselfAndACrashedOrchestratorResumesWithoutPromotingTwice()
      throws Exception {
    long killedAt = System.nanoTime();
    lab.killRegion(WEST);

    JsonNode waiting;
    try {
      waiting =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(
                  this::lastPlan,
                  p -> p != null && p.get("state").asText().equals("waiting-approval"));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      System.out.println("events: " + api.get("/v1/events/recent").body());
      System.out.println("status: " + api.get("/v1/status").body());
      throw e;
    }
    double detectedAfter = (System.nanoTime() - killedAt) / 1e9;
    assertThat(waiting.get("requested_by").asText()).startsWith("detector");
    assertThat(waiting.get("kind").asText()).isEqualTo("FAILOVER");
    String id = waiting.get("id").asText();

    // The leading replica dies with the plan open; another replica takes the lead from etcd.
    String killed = lab.killComponent(Lab.ORCHESTRATOR_LEADER).killed().get(0).name();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                api.get("/v1/plans/" + id)
                    .body()
                    .path("state")
                    .asText()
                    .equals("waiting-approval"));
    api.post("/v1/plans/" + id + "/approve", Map.of("by", "test"));
    JsonNode done = api.awaitPlanEnd(id, Duration.ofSeconds(30));

    assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("succeeded");
    assertThat(api.get("/v1/status").body().get("writer_region").asText()).isEqualTo(EAST);
    List<String> journal = journalInEtcd();
    lab.restart(killed);
    assertThat(
            journal.stream()
                .filter(l -> l.contains("\"step-start\"") && l.contains("\"promote/postgres\""))
                .count())
        .isEqualTo(1);
    assertThat(
            journal.stream()
                .filter(l -> l.contains("\"step-start\"") && l.contains("\"promote/redis\""))
                .count())
        .isEqualTo(1);
    assertThat(journal.stream().filter(l -> l.contains("\"approved\""))).hasSize(1);
    System.out.printf("detection: region kill to plan waiting at its gate: %.2fs%n", detectedAfter);
  }

  /** The plan journal as the replicas keep it: etcd keys journal/N, read with etcdctl. */
  private List<String> journalInEtcd() throws Exception {
    Process p =
        new ProcessBuilder(
                "/usr/bin/etcdctl",
                "--endpoints=http://" + lab.layout().etcdClient(io.summit.dr.lab.LabLayout.WITNESS),
                "get",
                "--prefix",
                "/summit-dr/summit-lab/journal/",
                "--print-value-only")
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().close();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return out.lines().filter(l -> !l.isBlank()).toList();
  }

  private @org.jspecify.annotations.Nullable JsonNode lastPlan() throws Exception {
    JsonNode plans = api.get("/v1/plans").body().get("plans");
    return plans.isEmpty() ? null : plans.get(plans.size() - 1);
  }

  private List<String> eventTypes() throws Exception {
    return api.get("/v1/events/recent").body().get("events").findValuesAsText("type");
  }

  private @org.jspecify.annotations.Nullable JsonNode lastEvent(String type) throws Exception {
    List<JsonNode> all = events(type);
    return all.isEmpty() ? null : all.get(all.size() - 1);
  }
}
