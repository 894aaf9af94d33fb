package io.summit.dr.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.summit.dr.orchestrator.plan.PlanRunner;
import io.summit.dr.orchestrator.plan.StepSpec;
import io.summit.dr.topology.TopologyLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The built-in plans' shape: what runs in parallel, and in which order the groups run. */
class PlanFactoryTest {
  private final PlanFactory factory =
      new PlanFactory(TopologyLoader.load(Path.of("..", "examples", "lab.yaml")));

  private static List<List<String>> batches(List<StepSpec> steps) {
    return PlanRunner.groups(steps).stream()
        .map(g -> g.stream().map(StepSpec::id).toList())
        .toList();
  }

  @Test
  void aSwitchoverFencesCatchesUpPromotesAndRejoinsTheStoresInParallelOneGroupAfterTheOther() {
    assertThat(batches(factory.switchover("us-west-2", "us-east-1")))
        .containsExactly(
            List.of("scale-up"),
            List.of("stop-writes"),
            List.of("fence/postgres", "fence/redis"),
            List.of("catch-up/postgres", "catch-up/redis"),
            List.of("promote/postgres", "promote/redis"),
            List.of("publish-endpoints"),
            List.of("route-writes"),
            List.of("rejoin/postgres", "rejoin/redis"));
  }

  @Test
  void aFailbackRejoinsHomeFirstAllStoresAtOnceThenSwitchesOverAndRestoresTheScale() {
    List<List<String>> b = batches(factory.failback("us-east-1", "us-west-2"));
    assertThat(b.get(0)).containsExactly("rejoin-home/postgres", "rejoin-home/redis");
    assertThat(b.get(1)).containsExactly("scale-up");
    assertThat(b).contains(List.of("fence/postgres", "fence/redis"));
    assertThat(b.get(b.size() - 1)).containsExactly("restore-scale");
  }
}
