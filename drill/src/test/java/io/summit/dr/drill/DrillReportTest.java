package io.summit.dr.drill;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.summit.dr.drill.canary.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report files, and the HTML page as a browser shows it. */
class DrillReportTest {
  private static final long MS = 1_000_000L;
  @TempDir Path dir;

  /** A region failure: writes fail for 1.2 s after T0, reads never, one write lost. */
  static DrillResult sample(Path dir) {
    long t0 = 5_000 * MS;
    List<Outcome> outcomes = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      long at = i * 10 * MS;
      boolean down = at >= t0 && at < t0 + 1200 * MS;
      String writer = at < t0 ? "us-west-2" : "us-east-1";
      outcomes.add(
          new Outcome(
              Outcome.Kind.WRITE,
              i,
              "w" + i,
              at,
              at + 3 * MS,
              down ? 503 : 201,
              down ? null : writer,
              writer,
              down ? "no writer region" : null));
      outcomes.add(
          new Outcome(
              Outcome.Kind.READ, -1, "s1", at + 5 * MS, at + 7 * MS, 200, null, "us-east-1", null));
    }
    DrillMetrics m =
        DrillMetrics.compute(
            outcomes,
            t0,
            Duration.ofSeconds(4),
            Map.of("postgres", Set.of("w499"), "redis", Set.of()),
            "us-west-2",
            "us-east-1");
    DrillResult r =
        new DrillResult(
            Scenario.REGION_FAILURE,
            1,
            Instant.parse("2026-11-30T12:00:00Z"),
            new DrillResult.Settings(
                100, 100, 4, 5, true, List.of(40.0, 42.0, 39.0), "127.0.0.1:26920", "/tmp/lab"),
            "us-west-2",
            "us-east-1",
            new DrillResult.PlanSummary("failover-1", "failover", "succeeded", false, null),
            m,
            List.of(
                new DrillResult.Step(
                    "stop-writes",
                    "stop-writes",
                    "us-west-2",
                    0.95,
                    0.96,
                    "applied",
                    "router: writer us-west-2 -> null"),
                new DrillResult.Step(
                    "promote/postgres", "promote", "us-east-1", 0.97, 1.1, "applied", "promoted")),
            List.of(new DrillResult.Event(0.9, "region-failed", "{\"region\":\"us-west-2\"}")),
            Timeline.of(outcomes, t0, -5, 5, 0.5),
            Drill.failures(outcomes, t0),
            List.of("a note </script><b>not markup</b>"),
            true,
            Path.of(""),
            Path.of(""),
            io.summit.dr.drill.check.HistoryChecks.none(),
            null);
    return DrillReport.write(r, dir);
  }

  @Test
  void writesTheJsonWithTheDesignsFieldNamesAndTheSummaryLine() throws Exception {
    DrillResult r = sample(dir);

    JsonNode json = DrillReport.JSON.readTree(Files.readString(r.reportJson()));
    JsonNode summary = DrillReport.summary(r);

    assertThat(json.at("/metrics/rto_write_s").asDouble()).isEqualTo(1.203);
    assertThat(json.at("/timeline/writes_ok").size()).isEqualTo(20);
    for (String field :
        List.of(
            "scenario",
            "rto_write_s",
            "read_availability",
            "acked_writes",
            "lost_writes",
            "rpo_window_s",
            "split_brain_writes",
            "steps",
            "report")) {
      assertThat(summary.has(field)).as(field).isTrue();
    }
    assertThat(summary.get("scenario").asText()).isEqualTo("region-failure");
    assertThat(summary.get("lost_writes").asLong()).isEqualTo(1);
    assertThat(summary.get("lost_acked_at_s").get(0).asDouble()).isEqualTo(-0.007);
    assertThat(json.at("/metrics/lost/0/stores/0").asText()).isEqualTo("postgres");
    assertThat(summary.at("/steps/0/name").asText()).isEqualTo("stop-writes");
    assertThat(summary.get("report").asText()).endsWith(".html");
  }

  @Test
  void theSummaryOfSeveralRunsHasTheMedianAndMaxOfRtoAndRpo() {
    DrillResult one = sample(dir);

    JsonNode s = DrillReport.summary(List.of(one, one, one));

    assertThat(s.get("summary").asBoolean()).isTrue();
    assertThat(s.get("rto_write_s_median").asDouble()).isEqualTo(1.203);
    assertThat(s.get("rto_write_s_max").asDouble()).isEqualTo(1.203);
    assertThat(s.has("rpo_window_s_median")).isTrue();
    assertThat(s.get("runs").asInt()).isEqualTo(3);
  }

  @Test
  void theHtmlReportDrawsItsTimelineInChromium() throws Exception {
    DrillResult r = sample(dir);

    try (Chromium browser = new Chromium()) {
      Chromium.Page page = browser.open(r.reportHtml());

      assertThat(page.error()).isEmpty();
      assertThat(page.title()).isEqualTo("Summit DR drill: region-failure, run 1");
      assertThat(page.chartStats())
          .containsEntry("points", 20L)
          .containsEntry("series", 3L)
          .containsEntry("steps", 2L);
      assertThat(browser.count("#timeline .series-writes-failed")).isPositive();
      assertThat(browser.count("#timeline .marker-fault")).isEqualTo(1);
      assertThat(browser.count("#timeline .marker-rto")).isEqualTo(1);
      assertThat(browser.count(".card.fail")).isEqualTo(0);
      assertThat(browser.count("#lost tbody tr")).as("the one lost write, listed").isEqualTo(1);
      assertThat(page.screenshot().length).isGreaterThan(10_000);
    }
  }

  /**
   * {@code r} with residency figures: one pinned read answered from outside its class's regions.
   */
  private DrillResult withResidency(DrillResult r) {
    ResidencyFigures f =
        new ResidencyFigures(
            List.of("gov"),
            "gov",
            40,
            30,
            1,
            10,
            0,
            List.of("read acme-gov-r-seed1 answered by us-east-1"),
            3,
            List.of("objects-us-west-2 at 127.0.0.1:1: connection refused"));
    return DrillReport.write(
        new DrillResult(
            r.scenario(),
            r.run(),
            r.t0(),
            r.settings(),
            r.writerBefore(),
            r.writerAfter(),
            r.plan(),
            r.metrics(),
            r.steps(),
            r.events(),
            r.timeline(),
            r.failures(),
            r.notes(),
            r.audited(),
            r.reportJson(),
            r.reportHtml(),
            r.checks(),
            r.leaderKill(),
            f),
        dir);
  }

  @Test
  void theRequestsByZoneAreInTheReportAndTheSummaryWhenAZoneWasNamedElseNull() throws Exception {
    DrillResult without = sample(dir);
    ZoneFigures zones =
        new ZoneFigures(
            java.util.Map.of("us-west-2a", new ZoneFigures.Counts(10, 1, 20, 0)),
            new ZoneFigures.Counts(0, 5, 0, 2));
    DrillResult with =
        DrillReport.write(
            new DrillResult(
                without.scenario(),
                without.run(),
                without.t0(),
                without.settings(),
                without.writerBefore(),
                without.writerAfter(),
                without.plan(),
                without.metrics(),
                without.steps(),
                without.events(),
                without.timeline(),
                without.failures(),
                without.notes(),
                without.audited(),
                without.reportJson(),
                without.reportHtml(),
                without.checks(),
                without.leaderKill(),
                without.residency(),
                zones),
            dir);

    assertThat(DrillReport.summary(without).get("requests_by_zone").isNull()).isTrue();
    JsonNode summary = DrillReport.summary(with);
    assertThat(summary.at("/requests_by_zone/zones/us-west-2a/writes_ok").asLong()).isEqualTo(10);
    assertThat(summary.at("/requests_by_zone/zones/us-west-2a/writes_failed").asLong())
        .isEqualTo(1);
    assertThat(summary.at("/requests_by_zone/no_zone/reads_failed").asLong()).isEqualTo(2);
    JsonNode json = DrillReport.JSON.readTree(Files.readString(with.reportJson()));
    assertThat(json.at("/zones/zones/us-west-2a/reads_ok").asLong()).isEqualTo(20);
    try (Chromium browser = new Chromium()) {
      Chromium.Page page = browser.open(with.reportHtml());

      assertThat(page.error()).isEmpty();
      assertThat(browser.count("#figures tbody tr"))
          .as("9 figures, one per zone, no zone")
          .isEqualTo(11);
    }
  }

  @Test
  void theResidencyViolationsAreInTheSummaryAndFailTheirCardWithoutClassesThereIsNone()
      throws Exception {
    DrillResult without = sample(dir);
    DrillResult with = withResidency(without);

    assertThat(DrillReport.summary(without).get("residency").isNull()).isTrue();
    JsonNode summary = DrillReport.summary(with);
    assertThat(summary.at("/residency/violations").asLong()).isEqualTo(1);
    assertThat(summary.at("/residency/served_outside").asLong()).isEqualTo(1);
    assertThat(summary.at("/residency/refused").asLong()).isEqualTo(10);
    assertThat(
            DrillReport.summary(List.of(with, without)).get("residency_violations_total").asLong())
        .isEqualTo(1);
    try (Chromium browser = new Chromium()) {
      Chromium.Page page = browser.open(with.reportHtml());

      assertThat(page.error()).isEmpty();
      assertThat(browser.count(".card.fail")).as("the residency card").isEqualTo(1);
      assertThat(browser.count(".card")).isEqualTo(6);
    }
  }
}
