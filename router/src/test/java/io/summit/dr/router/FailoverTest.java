package io.summit.dr.router;

import static io.summit.dr.router.RouterTestKit.EAST;
import static io.summit.dr.router.RouterTestKit.WEST;
import static io.summit.dr.router.RouterTestKit.adminSend;
import static io.summit.dr.router.RouterTestKit.backend;
import static io.summit.dr.router.RouterTestKit.edge;
import static io.summit.dr.router.RouterTestKit.get;
import static io.summit.dr.router.RouterTestKit.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.summit.dr.routing.Instance;
import io.summit.dr.routing.RegionState;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FailoverTest {
  private final TestBackend west1 = TestBackend.start("west-1");
  private final TestBackend west2 = TestBackend.start("west-2");
  private final TestBackend east1 = TestBackend.start("east-1");
  private final TestBackend east2 = TestBackend.start("east-2");

  @AfterEach
  void stopBackends() {
    List.of(west1, west2, east1, east2).forEach(TestBackend::close);
  }

  private Router startBoth() {
    return Router.start(
        edge(
            Map.of(
                WEST, List.of(west1.endpoint(), west2.endpoint()),
                EAST, List.of(east1.endpoint(), east2.endpoint()))));
  }

  private static void awaitRtt(Router router) {
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                router.table().regions().stream()
                    .map(RegionState::rttMillis)
                    .allMatch(Objects::nonNull));
  }

  @Test
  void readsMoveToTheOtherRegionWhenARegionDiesUnderLoad() throws Exception {
    east1.latencyMillis = 30;
    east2.latencyMillis = 30;
    int clients = 8;
    try (Router router = startBoth();
        ExecutorService pool = Executors.newFixedThreadPool(clients)) {
      awaitRtt(router);
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicBoolean killed = new AtomicBoolean(false);
      ConcurrentLinkedQueue<String> beforeKill = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<String> afterKill = new ConcurrentLinkedQueue<>();
      AtomicInteger failures = new AtomicInteger();
      ConcurrentLinkedQueue<String> failed = new ConcurrentLinkedQueue<>();
      List<Future<?>> loops = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        loops.add(
            pool.submit(
                () -> {
                  while (running.get()) {
                    boolean after = killed.get();
                    try {
                      HttpResponse<String> r = get(router, "/items");
                      if (r.statusCode() != 200) {
                        failures.incrementAndGet();
                        failed.add(r.statusCode() + " " + r.body().strip());
                      }
                      (after ? afterKill : beforeKill).add(backend(r));
                    } catch (RuntimeException e) {
                      failures.incrementAndGet();
                      failed.add(e.toString());
                    }
                  }
                }));
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> beforeKill.size() >= 200);

      killed.set(true);
      west1.close();
      west2.close();
      await().atMost(Duration.ofSeconds(10)).until(() -> afterKill.size() >= 300);
      running.set(false);
      for (Future<?> f : loops) {
        f.get(10, TimeUnit.SECONDS);
      }

      // West is nearer, but the RTT average includes live requests: on a loaded machine some
      // reads may legitimately go east. Most must have gone west.
      assertThat(beforeKill.stream().filter(b -> b.startsWith("west-")).count())
          .isGreaterThan(beforeKill.size() / 2);
      // Reads in flight on the dying connections are retried elsewhere; at most those may fail.
      assertThat(failures.get()).as("failures: %s", failed).isLessThanOrEqualTo(clients);
      List<String> late =
          new ArrayList<>(afterKill).subList(afterKill.size() - 100, afterKill.size());
      assertThat(late).allMatch(b -> b.startsWith("east-"));
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> !Objects.requireNonNull(router.table().region(WEST)).isHealthy(0.5));
    }
  }

  @Test
  void aReadWhoseInstanceNeverAnswersIsTriedInTheOtherRegionAfterTheAttemptTimeout() {
    east1.latencyMillis = 30;
    east2.latencyMillis = 30;
    try (Router router = startBoth()) {
      awaitRtt(router);
      // us-west-2 is nearest and its health checks pass, but its requests hang, as they do behind
      // a link cut a moment ago. The router's response timeout and the client's are both 5 s.
      west1.requestDelayMillis = 10_000;
      west2.requestDelayMillis = 10_000;

      HttpResponse<String> read = get(router, "/items");

      assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
      assertThat(backend(read)).startsWith("east-");

      // A write is never tried twice: it waits out the response timeout where it was sent.
      HttpResponse<String> write =
          RouterTestKit.send(
              java.net.http.HttpRequest.newBuilder(RouterTestKit.uri(router, "/orders"))
                  .timeout(Duration.ofSeconds(8))
                  .header("content-type", "application/json")
                  .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"n\":1}"))
                  .build());
      assertThat(write.statusCode()).isEqualTo(504);
      assertThat(east1.requests.get() + east2.requests.get()).isEqualTo(1);
    }
  }

  @Test
  void writesGetFast503WhileTheWriterIsDownAndFlowAfterTheWriterSwitch() {
    try (Router router = startBoth()) {
      west1.close();
      west2.close();

      long started = System.nanoTime();
      HttpResponse<String> refused = post(router, "/orders", "{\"n\":1}");
      long millis = (System.nanoTime() - started) / 1_000_000;

      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("retry-after")).hasValue("2");
      assertThat(millis).isLessThan(1000);
      assertThat(east1.requests.get() + east2.requests.get()).isZero();

      HttpResponse<String> switched =
          adminSend(router, "PUT", "/v1/writer", "{\"region\":\"us-east-1\"}");
      assertThat(switched.statusCode()).isEqualTo(200);
      HttpResponse<String> accepted = post(router, "/orders", "{\"n\":2}");

      assertThat(accepted.statusCode()).isEqualTo(200);
      assertThat(backend(accepted)).startsWith("east-");
    }
  }

  @Test
  void writesGet503WithoutAnyWriter() {
    try (Router router = startBoth()) {
      adminSend(router, "PUT", "/v1/writer", "{\"region\":null}");

      HttpResponse<String> refused = post(router, "/orders", "{}");

      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("retry-after")).hasValue("2");
      assertThat(
              west1.requests.get()
                  + west2.requests.get()
                  + east1.requests.get()
                  + east2.requests.get())
          .isZero();
      assertThat(get(router, "/items").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aFailingInstanceIsEjectedAndComesBackAfterTheEjectionTime() {
    west2.status = 500;
    try (Router router =
        Router.start(edge(Map.of(WEST, List.of(west1.endpoint(), west2.endpoint()))))) {
      Instance failing = instance(router, west2);

      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () -> {
                get(router, "/items");
                return failing.isEjected();
              });
      int served = west2.requests.get();
      for (int i = 0; i < 20; i++) {
        assertThat(get(router, "/items").statusCode()).isEqualTo(200);
      }
      assertThat(west2.requests.get()).isEqualTo(served);

      west2.status = 200;
      await().atMost(Duration.ofSeconds(5)).until(() -> !failing.isEjected());
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> backend(get(router, "/items")).equals("west-2"));
      assertThat(
              RouterTestKit.send(
                      java.net.http.HttpRequest.newBuilder(RouterTestKit.admin(router, "/metrics"))
                          .build())
                  .body())
          .contains(
              "summit_router_health_transitions_total{instance=\""
                  + west2.endpoint()
                  + "\",region=\"us-west-2\",to=\"ejected\",zone=\"none\"}");
    }
  }

  @Test
  void theEjectionCapKeepsHalfOfTheRegionInService() {
    west1.status = 500;
    west2.status = 500;
    try (Router router =
        Router.start(edge(Map.of(WEST, List.of(west1.endpoint(), west2.endpoint()))))) {
      for (int i = 0; i < 30; i++) {
        get(router, "/items");
      }

      RegionState west = Objects.requireNonNull(router.table().region(WEST));
      assertThat(west.ejectedCount()).isEqualTo(1);
      assertThat(get(router, "/items").statusCode()).isEqualTo(500);
    }
  }

  @Test
  void aWriteWithoutAResponseInTimeGets504AndASlowReadIsRetriedElsewhere() {
    west1.requestDelayMillis = 2000;
    try (Router router =
        Router.start(
            edge(Map.of(WEST, List.of(west1.endpoint()), EAST, List.of(east1.endpoint())))
                .withTimeouts(Duration.ofMillis(500), Duration.ofMillis(300)))) {
      long started = System.nanoTime();
      HttpResponse<String> write = post(router, "/orders", "{}");
      long millis = (System.nanoTime() - started) / 1_000_000;

      assertThat(write.statusCode()).isEqualTo(504);
      assertThat(millis).isLessThan(1500);
      assertThat(east1.requests.get()).isZero();

      // Whichever region it tries first, the read is answered by east (west times out).
      HttpResponse<String> read = get(router, "/items");

      assertThat(read.statusCode()).isEqualTo(200);
      assertThat(backend(read)).isEqualTo("east-1");
    }
  }

  private static Instance instance(Router router, TestBackend backend) {
    return router.table().allInstances().stream()
        .filter(i -> i.endpoint().equals(backend.endpoint()))
        .findFirst()
        .orElseThrow();
  }
}
