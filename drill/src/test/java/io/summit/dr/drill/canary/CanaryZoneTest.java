package io.summit.dr.drill.canary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.summit.dr.drill.history.Op;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The zone of the instance that answered each canary request, as its outcome and the history record
 * it. Against a local HTTP server standing for the router and its instances: writes are answered
 * from us-west-2a, except every third, which the "router" refuses itself (503, no zone); reads are
 * answered from us-east-1b.
 */
class CanaryZoneTest {
  private final AtomicLong posts = new AtomicLong();
  private HttpServer server;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/entities",
        x -> {
          x.getRequestBody().readAllBytes();
          if (x.getRequestMethod().equals("POST")) {
            if (posts.incrementAndGet() % 3 == 0) {
              answer(x, 503, null, "{\"error\":\"no writer region\"}");
            } else {
              answer(x, 201, "us-west-2a", "{\"writer_region\":\"us-west-2\",\"term\":3}");
            }
          } else {
            answer(x, 200, "us-east-1b", "{\"seq\":-1,\"region\":\"us-east-1\"}");
          }
        });
    server.start();
  }

  private static void answer(HttpExchange x, int status, @Nullable String zone, String body)
      throws IOException {
    if (zone != null) {
      x.getResponseHeaders().set(Outcome.ZONE_HEADER, zone);
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(status, bytes.length);
    x.getResponseBody().write(bytes);
    x.close();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void everyRequestRecordsTheZoneOfTheInstanceThatAnsweredAndNoneWhenNoInstanceDid() {
    Canary.Settings settings =
        new Canary.Settings(
            URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
            "zones",
            100,
            100,
            Duration.ofSeconds(2));
    List<Outcome> outcomes;
    List<Op> ops;
    try (Canary canary = new Canary(settings)) {
      canary.seed(1, Duration.ofSeconds(10));
      canary.start();
      await().atMost(Duration.ofSeconds(20)).until(() -> canary.recorded().size() >= 60);
      outcomes = canary.stop();
      ops = canary.history().ops();
    }

    List<Outcome> writes = outcomes.stream().filter(o -> o.kind() == Outcome.Kind.WRITE).toList();
    List<Outcome> reads = outcomes.stream().filter(o -> o.kind() == Outcome.Kind.READ).toList();
    assertThat(writes).isNotEmpty();
    assertThat(reads).isNotEmpty();
    assertThat(writes)
        .allSatisfy(o -> assertThat(o.zone()).isEqualTo(o.ok() ? "us-west-2a" : null))
        .anySatisfy(o -> assertThat(o.ok()).isFalse());
    assertThat(reads).allSatisfy(o -> assertThat(o.zone()).isEqualTo("us-east-1b"));
    assertThat(ops)
        .filteredOn(o -> o.f() == Op.F.WRITE)
        .allSatisfy(o -> assertThat(o.zone()).isEqualTo(o.ok() ? "us-west-2a" : null))
        .anySatisfy(o -> assertThat(o.type()).isEqualTo(Op.Type.INFO));
    assertThat(ops)
        .filteredOn(o -> o.f() == Op.F.READ)
        .isNotEmpty()
        .allSatisfy(o -> assertThat(o.zone()).isEqualTo("us-east-1b"));
  }
}
