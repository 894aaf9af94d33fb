package io.summit.dr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.drill.DrillMetrics;
import io.summit.dr.drill.DrillResult;
import io.summit.dr.drill.Scenario;
import io.summit.dr.drill.Timeline;
import io.summit.dr.drill.canary.Outcome;
import io.summit.dr.drill.check.HistoryChecks;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code demo --json}: refused before anything starts, and the summary it prints. */
class DemoCommandTest {
  private static final long MS = 1_000_000L;

  @TempDir Path dir;

  @Test
  void aBadOptionInJsonModeIsRefusedBeforeALabStartsWithNoJson() {
    CliRun run = CliRun.of("demo", "--json", "--dir", dir.toString(), "--window", "forever");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("--window: 'forever'");
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void reportHasEachRunsFiguresTheTargetsAndTheReportPaths() throws Exception {
    DrillResult cold = run(Scenario.REGION_FAILURE, 1, "us-west-2", "us-east-1", 1200);
    DrillResult failback = run(Scenario.FAILBACK, 1, "us-east-1", "us-west-2", 300);
    DrillResult warm = run(Scenario.REGION_FAILURE, 2, "us-west-2", "us-east-1", 600);

    String text = JsonOption.text(DemoCommand.Report.of(dir, true, cold, warm, failback, 201.234));

    JsonNode json = new ObjectMapper().readTree(text);
    assertThat(json.get("lab_dir").asText()).isEqualTo(dir.toString());
    assertThat(json.get("lab_started").asBoolean()).isTrue();
    assertThat(json.get("seconds").asDouble()).isEqualTo(201.2);
    JsonNode first = json.at("/region_failure/first");
    assertThat(first.get("scenario").asText()).isEqualTo("region-failure");
    assertThat(first.get("run").asInt()).isEqualTo(1);
    assertThat(first.get("rto_write_s").asDouble()).isGreaterThan(1.0);
    assertThat(first.get("lost_writes").asInt()).isZero();
    assertThat(first.get("window_s").asDouble()).isEqualTo(60.0);
    assertThat(first.get("warmup_steady").asBoolean()).isTrue();
    assertThat(first.get("report").asText()).isEqualTo("reports/region-failure-1.html");
    assertThat(first.get("report_json").asText()).isEqualTo("reports/region-failure-1.json");
    assertThat(json.at("/region_failure/second/run").asInt()).isEqualTo(2);
    assertThat(json.at("/failback/scenario").asText()).isEqualTo("failback");
    assertThat(json.at("/targets/rto_write_s").asDouble()).isEqualTo(2.0);
    assertThat(json.at("/targets/read_availability").asDouble()).isEqualTo(0.999);
    assertThat(json.get("writer_region").asText()).isEqualTo("us-east-1");
    assertThat(json.get("down_region").asText()).isEqualTo("us-west-2");
    assertThat(json.get("safe").asBoolean()).isTrue();
    assertThat(json.get("reports")).hasSize(3);
    assertThat(json.get("reports").get(2).asText()).isEqualTo("reports/failback-1.html");
  }

  /** A run whose writes fail for {@code pauseMs} after T0, nothing lost, reads never failing. */
  private static DrillResult run(
      Scenario scenario, int run, String before, String after, long pauseMs) {
    long t0 = 2_000 * MS;
    List<Outcome> outcomes = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      long at = i * 10 * MS;
      boolean down = at >= t0 && at < t0 + pauseMs * MS;
      String writer = at < t0 ? before : after;
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
              Outcome.Kind.READ, -1, "s1", at + 5 * MS, at + 7 * MS, 200, null, after, null));
    }
    DrillMetrics metrics =
        DrillMetrics.compute(
            outcomes, t0, Duration.ofSeconds(2), Map.of("postgres", Set.of()), before, after);
    String name = "reports/" + scenario.wireName() + "-" + run;
    return new DrillResult(
        scenario,
        run,
        Instant.parse("2026-12-03T12:00:00Z"),
        new DrillResult.Settings(200, 200, 60, 5.5, true, List.of(40.0), "127.0.0.1:26920", "lab"),
        before,
        after,
        new DrillResult.PlanSummary("plan-" + run, "failover", "succeeded", false, null),
        metrics,
        List.of(),
        List.of(),
        new Timeline(-2, 0.5, List.of(), List.of(), List.of(), List.of(), List.of()),
        List.of(),
        List.of(),
        true,
        Path.of(name + ".json"),
        Path.of(name + ".html"),
        HistoryChecks.none(),
        null);
  }
}
