package io.summit.dr.drill.canary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The canary's share of writes with a document: which writes ask for one, what it sends, and the
 * ids it keeps. Against a local HTTP server that records every body posted to it.
 */
class CanaryDocumentsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ConcurrentLinkedQueue<JsonNode> posted = new ConcurrentLinkedQueue<>();
  private HttpServer server;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/entities",
        exchange -> {
          posted.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
          byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(201, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private Canary.Settings settings(double writes, double documents) {
    return new Canary.Settings(
        URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
        "docs",
        writes,
        0,
        Duration.ofSeconds(2),
        Duration.ZERO,
        documents);
  }

  @Test
  void aTenthOfTheWritesSpreadEvenlyAskForADocumentAndTheCanaryNamesExactlyThose() {
    try (Canary canary = new Canary(settings(200, 20))) {
      canary.start();
      await().atMost(Duration.ofSeconds(20)).until(() -> posted.size() >= 400);
      canary.stop();

      List<JsonNode> bodies = List.copyOf(posted);
      Set<String> withDocument = ids(bodies, true);
      assertThat(bodies).allSatisfy(b -> assertThat(b.path("document").isBoolean()).isTrue());
      // the same writes ask for a graph node
      assertThat(bodies).allSatisfy(b -> assertThat(b.path("graph")).isEqualTo(b.path("document")));
      assertThat(withDocument).hasSize(bodies.size() / 10);
      assertThat(ids(bodies, false)).hasSize(bodies.size() - bodies.size() / 10);
      // spread evenly: the 10th, the 20th, ... write
      assertThat(withDocument)
          .containsExactlyInAnyOrderElementsOf(
              LongStream.rangeClosed(1, bodies.size() / 10)
                  .mapToObj(k -> "docs-w" + 10 * k)
                  .toList());
      assertThat(canary.documentIds()).isEqualTo(withDocument);
    }
  }

  @Test
  void seedsAlwaysAskForADocument() {
    try (Canary canary = new Canary(settings(200, 20))) {
      canary.seed(3, Duration.ofSeconds(10));

      assertThat(ids(List.copyOf(posted), true))
          .containsExactlyInAnyOrder("docs-seed1", "docs-seed2", "docs-seed3");
      assertThat(canary.documentIds())
          .containsExactlyInAnyOrder("docs-seed1", "docs-seed2", "docs-seed3");
    }
  }

  @Test
  void withoutAShareOfDocumentsNoWriteSendsTheFieldAndEveryWriteGetsTheServicesDefault() {
    Canary.Settings s = settings(200, 0);
    try (Canary canary =
        new Canary(new Canary.Settings(s.entry(), s.runId(), 200, 0, s.timeout()))) {
      canary.seed(2, Duration.ofSeconds(10));
      canary.start();
      await().atMost(Duration.ofSeconds(20)).until(() -> posted.size() >= 50);
      canary.stop();

      List<JsonNode> bodies = List.copyOf(posted);
      assertThat(bodies).allSatisfy(b -> assertThat(b.has("document")).isFalse());
      assertThat(bodies).allSatisfy(b -> assertThat(b.has("graph")).isFalse());
      assertThat(canary.documentIds())
          .isEqualTo(Set.copyOf(bodies.stream().map(b -> b.path("id").asText()).toList()));
    }
  }

  @Test
  void theWritesWithADocumentAdvanceWithFloorOfNTimesTheirShare() {
    assertThat(LongStream.rangeClosed(1, 200).filter(n -> Canary.carriesDocument(n, 20, 200)))
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 20).map(k -> 10 * k).boxed().toList());
    assertThat(LongStream.rangeClosed(1, 70).filter(n -> Canary.carriesDocument(n, 3, 7)))
        .hasSize(30);
    assertThat(LongStream.rangeClosed(1, 50).allMatch(n -> Canary.carriesDocument(n, 50, 50)))
        .isTrue();
  }

  @Test
  void aShareOfDocumentsOutsideZeroToTheWriteRateIsRefusedNamingTheField() {
    assertThatThrownBy(() -> settings(200, 201))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("documentsPerSecond: 201.0 (expected: >= 0 and <= writesPerSecond 200.0)");
    assertThatThrownBy(() -> settings(200, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("documentsPerSecond: -1.0");
    assertThatThrownBy(() -> settings(200, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("documentsPerSecond: NaN");
  }

  private static Set<String> ids(List<JsonNode> bodies, boolean document) {
    return Set.copyOf(
        bodies.stream()
            .filter(b -> b.path("document").isBoolean())
            .filter(b -> b.get("document").booleanValue() == document)
            .map(b -> b.path("id").asText())
            .toList());
  }
}
