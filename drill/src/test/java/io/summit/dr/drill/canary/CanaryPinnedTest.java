package io.summit.dr.drill.canary;

import static org.assertj.core.api.Assertions.assertThat;

import io.summit.dr.drill.history.History;
import io.summit.dr.drill.history.Op;
import io.summit.dr.topology.DataClass;
import io.summit.dr.topology.Residency;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The canary's pinned traffic: which requests are pinned, the tenant header and id prefix they
 * carry, and how a residency refusal enters the history. Nothing is sent.
 */
class CanaryPinnedTest {
  private static final DataClass OPEN =
      new DataClass(
          "open", List.of("us-east-1"), List.of(), List.of(), List.of("pub-"), List.of(), Map.of());
  private static final DataClass GOV =
      new DataClass(
          "gov",
          List.of("us-west-2"),
          List.of("docs"),
          List.of("acme-gov", "other-gov"),
          List.of(),
          List.of("entities/acme-gov-"),
          Map.of());
  private static final Residency RESIDENCY =
      new Residency("x-summit-data-class", "x-tenant", List.of(OPEN, GOV));

  private static Canary canary(Canary.@Nullable Pinned pinned, double documents) {
    return new Canary(
        new Canary.Settings(
            URI.create("http://127.0.0.1:9"),
            "run",
            200,
            200,
            Duration.ofSeconds(2),
            Duration.ZERO,
            documents,
            pinned));
  }

  @Test
  void theFirstClassWithATenantIsPinnedAsItsFirstTenantOnTheTenantHeader() {
    assertThat(Canary.Pinned.of(RESIDENCY))
        .isEqualTo(new Canary.Pinned("gov", "x-tenant", "acme-gov", Canary.Pinned.DEFAULT_EVERY));
    assertThat(Canary.Pinned.of(Residency.none())).isNull();
    assertThat(Canary.Pinned.of(new Residency("c", "t", List.of(OPEN)))).isNull();
  }

  @Test
  void aTenthOfTheWritesCarryTheTenantPrefixAndHeaderTheOthersAreUnchanged() {
    try (Canary canary = canary(Canary.Pinned.of(RESIDENCY), 0)) {
      List<Canary.Write> writes = LongStream.rangeClosed(1, 200).mapToObj(canary::write).toList();

      List<Canary.Write> pinned = writes.stream().filter(w -> w.pinned() != null).toList();
      assertThat(pinned).hasSize(20);
      assertThat(pinned)
          .extracting(Canary.Write::id)
          .containsExactlyElementsOf(
              LongStream.rangeClosed(1, 20).mapToObj(k -> "acme-gov-run-w" + 10 * k).toList());
      assertThat(pinned)
          .allSatisfy(
              w ->
                  assertThat(canary.request(w).headers().firstValue("x-tenant"))
                      .hasValue("acme-gov"));
      List<Canary.Write> unpinned = writes.stream().filter(w -> w.pinned() == null).toList();
      assertThat(unpinned).hasSize(180);
      assertThat(unpinned)
          .allSatisfy(
              w -> {
                assertThat(w.id()).isEqualTo("run-w" + w.seq());
                HttpRequest r = canary.request(w);
                assertThat(r.headers().firstValue("x-tenant")).isEmpty();
              });
    }
  }

  @Test
  void withoutAClassWithATenantNoWriteIsPinned() {
    try (Canary canary = canary(null, 20)) {
      assertThat(LongStream.rangeClosed(1, 200).mapToObj(canary::write))
          .allSatisfy(
              w -> {
                assertThat(w.pinned()).isNull();
                assertThat(w.id()).isEqualTo("run-w" + w.seq());
                assertThat(w.document()).isEqualTo(Canary.carriesDocument(w.seq(), 20, 200));
              });
    }
  }

  @Test
  void theShareOfDocumentsAppliesToThePinnedAndTheUnpinnedWritesEach() {
    try (Canary canary = canary(Canary.Pinned.of(RESIDENCY), 20)) {
      List<Canary.Write> writes = LongStream.rangeClosed(1, 2000).mapToObj(canary::write).toList();

      assertThat(
              writes.stream().filter(w -> w.pinned() != null && Boolean.TRUE.equals(w.document())))
          .hasSize(20);
      assertThat(
              writes.stream().filter(w -> w.pinned() == null && Boolean.TRUE.equals(w.document())))
          .hasSize(180);
    }
  }

  @Test
  void aWriteTheRouterRefusedForResidencyFailsInTheHistoryAsSurelyNotDone() {
    History history = new History();
    Outcome refused =
        new Outcome(
            Outcome.Kind.WRITE,
            10,
            "acme-gov-run-w10",
            1,
            2,
            503,
            null,
            null,
            "data class 'gov' may only be served from us-west-2, which has no available instance;"
                + " not served from another region (data residency)",
            "gov");
    Outcome otherwise =
        new Outcome(Outcome.Kind.WRITE, 11, "run-w11", 1, 2, 503, null, null, "no writer region");

    Canary.complete(history.invoke(1, Op.F.WRITE, refused.id(), 10L, "edge"), refused, null, null);
    Canary.complete(
        history.invoke(2, Op.F.WRITE, otherwise.id(), 11L, "edge"), otherwise, null, null);

    assertThat(history.ops())
        .extracting(Op::key, Op::type)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("acme-gov-run-w10", Op.Type.FAIL),
            org.assertj.core.groups.Tuple.tuple("run-w11", Op.Type.INFO));
  }

  @Test
  void pinnedSeedsRefusedForResidencyAreLeftOutAndPinnedReadsReadTheOtherSeeds() throws Exception {
    // The edge while the class's region is down: pinned requests refused for residency.
    com.sun.net.httpserver.HttpServer server =
        com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress("127.0.0.1", 0), 64);
    java.util.concurrent.atomic.AtomicInteger pinnedPosts =
        new java.util.concurrent.atomic.AtomicInteger();
    server.createContext(
        "/entities",
        exchange -> {
          boolean pinned = exchange.getRequestHeaders().getFirst("x-tenant") != null;
          if (pinned) {
            pinnedPosts.incrementAndGet();
          }
          byte[] body =
              (pinned ? "{\"error\":\"data class 'gov' ... (data residency)\"}" : "{}")
                  .getBytes(java.nio.charset.StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(pinned ? 503 : 201, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try (Canary canary =
        new Canary(
            new Canary.Settings(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                "run",
                200,
                200,
                Duration.ofSeconds(2),
                Duration.ZERO,
                0,
                Canary.Pinned.of(RESIDENCY)))) {
      List<Canary.Seed> seeds = canary.seed(20, Duration.ofSeconds(10));

      assertThat(seeds)
          .extracting(Canary.Seed::id)
          .allSatisfy(id -> assertThat(id).startsWith("run-seed"));
      assertThat(seeds).hasSize(20);
      assertThat(pinnedPosts.get()).isEqualTo(1);
      Canary.Read pinnedRead = canary.read(10);
      assertThat(pinnedRead.pinned()).isNotNull();
      assertThat(pinnedRead.seed().id()).startsWith("run-seed");
    } finally {
      server.stop(0);
    }
  }
}
