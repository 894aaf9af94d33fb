package io.summit.dr.routing.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.summit.dr.routing.Endpoint;
import io.summit.dr.routing.HealthListener.Transition;
import io.summit.dr.routing.Instance;
import io.summit.dr.routing.RegionState;
import io.summit.dr.routing.RoutingTable;
import io.summit.dr.routing.Ticker;
import io.summit.dr.topology.HealthPolicy;
import io.summit.dr.topology.RoutingPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthCheckerTest {
  private volatile int status = 200;
  private final HttpServer backend;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final HttpClient client = HttpClient.newBuilder().executor(scheduler).build();
  private final ConcurrentLinkedQueue<Transition> transitions = new ConcurrentLinkedQueue<>();
  private final RoutingTable table =
      new RoutingTable(List.of("west"), "west", null, RoutingPolicy.defaults());
  private final HealthChecker checker;

  HealthCheckerTest() throws IOException {
    backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    backend.createContext(
        "/readyz",
        ex -> {
          ex.sendResponseHeaders(status, -1);
          ex.close();
        });
    backend.start();
    table.replaceInstances(
        "west", List.of(new Endpoint("127.0.0.1", backend.getAddress().getPort())));
    checker =
        new HealthChecker(
            table,
            "/readyz",
            new HealthPolicy(Duration.ofMillis(50), Duration.ofMillis(50), 3, 2, 1),
            new OutlierDetector(table, Ticker.system(), (i, t) -> {}),
            (i, t) -> transitions.add(t),
            scheduler,
            client);
  }

  @AfterEach
  void stop() {
    checker.close();
    backend.stop(0);
    client.shutdownNow();
    scheduler.shutdownNow();
  }

  private Instance instance() {
    return Objects.requireNonNull(table.region("west")).instances().get(0);
  }

  @Test
  void probesMarkAnInstanceDownAfterFailuresAndUpAfterRecoveries() {
    checker.start();
    RegionState west = Objects.requireNonNull(table.region("west"));
    await().atMost(Duration.ofSeconds(5)).until(() -> west.rttMillis() != null);
    await().atMost(Duration.ofSeconds(5)).until(() -> instance().isUp());
    transitions.clear();

    status = 503;
    await().atMost(Duration.ofSeconds(5)).until(() -> !instance().isUp());
    assertThat(west.isHealthy(0.5)).isFalse();

    status = 200;
    await().atMost(Duration.ofSeconds(5)).until(() -> instance().isUp());
    assertThat(west.isHealthy(0.5)).isTrue();
    // A probe timing out on a busy machine may add a flap; the order is what matters.
    assertThat(transitions).containsSubsequence(Transition.DOWN, Transition.UP);
  }

  @Test
  void anUnreachableInstanceGoesDown() {
    backend.stop(0);
    checker.start();

    await().atMost(Duration.ofSeconds(5)).until(() -> !instance().isUp());
    assertThat(transitions).containsOnly(Transition.DOWN);
  }

  @Test
  void aSecondStartFailsAndASecondCloseIsHarmless() {
    checker.start();

    org.assertj.core.api.Assertions.assertThatThrownBy(checker::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("expected: NEW");
    checker.close();
    checker.close();
  }
}
