package io.summit.dr.router;

import static io.summit.dr.router.RouterTestKit.EAST;
import static io.summit.dr.router.RouterTestKit.WEST;
import static io.summit.dr.router.RouterTestKit.backend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.summit.dr.routing.Endpoint;
import io.summit.dr.topology.TopologyLoader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Data residency at the router: a request of a class (by its class header, or its tenant's class)
 * goes only to the class's regions, and is refused, not rerouted, when none of them can serve it.
 */
class ResidencyRoutingTest {
  private static final String RESIDENCY =
      """
      residency:
        classes:
          - name: west-only
            regions: [us-west-2]
            tenants: [acme]
            key_prefixes: [w-]
          - name: east-only
            regions: [us-east-1]
            tenants: [globex]
            key_prefixes: [e-]
      """;

  private final TestBackend west = TestBackend.start("west-1");
  private final TestBackend east = TestBackend.start("east-1");

  @AfterEach
  void stopBackends() {
    west.close();
    east.close();
  }

  private static RouterConfig config(
      Role role, @Nullable String region, Map<String, List<Endpoint>> b) {
    return RouterConfig.of(
            TopologyLoader.parse("t.yaml", RouterTestKit.TOPOLOGY + RESIDENCY),
            "api",
            role,
            region,
            RouterTestKit.anyPort(),
            RouterTestKit.anyPort(),
            b)
        .withTimeouts(Duration.ofMillis(500), Duration.ofSeconds(5))
        .withIoThreads(1);
  }

  private Router edge() {
    return Router.start(
        config(
            Role.EDGE,
            null,
            Map.of(WEST, List.of(west.endpoint()), EAST, List.of(east.endpoint()))));
  }

  private static HttpResponse<String> send(
      Router router, String method, String header, String value) {
    return RouterTestKit.send(
        HttpRequest.newBuilder(RouterTestKit.uri(router, "/items"))
            .timeout(Duration.ofSeconds(5))
            .header(header, value)
            .method(
                method,
                "GET".equals(method)
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString("{}"))
            .build());
  }

  @Test
  void aPinnedReadGoesToItsRegionEvenWhenAnotherIsNearer() {
    west.latencyMillis = 12;
    try (Router router = edge()) {
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> backend(RouterTestKit.get(router, "/items")).equals("east-1"));

      HttpResponse<String> byClass = send(router, "GET", "x-summit-data-class", "west-only");
      HttpResponse<String> byTenant = send(router, "GET", "X-Summit-Tenant", "acme");

      assertThat(backend(byClass)).isEqualTo("west-1");
      assertThat(backend(byTenant)).isEqualTo("west-1");
    }
  }

  @Test
  void aPinnedWriteGoesToItsRegionWhenTheWriterIsElsewhere() {
    try (Router router = edge()) {
      router.table().setWriter(WEST);

      HttpResponse<String> plain = RouterTestKit.post(router, "/items", "{}");
      HttpResponse<String> pinnedEast = send(router, "POST", "x-summit-tenant", "globex");

      assertThat(backend(plain)).isEqualTo("west-1");
      assertThat(backend(pinnedEast)).isEqualTo("east-1");
    }
  }

  @Test
  void aPinnedRequestIsRefusedNotReroutedWhenItsRegionIsDown() {
    try (Router router = edge()) {
      router.table().replaceInstances(WEST, List.of());
      router.table().setWriter(EAST);

      HttpResponse<String> read = send(router, "GET", "x-summit-tenant", "acme");
      HttpResponse<String> write = send(router, "POST", "x-summit-data-class", "west-only");
      HttpResponse<String> unpinned = send(router, "GET", "x-summit-tenant", "initech");

      assertThat(read.statusCode()).isEqualTo(503);
      assertThat(read.body())
          .contains(
              "data class 'west-only' may only be served from us-west-2, which has no available"
                  + " instance; not served from another region (data residency)");
      assertThat(write.statusCode()).isEqualTo(503);
      assertThat(read.headers().firstValue("retry-after")).contains("2");
      assertThat(east.requests.get()).isEqualTo(1);
      assertThat(backend(unpinned)).isEqualTo("east-1");
    }
  }

  @Test
  void anUnknownClassIsBadInputNamingTheHeaderAndTheClasses() {
    try (Router router = edge()) {
      HttpResponse<String> r = send(router, "GET", "x-summit-data-class", "nowhere");

      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body())
          .contains(
              "x-summit-data-class: unknown data class 'nowhere' (expected: one of west-only,"
                  + " east-only)");
      assertThat(west.requests.get() + east.requests.get()).isZero();
    }
  }

  @Test
  void aGatewayForwardsAPinnedReadToTheClassRegionAndServesAForwardedOneOnlyLocally() {
    // The east gateway: its own instance, and (standing in for the west gateway) the west backend.
    try (Router gateway =
        Router.start(
            config(
                Role.GATEWAY,
                EAST,
                Map.of(EAST, List.of(east.endpoint()), WEST, List.of(west.endpoint()))))) {
      HttpResponse<String> pinnedWest = send(gateway, "GET", "x-summit-tenant", "acme");
      HttpResponse<String> pinnedEastWrite = send(gateway, "POST", "x-summit-tenant", "globex");
      HttpResponse<String> forwardedWestOnly =
          RouterTestKit.send(
              HttpRequest.newBuilder(RouterTestKit.uri(gateway, "/items"))
                  .header(Exchange.HOP_HEADER, WEST)
                  .header("x-summit-tenant", "acme")
                  .GET()
                  .build());

      assertThat(backend(pinnedWest)).isEqualTo("west-1");
      assertThat(west.lastHeaders).containsEntry(Exchange.HOP_HEADER, EAST);
      // writer is us-west-2, but globex may only be served in us-east-1: served here
      assertThat(backend(pinnedEastWrite)).isEqualTo("east-1");
      assertThat(forwardedWestOnly.statusCode()).isEqualTo(503);
      assertThat(forwardedWestOnly.body())
          .contains("data class 'west-only' may not be served in us-east-1");
      assertThat(west.requests.get()).isEqualTo(1);
    }
  }
}
