package io.summit.dr.orchestrator.detection;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.summit.dr.replication.Endpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RouterViewSourceTest {
  /** The shape docs/router.md shows for GET /v1/routing. */
  private static final String ROUTING =
      """
      {"role":"edge","local_region":null,"writer":"us-west-2","regions":[
       {"name":"us-west-2","healthy":false,"drained":false,"writer":true,"rtt_ms":0.82,
        "instances":[{"address":"127.0.0.1:4001","healthy":false,"ejected":false,"in_flight":0}]},
       {"name":"us-east-1","healthy":true,"drained":true,"writer":false,"rtt_ms":null,
        "instances":[{"address":"127.0.0.1:4101","healthy":true,"ejected":false,"in_flight":0}]},
       {"name":"ap-south-1","healthy":false,"drained":false,"writer":false,"rtt_ms":null,
        "instances":[]}]}
      """;

  private @Nullable HttpServer router;

  @AfterEach
  void stop() {
    if (router != null) {
      router.stop(0);
    }
  }

  private Endpoint serve(String body) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    router = server;
    server.createContext(
        "/v1/routing",
        ex -> {
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, bytes.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
          }
        });
    server.start();
    return new Endpoint("127.0.0.1", server.getAddress().getPort());
  }

  private static RouterViewSource source(Endpoint admin) {
    return new RouterViewSource(
        "router",
        admin,
        List.of("us-west-2", "us-east-1", "ap-south-1", "eu-west-1"),
        Duration.ofMillis(500),
        Clock.systemUTC());
  }

  @Test
  void readsEachRegionsHealthFromTheRoutingTable() throws IOException {
    ObserverView view = source(serve(ROUTING)).poll();

    assertThat(view.location()).isEqualTo("edge");
    assertThat(view.regions())
        .containsEntry("us-west-2", RegionHealth.DOWN)
        .containsEntry("us-east-1", RegionHealth.UP) // drained is not unhealthy
        .containsEntry("eu-west-1", RegionHealth.UNKNOWN); // not listed
  }

  @Test
  void regionWithNoInstanceRegisteredIsUnknownNotDown() throws IOException {
    ObserverView view = source(serve(ROUTING)).poll();

    assertThat(view.regions()).containsEntry("ap-south-1", RegionHealth.UNKNOWN);
  }

  @Test
  void unreachableRouterMakesEveryRegionUnknown() {
    ObserverView view = source(TestRedisClosedPort.address()).poll();

    assertThat(view.regions())
        .containsOnlyKeys("us-west-2", "us-east-1", "ap-south-1", "eu-west-1");
    assertThat(view.regions().values()).containsOnly(RegionHealth.UNKNOWN);
  }

  @Test
  void answerThatIsNotARoutingTableMakesEveryRegionUnknown() throws IOException {
    ObserverView view = source(serve("<html>busy</html>")).poll();

    assertThat(view.regions().values()).containsOnly(RegionHealth.UNKNOWN);
  }
}
