package io.summit.dr.workload.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.summit.dr.replication.Endpoint;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The watcher against several orchestrator replicas ({@link FakeDiscovery} each): it moves on when
 * the one it polls dies, redirects, or answers a version below the one held.
 */
class DiscoveryWatcherTest {
  private static final Endpoint WEST_PG = Endpoint.parse("127.0.0.1:5432");
  private static final Endpoint WEST_REDIS = Endpoint.parse("127.0.0.1:6379");
  private static final Endpoint EAST_PG = Endpoint.parse("127.0.0.1:5433");
  private static final Endpoint EAST_REDIS = Endpoint.parse("127.0.0.1:6380");

  private final List<AutoCloseable> closing = new ArrayList<>();
  private final AtomicLong held = new AtomicLong();
  private final List<Long> applied = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
  }

  private FakeDiscovery replica() throws IOException {
    FakeDiscovery d = new FakeDiscovery();
    closing.add(d);
    return d;
  }

  private DiscoveryWatcher watcher(URI... replicas) {
    DiscoveryWatcher w =
        new DiscoveryWatcher(
            List.of(replicas),
            held::get,
            e -> {
              applied.add(e.version());
              held.set(e.version());
            });
    closing.add(w);
    w.start();
    return w;
  }

  private static void publish(FakeDiscovery d, long version, String writer) {
    d.publish(version, writer, WEST_PG, WEST_REDIS, EAST_PG, EAST_REDIS);
  }

  @Test
  void whenThePolledReplicaDiesTheWatcherFollowsTheNextOne() throws IOException {
    FakeDiscovery first = replica();
    FakeDiscovery second = replica();
    publish(first, 1, "us-west-2");
    publish(second, 1, "us-west-2");
    watcher(first.uri(), second.uri());
    await().atMost(Duration.ofSeconds(5)).until(() -> held.get() == 1);

    first.close();
    publish(second, 2, "us-east-1");

    await().atMost(Duration.ofSeconds(5)).until(() -> held.get() == 2);
    assertThat(applied).containsExactly(1L, 2L);
  }

  @Test
  void aReplicaThatRedirectsSendsTheWatcherToTheLeaderItNames() throws IOException {
    FakeDiscovery leader = replica();
    FakeDiscovery follower = replica();
    FakeDiscovery unrelated = replica();
    follower.redirectTo(leader.uri());
    publish(leader, 3, "us-east-1");

    watcher(follower.uri(), unrelated.uri());

    await().atMost(Duration.ofSeconds(5)).until(() -> held.get() == 3);
    assertThat(follower.requests()).isEqualTo(1);
    assertThat(unrelated.requests()).isZero();
  }

  @Test
  void aReplicaAnsweringALowerVersionIsPassedOverAndItsVersionNeverApplied() throws IOException {
    FakeDiscovery stale = replica();
    FakeDiscovery current = replica();
    publish(stale, 5, "us-west-2");
    watcher(stale.uri(), current.uri());
    await().atMost(Duration.ofSeconds(5)).until(() -> held.get() == 5);

    // The replica the watcher polls comes back with its versions started over, as an orchestrator
    // that lost its state would (issue 12, finding 3); the other one has moved on.
    publish(stale, 1, "us-west-2");
    publish(current, 6, "us-east-1");

    await().atMost(Duration.ofSeconds(10)).until(() -> held.get() == 6);
    assertThat(applied).containsExactly(5L, 6L);
  }

  @Test
  void refreshAsksTheNextReplicaWhenTheFirstIsDown() throws IOException {
    FakeDiscovery down = replica();
    FakeDiscovery up = replica();
    publish(up, 4, "us-east-1");
    URI downUri = down.uri();
    down.close();
    DiscoveryWatcher w =
        new DiscoveryWatcher(List.of(downUri, up.uri()), held::get, e -> held.set(e.version()));
    closing.add(w);

    assertThat(w.refresh()).isTrue();
    assertThat(held.get()).isEqualTo(4);
  }

  @Test
  void refreshesCalledTogetherShareOneRequestAndAllSeeItsVersion() throws Exception {
    FakeDiscovery d = replica();
    publish(d, 3, "us-east-1");
    // not started: no long poll, so every request the replica counts is a refresh's
    DiscoveryWatcher w =
        new DiscoveryWatcher(List.of(d.uri()), held::get, e -> held.set(e.version()));
    closing.add(w);
    int callers = 50;
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    List<java.util.concurrent.Future<Boolean>> answers = new ArrayList<>();
    try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < callers; i++) {
        answers.add(
            threads.submit(
                () -> {
                  go.await();
                  return w.refresh();
                }));
      }
      go.countDown();
      for (var a : answers) {
        a.get();
      }
    }
    // 50 callers at once: one request, or two if some came after the first had ended, not 50
    assertThat(d.requests()).isBetween(1, 2);
    assertThat(held.get()).isEqualTo(3);
    // past the gap, a refresh asks again
    Thread.sleep(DiscoveryWatcher.REFRESH_GAP.toMillis() + 50);
    publish(d, 4, "us-west-2");
    assertThat(w.refresh()).isTrue();
    assertThat(held.get()).isEqualTo(4);
  }
}
