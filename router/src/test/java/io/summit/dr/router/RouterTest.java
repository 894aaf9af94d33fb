package io.summit.dr.router;

import static io.summit.dr.router.RouterTestKit.EAST;
import static io.summit.dr.router.RouterTestKit.WEST;
import static io.summit.dr.router.RouterTestKit.backend;
import static io.summit.dr.router.RouterTestKit.edge;
import static io.summit.dr.router.RouterTestKit.get;
import static io.summit.dr.router.RouterTestKit.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.summit.dr.routing.RegionState;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RouterTest {
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
  void readsGoToNearestRegionAndWritesToWriter() {
    east1.latencyMillis = 12;
    east2.latencyMillis = 12;
    try (Router router = startBoth()) {
      awaitRtt(router);
      HttpResponse<String> read = get(router, "/items");
      HttpResponse<String> write = post(router, "/items", "{}");

      assertThat(read.statusCode()).isEqualTo(200);
      assertThat(backend(read)).startsWith("west-");
      assertThat(write.statusCode()).isEqualTo(200);
      assertThat(backend(write)).startsWith("west-");
    }
  }

  @Test
  void readsGoToTheOtherRegionWhenTheNearestIsSlower() {
    west1.latencyMillis = 12;
    west2.latencyMillis = 12;
    try (Router router = startBoth()) {
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> backend(get(router, "/items")).startsWith("east-"));

      HttpResponse<String> write = post(router, "/items", "{}");

      assertThat(backend(write)).startsWith("west-");
    }
  }

  @Test
  void streamsLargeBodiesBothWays() {
    String big = "x".repeat(3 * 1024 * 1024);
    try (Router router = startBoth()) {
      HttpResponse<String> echoed = post(router, "/echo", big);

      assertThat(echoed.statusCode()).isEqualTo(200);
      assertThat(echoed.body()).hasSize(big.length()).isEqualTo(big);
    }
  }

  @ParameterizedTest(name = "backends close connections: {0}")
  @ValueSource(booleans = {false, true})
  void pipelinedRequestsAreAnsweredInOrder(boolean close) throws Exception {
    List.of(west1, west2, east1, east2).forEach(b -> b.closeConnections = close);
    try (Router router = startBoth();
        java.net.Socket socket = new java.net.Socket("127.0.0.1", router.address().getPort())) {
      socket.setSoTimeout(5000);
      String one = "GET /1 HTTP/1.1\r\nHost: x\r\n\r\n";
      String last = "GET /3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
      socket
          .getOutputStream()
          .write((one + one.replace("/1 ", "/2 ") + last).getBytes(StandardCharsets.US_ASCII));

      String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);

      assertThat(all.split("HTTP/1.1 200 OK", -1)).hasSize(4);
    }
  }

  @Test
  void forwardsHeadersButNotHopByHopOnes() {
    try (Router router = startBoth()) {
      HttpResponse<String> r =
          RouterTestKit.send(
              java.net.http.HttpRequest.newBuilder(RouterTestKit.uri(router, "/h"))
                  .header("x-custom", "1")
                  .header("x-summit-dr-forwarded-by", "spoofed")
                  .build());

      assertThat(r.statusCode()).isEqualTo(200);
      TestBackend served =
          backend(r).equals("west-1")
              ? west1
              : backend(r).equals("west-2") ? west2 : backend(r).equals("east-1") ? east1 : east2;
      assertThat(served.lastHeaders)
          .containsEntry("x-custom", "1")
          .containsKey("x-forwarded-for")
          .doesNotContainKey("x-summit-dr-forwarded-by");
    }
  }
}
