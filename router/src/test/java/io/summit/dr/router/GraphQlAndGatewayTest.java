package io.summit.dr.router;

import static io.summit.dr.router.RouterTestKit.EAST;
import static io.summit.dr.router.RouterTestKit.WEST;
import static io.summit.dr.router.RouterTestKit.backend;
import static io.summit.dr.router.RouterTestKit.edge;
import static io.summit.dr.router.RouterTestKit.get;
import static io.summit.dr.router.RouterTestKit.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.summit.dr.routing.Endpoint;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GraphQlAndGatewayTest {
  private final TestBackend west = TestBackend.start("west-1");
  private final TestBackend east = TestBackend.start("east-1");

  @AfterEach
  void stopBackends() {
    west.close();
    east.close();
  }

  @Test
  void graphqlQueriesAreReadsAndMutationsWrites() {
    try (Router router =
        Router.start(
            edge(Map.of(WEST, List.of(west.endpoint()), EAST, List.of(east.endpoint()))))) {
      router.table().setDrained(WEST, true);

      HttpResponse<String> query = post(router, "/graphql", "{\"query\":\"# mutation?\\n{ a }\"}");
      HttpResponse<String> mutation =
          post(router, "/graphql", "{\"query\":\"fragment F on T { a } mutation { b { ...F } }\"}");
      HttpResponse<String> batch =
          post(router, "/graphql", "[{\"query\":\"{ a }\"},{\"query\":\"mutation { b }\"}]");
      String large = "{\"query\":\"{ a }\",\"x\":\"" + "y".repeat(70_000) + "\"}";
      HttpResponse<String> overLimit = post(router, "/graphql", large);

      assertThat(backend(query)).isEqualTo("east-1");
      assertThat(backend(mutation)).isEqualTo("west-1");
      assertThat(backend(batch)).isEqualTo("west-1");
      assertThat(backend(overLimit)).isEqualTo("west-1");
    }
  }

  @Test
  void aGraphqlQueryIsRetriedElsewhereWhenItsInstanceFails() {
    TestBackend dead = TestBackend.start("dead");
    Endpoint deadEndpoint = dead.endpoint();
    dead.close();
    try (Router router =
        Router.start(edge(Map.of(WEST, List.of(deadEndpoint), EAST, List.of(east.endpoint()))))) {
      HttpResponse<String> query = post(router, "/graphql", "{\"query\":\"{ a }\"}");

      assertThat(query.statusCode()).isEqualTo(200);
      assertThat(backend(query)).isEqualTo("east-1");
    }
  }

  private Router gateway(String region, Map<String, List<Endpoint>> backends) {
    return Router.start(
        RouterConfig.of(
                RouterTestKit.topology(),
                "api",
                Role.GATEWAY,
                region,
                RouterTestKit.anyPort(),
                RouterTestKit.anyPort(),
                backends)
            .withTimeouts(Duration.ofMillis(500), Duration.ofSeconds(5))
            .withIoThreads(1));
  }

  @Test
  void aGatewayServesReadsLocallyAndForwardsWritesToTheWriterRegion() {
    // east gateway: its own instance, and (standing in for the west gateway) the west backend
    try (Router router =
        gateway(EAST, Map.of(EAST, List.of(east.endpoint()), WEST, List.of(west.endpoint())))) {
      HttpResponse<String> read = get(router, "/items");
      HttpResponse<String> write = post(router, "/items", "{}");

      assertThat(backend(read)).isEqualTo("east-1");
      assertThat(backend(write)).isEqualTo("west-1");
      assertThat(west.lastHeaders).containsEntry(Exchange.HOP_HEADER, EAST);
    }
  }

  @Test
  void aGatewayRefusesAForwardedWriteWhenItIsNotTheWriter() {
    try (Router router =
        gateway(EAST, Map.of(EAST, List.of(east.endpoint()), WEST, List.of(west.endpoint())))) {
      HttpResponse<String> bounced =
          RouterTestKit.send(
              HttpRequest.newBuilder(RouterTestKit.uri(router, "/items"))
                  .header(Exchange.HOP_HEADER, WEST)
                  .POST(HttpRequest.BodyPublishers.ofString("{}"))
                  .build());

      assertThat(bounced.statusCode()).isEqualTo(503);
      assertThat(west.requests.get()).isZero();
    }
  }

  @Test
  void aGatewayWithoutLocalInstancesAnswers503ToReads() {
    try (Router router = gateway(EAST, Map.of(WEST, List.of(west.endpoint())))) {
      assertThat(get(router, "/items").statusCode()).isEqualTo(503);
      assertThat(west.requests.get()).isZero();
    }
  }
}
