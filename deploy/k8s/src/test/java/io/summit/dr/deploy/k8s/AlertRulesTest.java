package io.summit.dr.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The alert rules of {@code deploy/prometheus}: {@code promtool check rules} and {@code promtool
 * test rules} (Debian's prometheus package, installed by .ci/setup).
 */
class AlertRulesTest {
  static final Path DIR = Path.of("../prometheus");

  @Test
  void promtoolChecksTheRules() throws Exception {
    String out = promtool("check", "rules", "rules.yml");
    assertThat(out).contains("SUCCESS");
  }

  @Test
  void promtoolUnitTestsOfTheRulesPass() throws Exception {
    String out = promtool("test", "rules", "rules-test.yml");
    assertThat(out).contains("SUCCESS");
  }

  @Test
  void everyAlertTheIssueAsksForIsThere() throws Exception {
    String rules = java.nio.file.Files.readString(DIR.resolve("rules.yml"));
    assertThat(rules)
        .contains(
            "alert: SummitRegionUnreachable",
            "alert: SummitReplicationLagOverBudget",
            "alert: SummitReplicationLagUnknown",
            "alert: SummitOrchestratorLeaseLost",
            "alert: SummitAgentFencedItsRegion",
            "alert: SummitPlanFailed",
            "alert: SummitPlanWaitingForApproval",
            "alert: SummitPartitionSuspected");
  }

  static String promtool(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("promtool"));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ":\n" + out).isZero();
    return out;
  }
}
