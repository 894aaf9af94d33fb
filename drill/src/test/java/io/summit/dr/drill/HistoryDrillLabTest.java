package io.summit.dr.drill;

import static org.assertj.core.api.Assertions.assertThat;

import io.summit.dr.drill.check.CheckResult;
import io.summit.dr.drill.check.HistoryChecks;
import io.summit.dr.drill.check.Linearizability;
import io.summit.dr.drill.check.SplitBrain;
import io.summit.dr.lab.Lab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The isolation drills and a short chaos drill on a real lab, their histories asserted by the
 * checkers: no split brain and every register key linearizable. Times are printed, not asserted.
 *
 * <p>Part of the default suite: about two minutes on a quiet 2-core machine, plus the start of the
 * lab it shares with {@link DrillLabTest} ({@link SharedLab}) when it runs first.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@org.junit.jupiter.api.extension.ExtendWith(SharedLab.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HistoryDrillLabTest {
  private Lab lab;
  private Path reports;
  private final Drill.Progress progress =
      new Drill.Progress() {
        @Override
        public void step(String line) {
          System.out.println(line);
        }

        @Override
        public void live(String line) {}
      };

  @BeforeAll
  void up(Lab shared) {
    lab = shared;
    reports = Path.of("target", "drill-reports").toAbsolutePath();
  }

  private DrillResult drill(Scenario scenario) {
    Drill.Options options =
        new Drill.Options(
            scenario,
            Duration.ofSeconds(16),
            Duration.ofSeconds(3),
            100,
            100,
            10,
            Duration.ofSeconds(2),
            reports);
    long t = System.nanoTime();
    DrillResult r = new Drill(lab, options, progress).run(1);
    System.out.println(DrillReport.summary(r).toPrettyString());
    System.out.printf("%s drill took %.1fs%n", scenario.wireName(), (System.nanoTime() - t) / 1e9);
    return r;
  }

  private static void assertSafe(HistoryChecks c) throws Exception {
    assertThat(c.result(SplitBrain.NAME))
        .extracting(CheckResult::verdict)
        .isEqualTo(CheckResult.Verdict.VALID);
    assertThat(c.violations(Linearizability.NAME)).isZero();
    assertThat(c.history()).isNotNull();
    List<String> lines = Files.readAllLines(Path.of(c.history()));
    assertThat(lines).anyMatch(l -> l.contains("\"type\":\"invoke\""));
    assertThat(lines).anyMatch(l -> l.contains("\"f\":\"register_write\""));
    assertThat(lines).anyMatch(l -> l.contains("\"client\":\"us-west-2\""));
  }

  /**
   * The isolated writer acknowledges entity writes until its agent fences it (up to ~1 s); those
   * are lost with asynchronous replication (counted, explained by the RPO budget). Registers are
   * strict (acknowledged only once the other region applied them), so every register key stays
   * linearizable through the failover.
   */
  @Test
  @Order(3)
  void isolatingTheWriterRegionMakesNoSplitBrainInTheHistory() throws Exception {
    DrillResult r = drill(Scenario.ISOLATE);
    assertSafe(r.checks());
    assertThat(r.metrics().splitBrainWrites()).isZero();
  }

  @Test
  @Order(2)
  void cuttingTheWriterRegionFromEdgeAndWitnessMakesNoSplitBrainInTheHistory() throws Exception {
    DrillResult r = drill(Scenario.EDGE_ISOLATION);
    assertSafe(r.checks());
    assertThat(r.metrics().splitBrainWrites()).isZero();
  }

  @Test
  @Order(1)
  void threeChaosSchedulesWithAFixedSeedShowNoSplitBrainNorNonLinearizableKey() throws Exception {
    long t = System.nanoTime();
    ChaosDrill.Options o =
        new ChaosDrill.Options(
            3,
            20261201L,
            2,
            50,
            50,
            Duration.ofSeconds(60),
            reports,
            HistoryChecks.Settings.defaults());
    ChaosDrill chaos = new ChaosDrill(lab, o, progress);
    List<ChaosDrill.ScheduleResult> runs = chaos.run(r -> {});
    System.out.println(ChaosReport.summary(o.seed(), chaos.faults(), runs).toPrettyString());
    System.out.println("report " + ChaosReport.write(reports, o.seed(), chaos.faults(), runs));
    System.out.printf("chaos: 3 schedules took %.1fs%n", (System.nanoTime() - t) / 1e9);
    assertThat(runs).hasSize(3);
    for (ChaosDrill.ScheduleResult r : runs) {
      assertThat(r.faults()).isNotEmpty();
      assertSafe(r.checks());
    }
  }
}
