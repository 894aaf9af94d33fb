package io.summit.dr.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FailoverOutlineTest {
  private final Topology lab = TopologyLoader.load(Path.of("..", "examples", "lab.yaml"));

  @Test
  void defaultPlanFencesTheFailedRegionAndPromotesTheSecondaryPerStore() {
    var steps = FailoverOutline.ofDefault(lab);

    assertThat(steps)
        .extracting(PlannedStep::id, PlannedStep::region)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("stop-writes", "us-west-2"),
            org.assertj.core.groups.Tuple.tuple("fence/postgres", "us-west-2"),
            org.assertj.core.groups.Tuple.tuple("fence/redis", "us-west-2"),
            org.assertj.core.groups.Tuple.tuple("check-rpo/postgres", "us-east-1"),
            org.assertj.core.groups.Tuple.tuple("check-rpo/redis", "us-east-1"),
            org.assertj.core.groups.Tuple.tuple("promote/postgres", "us-east-1"),
            org.assertj.core.groups.Tuple.tuple("promote/redis", "us-east-1"),
            org.assertj.core.groups.Tuple.tuple("publish-endpoints", "us-east-1"),
            org.assertj.core.groups.Tuple.tuple("route-writes", "us-east-1"),
            org.assertj.core.groups.Tuple.tuple("scale-up", "us-east-1"),
            org.assertj.core.groups.Tuple.tuple("verify", "us-east-1"));
    assertThat(steps).extracting(PlannedStep::order).isSorted();
  }

  @Test
  void failingOverFromTheSecondaryAfterAFailoverStillFencesAndPromotesEveryStore() {
    // Regression: after us-west-2 failed over to us-east-1, a failover back had no fence and no
    // promote steps (the topology still names us-west-2 primary), so it published a writer region
    // whose stores were not primary.
    var steps = FailoverOutline.of(lab, "us-east-1", "us-west-2");

    assertThat(steps)
        .filteredOn(s -> s.action() == StepAction.FENCE)
        .extracting(PlannedStep::store, PlannedStep::region)
        .containsExactly(tuple("postgres", "us-east-1"), tuple("redis", "us-east-1"));
    assertThat(steps)
        .filteredOn(s -> s.action() == StepAction.PROMOTE)
        .extracting(PlannedStep::store, PlannedStep::region)
        .containsExactly(tuple("postgres", "us-west-2"), tuple("redis", "us-west-2"));
  }

  @Test
  void unknownRegionNamesTheArgument() {
    assertThatThrownBy(() -> FailoverOutline.of(lab, "us-west-2", "eu-west-1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "to: 'eu-west-1' is not a region of the topology (expected: one of us-west-2,"
                + " us-east-1)");
  }

  @Test
  void sameRegionIsRefused() {
    assertThatThrownBy(() -> FailoverOutline.of(lab, "us-west-2", "us-west-2"))
        .hasMessageStartingWith("to: 'us-west-2' is the failed region");
  }
}
