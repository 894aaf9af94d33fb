package io.summit.dr.drill.canary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The canary's ramp-up: a quarter of the rates at first, the full rates once it is over. */
class CanaryRampTest {
  @Test
  void theRateShareRisesLinearlyFromAQuarterToTheWholeOverTheRampUp() {
    Duration ramp = Duration.ofSeconds(8);
    assertThat(Canary.rateShare(0, ramp)).isEqualTo(0.25);
    assertThat(Canary.rateShare(Duration.ofSeconds(4).toNanos(), ramp)).isEqualTo(0.625);
    assertThat(Canary.rateShare(Duration.ofSeconds(8).toNanos(), ramp)).isEqualTo(1.0);
    assertThat(Canary.rateShare(Duration.ofSeconds(60).toNanos(), ramp)).isEqualTo(1.0);
    assertThat(Canary.rateShare(0, Duration.ZERO)).isEqualTo(1.0);
  }

  @Test
  void aNegativeRampUpIsRefused() {
    assertThatThrownBy(
            () ->
                new Canary.Settings(
                    URI.create("http://127.0.0.1:1"),
                    "r",
                    10,
                    0,
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rampUp");
  }

  @Test
  void aRampingCanaryIssuesFewerWritesInItsFirstSecondThanOnceTheRampIsOver() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try (Canary canary =
        new Canary(
            new Canary.Settings(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                "ramp",
                100,
                0,
                Duration.ofSeconds(2),
                Duration.ofSeconds(2)))) {
      canary.start();
      long start = System.nanoTime();
      long end = start + Duration.ofSeconds(3).toNanos();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> canary.recorded().stream().anyMatch(o -> o.issuedNanos() >= end));
      List<Outcome> outcomes = canary.stop();
      long first = count(outcomes, start, start + 1_000_000_000L);
      long third = count(outcomes, start + 2_000_000_000L, end);
      // By the schedule: 25 % rising to 62.5 % in the first second (about 44 writes), 100 in the
      // third.
      assertThat(first).isBetween(30L, 60L);
      assertThat(third).isBetween(85L, 115L);
    } finally {
      server.stop(0);
    }
  }

  private static long count(List<Outcome> outcomes, long from, long to) {
    return outcomes.stream()
        .filter(o -> o.kind() == Outcome.Kind.WRITE)
        .filter(o -> o.issuedNanos() >= from && o.issuedNanos() < to)
        .count();
  }
}
