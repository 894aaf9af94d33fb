package io.summit.dr.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.summit.dr.orchestrator.notify.LocalReceiver;
import io.summit.dr.orchestrator.notify.Notifier;
import io.summit.dr.orchestrator.plan.PlanStatus;
import io.summit.dr.replication.StoreRole;
import io.summit.dr.topology.Topology;
import io.summit.dr.topology.TopologyLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A region failure and the failover plan it starts, behind an approval gate, told to a webhook on
 * 127.0.0.1 as they happen: the failure, the plan's start, one notice while it waits for the
 * approval (however often its progress changes meanwhile), its result. The topology is
 * examples/lab.yaml with the promotions gated and a receiver added.
 */
class PlanNotificationsTest {
  private static final String WEST = "us-west-2";
  private static final String EAST = "us-east-1";

  @TempDir Path state;
  private final FakeStores stores = new FakeStores(Clock.systemUTC());
  private final LocalReceiver hook = LocalReceiver.accepting();
  private Orchestrator orchestrator;
  private Notifier notifier;

  @AfterEach
  void stop() {
    notifier.close();
    orchestrator.close();
    hook.close();
  }

  @BeforeEach
  void start() throws Exception {
    String yaml =
        Files.readString(Path.of("..", "examples", "lab.yaml"))
                .replace(
                    "{name: promote, action: promote, parallel_group: promote, timeout: 5s}",
                    "{name: promote, action: promote, parallel_group: promote, timeout: 5s,"
                        + " approval: true}")
            + "\nnotifications:\n"
            + "  receivers:\n"
            + "    - {name: hook, kind: webhook, url: '"
            + hook.url()
            + "'}\n";
    Topology lab = TopologyLoader.parse("lab.yaml", yaml);
    for (String store : List.of("postgres", "redis")) {
      stores.node(store, WEST).role = StoreRole.PRIMARY;
      stores.node(store, EAST).role = StoreRole.REPLICA;
      stores.node(store, EAST).lagSeconds = 0.03;
    }
    orchestrator = new Orchestrator(lab, stores, null, null, state, Clock.systemUTC());
    orchestrator.resume();
    orchestrator.superviseOnce();
    notifier =
        Notifier.start(lab.notifications(), lab.name(), "test", state, orchestrator.events());
  }

  @Test
  void aRegionFailureAndItsGatedFailoverAreToldOnceWhileThePlanWaitsForItsApproval() {

    stores.node("postgres", WEST).reachable = false;
    stores.node("redis", WEST).reachable = false;
    orchestrator.regionFailed(WEST, List.of("orchestrator", "observer-us-east-1"));
    PlanStatus started = orchestrator.plans().plans().getLast();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> orchestrator.plans().plans().getLast().state().equals("waiting-approval"));
    orchestrator.superviseOnce(); // progress keeps changing while the plan waits
    orchestrator.approve(started.id(), "bob");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> orchestrator.plans().plans().getLast().endedAt() != null);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                hook.requests().stream()
                    .anyMatch(r -> r.body().get("type").asText().equals("plan-succeeded")));
    assertThat(hook.requests())
        .extracting(r -> r.body().get("type").asText())
        .containsExactly(
            "region-failed", "plan-started", "plan-waiting-approval", "plan-succeeded");
    assertThat(hook.requests().subList(1, 4))
        .extracting(r -> r.body().get("data").get("plan").asText())
        .containsOnly(started.id());
    // every step's end is an event of its own, once (what summit-dr failover follows)
    PlanStatus ended = orchestrator.plans().plans().getLast();
    assertThat(
            orchestrator.events().recent().stream()
                .filter(e -> e.type().equals("step-ended"))
                .filter(e -> started.id().equals(e.data().get("plan")))
                .map(e -> e.data().get("step") + " " + e.data().get("outcome")))
        .containsExactlyInAnyOrderElementsOf(
            ended.steps().stream().map(x -> x.id() + " " + x.outcome()).toList());
    assertThat(hook.requests().get(2).body().get("summary").asText())
        .contains("failover plan " + started.id() + " waits for an approval")
        .contains("summit-dr approve " + started.id());
  }
}
