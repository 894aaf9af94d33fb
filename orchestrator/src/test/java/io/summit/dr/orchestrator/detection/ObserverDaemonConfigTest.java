package io.summit.dr.orchestrator.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.summit.dr.topology.StoreKind;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObserverDaemonConfigTest {
  private static final List<String> TARGET = List.of("--target", "us-west-2=redis@127.0.0.1:7011");

  private static List<String> args(String... more) {
    List<String> all = new java.util.ArrayList<>(List.of(more));
    all.addAll(TARGET);
    return all;
  }

  @Test
  void readsEveryOption() {
    ObserverDaemonConfig config =
        ObserverDaemonConfig.parse(
            List.of(
                "--region", "us-east-1",
                "--listen", "127.0.0.1:0",
                "--target", "us-west-2=postgres@127.0.0.1:7010",
                "--target", "us-west-2=redis@127.0.0.1:7011",
                "--interval", "200ms",
                "--timeout", "150ms",
                "--edge", "127.0.0.1:7321"));

    assertThat(config.region()).isEqualTo("us-east-1");
    assertThat(config.listenPort()).isZero();
    assertThat(config.targets())
        .extracting(ProbeTarget::kind)
        .containsExactly(StoreKind.POSTGRES, StoreKind.REDIS);
    assertThat(config.interval()).isEqualTo(Duration.ofMillis(200));
    assertThat(config.timeout()).isEqualTo(Duration.ofMillis(150));
    assertThat(config.edge()).hasToString("http://127.0.0.1:7321");
    assertThat(ObserverDaemon.arguments(config))
        .containsSequence("--edge", "http://127.0.0.1:7321");
    assertThat(
            ObserverDaemonConfig.parse(
                    args(
                        "--region",
                        "us-east-1",
                        "--listen",
                        "127.0.0.1:0",
                        "--edge",
                        "https://127.0.0.1:7321"))
                .edge())
        .hasToString("https://127.0.0.1:7321");
    assertThat(
            ObserverDaemonConfig.parse(args("--region", "us-east-1", "--listen", "127.0.0.1:0"))
                .edge())
        .isNull();
  }

  @Test
  void badEdgeAddressIsNamed() {
    assertThatThrownBy(
            () ->
                ObserverDaemonConfig.parse(
                    args("--region", "us-east-1", "--listen", "127.0.0.1:0", "--edge", "edge")))
        .hasMessageStartingWith("--edge: 'edge' (expected: https://HOST:PORT");
  }

  @Test
  void missingRegionIsNamed() {
    assertThatThrownBy(() -> ObserverDaemonConfig.parse(args("--listen", "127.0.0.1:0")))
        .hasMessageStartingWith("--region: missing");
  }

  @Test
  void badListenAddressIsNamed() {
    assertThatThrownBy(
            () -> ObserverDaemonConfig.parse(args("--region", "us-east-1", "--listen", "nowhere")))
        .hasMessageStartingWith("--listen: 'nowhere'");
  }

  @Test
  void badTargetIsNamed() {
    assertThatThrownBy(
            () ->
                ObserverDaemonConfig.parse(
                    List.of(
                        "--region", "us-east-1",
                        "--listen", "127.0.0.1:0",
                        "--target", "us-west-2=mysql@127.0.0.1:1")))
        .hasMessageStartingWith("--target: ")
        .hasMessageContaining("kind 'mysql' (expected: postgres or redis)");
  }

  @Test
  void targetInTheDaemonsOwnRegionIsRefused() {
    assertThatThrownBy(
            () ->
                ObserverDaemonConfig.parse(
                    args("--region", "us-west-2", "--listen", "127.0.0.1:0")))
        .hasMessageContaining("--target: us-west-2=redis@127.0.0.1:7011 is in the daemon's own");
  }

  @Test
  void timeoutLongerThanIntervalIsRefused() {
    assertThatThrownBy(
            () ->
                ObserverDaemonConfig.parse(
                    args(
                        "--region", "us-east-1",
                        "--listen", "127.0.0.1:0",
                        "--interval", "100ms",
                        "--timeout", "200ms")))
        .hasMessage("--timeout: 200ms > --interval 100ms (expected: timeout <= interval)");
  }

  @Test
  void badDurationAndUnknownOptionAreNamed() {
    assertThatThrownBy(
            () ->
                ObserverDaemonConfig.parse(
                    args("--region", "us-east-1", "--listen", "127.0.0.1:0", "--interval", "soon")))
        .hasMessageStartingWith("--interval: 'soon' is not a duration");
    assertThatThrownBy(() -> ObserverDaemonConfig.parse(List.of("--colour", "blue")))
        .hasMessageStartingWith("--colour: unknown option");
    assertThatThrownBy(() -> ObserverDaemonConfig.parse(List.of("--region")))
        .hasMessage("--region: missing value");
  }
}
