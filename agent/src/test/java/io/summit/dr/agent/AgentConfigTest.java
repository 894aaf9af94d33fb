package io.summit.dr.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AgentConfigTest {
  private final AgentConfig defaults = AgentConfig.of("summit", "us-west-2");

  @Test
  void defaultsFollowTheProtocol() {
    assertThat(defaults.leaseTtl()).isEqualTo(Duration.ofSeconds(1));
    assertThat(defaults.renewInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(defaults.fenceBudget()).isEqualTo(Duration.ofMillis(400));
    assertThat(defaults.checkInterval()).isEqualTo(Duration.ofMillis(50));
    assertThat(defaults.writerKey()).isEqualTo("/summit-dr/summit/writer");
    assertThat(defaults.authorityKey()).isEqualTo("/summit-dr/summit/authority/us-west-2");
  }

  @Test
  void refusesATtlEtcdCannotGrant() {
    assertThatThrownBy(
            () -> defaults.withTimings(Duration.ofMillis(1500), ms(250), ms(400), ms(50)))
        .hasMessage("leaseTtl: 1500ms (expected: a whole number of seconds, at least 1s)");
  }

  @Test
  void refusesARenewalIntervalThatLeavesNoRenewalBeforeTheDeadline() {
    assertThatThrownBy(() -> defaults.withTimings(Duration.ofSeconds(1), ms(600), ms(400), ms(50)))
        .hasMessage(
            "renewInterval: 600ms (expected: shorter than leaseTtl - fenceBudget = 600ms, so a"
                + " renewal is sent before the deadline)");
  }

  @Test
  void refusesABudgetNoShorterThanTheTtlAndACheckNoShorterThanTheBudget() {
    assertThatThrownBy(() -> defaults.withTimings(Duration.ofSeconds(1), ms(250), ms(1000), ms(50)))
        .hasMessage("fenceBudget: 1000ms (expected: shorter than leaseTtl 1000ms)");
    assertThatThrownBy(() -> defaults.withTimings(Duration.ofSeconds(1), ms(250), ms(400), ms(400)))
        .hasMessageStartingWith("checkInterval: 400ms (expected: shorter than fenceBudget 400ms");
  }

  @Test
  void reportsEveryProblemAtOnce() {
    assertThatThrownBy(
            () -> new AgentConfig("", "a/b", Duration.ZERO, ms(0), ms(400), ms(50), ms(500)))
        .hasMessage(
            "topology: '' (expected: a non-blank name without '/'); region: 'a/b' (expected: a"
                + " non-blank name without '/'); renewInterval: 0ms (expected: a duration > 0);"
                + " leaseTtl: 0ms (expected: a whole number of seconds, at least 1s)");
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }
}
