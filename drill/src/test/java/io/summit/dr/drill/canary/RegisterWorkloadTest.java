package io.summit.dr.drill.canary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.summit.dr.drill.history.History;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The register workload's entity writes, against a local HTTP server that records them. */
class RegisterWorkloadTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theEntityWritesFromInsideARegionAskForNoDocument() throws Exception {
    ConcurrentLinkedQueue<JsonNode> entities = new ConcurrentLinkedQueue<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/",
        exchange -> {
          byte[] request = exchange.getRequestBody().readAllBytes();
          boolean entity = exchange.getRequestURI().getPath().equals("/entities");
          if (entity) {
            entities.add(JSON.readTree(request));
          }
          byte[] body = (entity ? "{}" : "{\"value\":null}").getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(entity ? 201 : 200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    try (RegisterWorkload registers =
        new RegisterWorkload(
            new RegisterWorkload.Settings(
                "regs", 2, 200, Duration.ofSeconds(2), 7, Map.of("us-west-2", () -> base)),
            new History())) {
      registers.start();
      await().atMost(Duration.ofSeconds(20)).until(() -> entities.size() >= 5);
      registers.stop();

      List<JsonNode> posted = List.copyOf(entities);
      assertThat(posted)
          .allSatisfy(
              b -> {
                assertThat(b.path("id").asText()).startsWith("regs-us-west-2-w");
                assertThat(b.path("document").isBoolean()).isTrue();
                assertThat(b.path("document").booleanValue()).isFalse();
              });
    } finally {
      server.stop(0);
    }
  }
}
