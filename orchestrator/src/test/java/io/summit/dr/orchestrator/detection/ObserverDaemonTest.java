package io.summit.dr.orchestrator.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.topology.StoreKind;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ObserverDaemonTest {
  private static TestRedis redis;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final HttpClient http = HttpClient.newHttpClient();
  private @Nullable ObserverDaemon daemon;

  @BeforeAll
  static void startRedis() throws IOException {
    redis = TestRedis.start();
  }

  @AfterAll
  static void stopRedis() throws InterruptedException {
    redis.close();
  }

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
    scheduler.shutdownNow();
  }

  private ObserverDaemon start(List<ProbeTarget> targets) {
    ObserverDaemonConfig config =
        new ObserverDaemonConfig(
            "us-east-1", "127.0.0.1", 0, targets, Duration.ofMillis(100), Duration.ofMillis(80));
    ObserverDaemon d = new ObserverDaemon(config, Clock.systemUTC(), scheduler);
    daemon = d;
    d.start();
    return d;
  }

  private static URI base(ObserverDaemon d) {
    return URI.create("http://127.0.0.1:" + d.address().getPort());
  }

  @Test
  void servesItsViewAsJson() throws Exception {
    ObserverDaemon d =
        start(
            List.of(
                new ProbeTarget("us-west-2", StoreKind.REDIS, redis.address),
                new ProbeTarget("eu-west-1", StoreKind.REDIS, TestRedisClosedPort.address())));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> d.view().health("us-west-2") == RegionHealth.UP);

    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(base(d).resolve("/v1/view")).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode json = new ObjectMapper().readTree(response.body());
    assertThat(json.path("observer").asText()).isEqualTo("observer-us-east-1");
    assertThat(json.path("location").asText()).isEqualTo("us-east-1");
    assertThat(Instant.parse(json.path("at").asText())).isBefore(Instant.now().plusSeconds(1));
    assertThat(json.path("regions").path("us-west-2").asText()).isEqualTo("up");
    assertThat(json.path("regions").path("eu-west-1").asText()).isEqualTo("down");
  }

  @Test
  void countsItsOwnProbesInARowAndTheSourceReadsTheCount() {
    ObserverDaemon d =
        start(
            List.of(new ProbeTarget("eu-west-1", StoreKind.REDIS, TestRedisClosedPort.address())));
    HttpObserverSource source =
        new HttpObserverSource(
            "observer-us-east-1",
            "us-east-1",
            base(d),
            List.of("eu-west-1"),
            Duration.ofMillis(500),
            Clock.systemUTC());

    await().atMost(Duration.ofSeconds(5)).until(() -> source.poll().consecutive("eu-west-1") >= 3);
    ObserverView first = source.poll();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> source.poll().consecutive("eu-west-1") > first.consecutive("eu-west-1"));

    assertThat(first.health("eu-west-1")).isEqualTo(RegionHealth.DOWN);
    assertThat(d.view().consecutive()).containsOnlyKeys("eu-west-1");
  }

  @Test
  void otherPathsAreNotFound() throws Exception {
    ObserverDaemon d = start(List.of(new ProbeTarget("us-west-2", StoreKind.REDIS, redis.address)));

    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(base(d).resolve("/v1/other")).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(404);
  }

  @Test
  void httpObserverSourceReadsTheDaemonsView() {
    ObserverDaemon d = start(List.of(new ProbeTarget("us-west-2", StoreKind.REDIS, redis.address)));
    HttpObserverSource source =
        new HttpObserverSource(
            "observer-us-east-1",
            "us-east-1",
            base(d),
            List.of("us-west-2", "us-east-1"),
            Duration.ofMillis(500),
            Clock.systemUTC());

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> source.poll().health("us-west-2") == RegionHealth.UP);
    ObserverView view = source.poll();

    assertThat(view.observer()).isEqualTo("observer-us-east-1");
    assertThat(view.location()).isEqualTo("us-east-1");
    assertThat(view.regions())
        .containsEntry("us-west-2", RegionHealth.UP)
        .containsEntry("us-east-1", RegionHealth.UNKNOWN); // the daemon does not judge its region
  }

  @Test
  void unreachableDaemonMakesEveryRegionUnknown() {
    HttpObserverSource source =
        new HttpObserverSource(
            "observer-us-east-1",
            "us-east-1",
            URI.create("http://" + TestRedisClosedPort.address()),
            List.of("us-west-2", "us-east-1"),
            Duration.ofMillis(300),
            Clock.systemUTC());

    assertThat(source.poll().regions())
        .containsEntry("us-west-2", RegionHealth.UNKNOWN)
        .containsEntry("us-east-1", RegionHealth.UNKNOWN);
  }

  @Test
  void secondStartFailsAndSecondCloseIsHarmless() {
    ObserverDaemon d = start(List.of(new ProbeTarget("us-west-2", StoreKind.REDIS, redis.address)));

    assertThatThrownBy(d::start).isInstanceOf(IllegalStateException.class);
    d.close();
    d.close();
  }

  @Test
  void withACertificateItServesItsViewOverHttpsToAPollerThatTrustsItsAuthorityOnly(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    io.summit.dr.access.CertificateAuthority.Files ca =
        io.summit.dr.access.CertificateAuthority.create(
            dir.resolve("tls"), "observer-test CA", List.of("127.0.0.1"));
    io.summit.dr.access.AccessOptions options =
        io.summit.dr.access.AccessOptions.split(
            List.of(
                "--tls-cert", ca.serverCert().toString(), "--tls-key", ca.serverKey().toString()));
    ObserverDaemonConfig config =
        new ObserverDaemonConfig(
            "us-east-1",
            "127.0.0.1",
            0,
            List.of(new ProbeTarget("us-west-2", StoreKind.REDIS, redis.address)),
            Duration.ofMillis(100),
            Duration.ofMillis(80));
    ObserverDaemon d =
        new ObserverDaemon(config, Clock.systemUTC(), scheduler).serving(options.serverTls());
    daemon = d;
    d.start();
    assertThat(d.scheme()).isEqualTo("https");
    URI at = URI.create("https://127.0.0.1:" + d.address().getPort());
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> d.view().health("us-west-2") == RegionHealth.UP);

    // a first handshake in a fresh JVM loads the TLS classes: a generous timeout, not a race
    HttpObserverSource trusting =
        new HttpObserverSource(
            "observer-us-east-1",
            "us-east-1",
            at,
            List.of("us-west-2"),
            Duration.ofSeconds(3),
            Clock.systemUTC(),
            null,
            io.summit.dr.access.Tls.trusting(ca.caCert()));
    HttpObserverSource jdkOnly =
        new HttpObserverSource(
            "observer-us-east-1",
            "us-east-1",
            at,
            List.of("us-west-2"),
            Duration.ofSeconds(3),
            Clock.systemUTC());
    assertThat(trusting.poll().health("us-west-2")).isEqualTo(RegionHealth.UP);
    assertThat(jdkOnly.poll().health("us-west-2")).isEqualTo(RegionHealth.UNKNOWN);
    assertThatThrownBy(
            () ->
                http.send(
                    HttpRequest.newBuilder(base(d).resolve("/healthz"))
                        .timeout(Duration.ofSeconds(2))
                        .build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void argumentsAreReadBackIntoTheSameConfig() {
    ObserverDaemonConfig config =
        new ObserverDaemonConfig(
            "us-east-1",
            "127.0.0.1",
            7300,
            List.of(
                new ProbeTarget("us-west-2", StoreKind.POSTGRES, redis.address),
                new ProbeTarget("us-west-2", StoreKind.REDIS, redis.address)),
            Duration.ofMillis(200),
            Duration.ofMillis(150));

    assertThat(ObserverDaemonConfig.parse(ObserverDaemon.arguments(config))).isEqualTo(config);
  }
}
