package io.summit.dr.routing.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.summit.dr.routing.Endpoint;
import io.summit.dr.routing.HealthListener.Transition;
import io.summit.dr.routing.Instance;
import io.summit.dr.routing.RoutingTable;
import io.summit.dr.topology.ReadPolicy;
import io.summit.dr.topology.RoutingPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class OutlierDetectorTest {
  private final AtomicLong now = new AtomicLong();
  private final List<String> transitions = new ArrayList<>();

  private RoutingTable table(int instances, int maxEjectedPercent) {
    RoutingPolicy policy =
        new RoutingPolicy(
            ReadPolicy.NEAREST_HEALTHY,
            0.3,
            65536,
            true,
            Duration.ofSeconds(1),
            3,
            Duration.ofSeconds(10),
            maxEjectedPercent,
            0.5,
            Duration.ofSeconds(1));
    RoutingTable t = new RoutingTable(List.of("west"), "west", null, policy);
    List<Endpoint> endpoints = new ArrayList<>();
    for (int i = 1; i <= instances; i++) {
      endpoints.add(new Endpoint("127.0.0.1", i));
    }
    t.replaceInstances("west", endpoints);
    return t;
  }

  private OutlierDetector detector(RoutingTable t) {
    return new OutlierDetector(
        t, now::get, (i, tr) -> transitions.add(i.endpoint().port() + " " + tr.label()));
  }

  private static Instance instance(RoutingTable t, int index) {
    return Objects.requireNonNull(t.region("west")).instances().get(index);
  }

  @Test
  void consecutiveErrorsEjectAndTheEjectionEndsAfterItsTime() {
    RoutingTable t = table(2, 50);
    OutlierDetector d = detector(t);
    Instance a = instance(t, 0);

    d.onError(a);
    d.onError(a);
    assertThat(a.isEjected()).isFalse();
    d.onError(a);
    assertThat(a.isEjected()).isTrue();
    assertThat(a.isAvailable()).isFalse();

    now.addAndGet(Duration.ofSeconds(9).toNanos());
    d.sweep();
    assertThat(a.isEjected()).isTrue();
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    d.sweep();
    assertThat(a.isEjected()).isFalse();
    assertThat(transitions).containsExactly("1 ejected", "1 restored");
  }

  @Test
  void aSuccessResetsTheCount() {
    RoutingTable t = table(2, 50);
    OutlierDetector d = detector(t);
    Instance a = instance(t, 0);

    d.onError(a);
    d.onError(a);
    d.onSuccess(a);
    d.onError(a);
    d.onError(a);

    assertThat(a.isEjected()).isFalse();
  }

  @Test
  void noMoreThanTheCapIsEjected() {
    RoutingTable t = table(4, 50);
    OutlierDetector d = detector(t);

    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 4; i++) {
        d.onError(instance(t, i));
      }
    }

    assertThat(Objects.requireNonNull(t.region("west")).ejectedCount()).isEqualTo(2);
    assertThat(transitions).hasSize(2).allMatch(s -> s.endsWith(Transition.EJECTED.label()));
  }

  @Test
  void aCapOfZeroEjectsNothing() {
    RoutingTable t = table(1, 50);
    OutlierDetector d = detector(t);

    for (int i = 0; i < 5; i++) {
      d.onError(instance(t, 0));
    }

    assertThat(instance(t, 0).isEjected()).isFalse();
  }
}
