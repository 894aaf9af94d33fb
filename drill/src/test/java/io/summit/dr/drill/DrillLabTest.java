package io.summit.dr.drill;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.lab.Lab;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Drills against a real lab (PostgreSQL, Redis, WAN, observers, orchestrator, edge router and the
 * regions' service clusters, each its own process): a region failure and a switchover, asserting
 * the safety results. Timings are printed (target/surefire-reports), not asserted: they are the
 * drill's measurements, and this machine is shared.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@org.junit.jupiter.api.extension.ExtendWith(SharedLab.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DrillLabTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WEST = "us-west-2";
  private static final String EAST = "us-east-1";

  private Lab lab;
  private Path reports;
  private @Nullable DrillResult regionFailure;
  private final Drill.Progress progress =
      new Drill.Progress() {
        @Override
        public void step(String line) {
          System.out.println(line);
        }

        @Override
        public void live(String line) {
          System.out.println("  " + line);
        }
      };

  @BeforeAll
  void up(Lab shared) {
    lab = shared;
    reports = Path.of("target", "drill-reports").toAbsolutePath();
  }

  private DrillResult drill(Scenario scenario) {
    // the observation window: writes must recover within it; 15 s was too short on a loaded
    // machine (a fresh-clone CI run: failover done, writes not back in 15 s); 40 s cost the suite
    // 30 s for nothing (writes back within 3 s in the CI runs since)
    return drill(scenario, Duration.ofSeconds(25));
  }

  private DrillResult drill(Scenario scenario, Duration window) {
    Drill.Options options =
        new Drill.Options(
            scenario, window, Duration.ofSeconds(3), 100, 100, 10, Duration.ofSeconds(2), reports);
    DrillResult r = new Drill(lab, options, progress).run(1);
    System.out.println(DrillReport.summary(r).toPrettyString());
    return r;
  }

  private JsonNode get(String url) throws Exception {
    HttpResponse<String> r =
        io.summit.dr.access.Tls.client(
                Duration.ofSeconds(2), io.summit.dr.lab.LabTls.trust(lab.dir()))
            .send(
                HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(5))
                    .header(
                        "Authorization",
                        java.util.Objects.requireNonNull(
                                io.summit.dr.lab.LabAccess.token(
                                    lab.dir(), io.summit.dr.lab.LabAccess.VIEWER))
                            .authorization())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  @Test
  @Order(1)
  void aKilledWriterRegionFailsOverWithNoSplitBrainAndNoLossTheSurvivorAcknowledged()
      throws Exception {
    DrillResult r = drill(Scenario.REGION_FAILURE);
    regionFailure = r;
    DrillMetrics m = r.metrics();

    DrillResult.PlanSummary plan = java.util.Objects.requireNonNull(r.plan(), "no plan ran");
    assertThat(plan.state()).as(plan.toString()).isEqualTo("succeeded");
    assertThat(r.writerBefore()).isEqualTo(WEST);
    assertThat(r.writerAfter()).isEqualTo(EAST);
    assertThat(m.rtoWriteS()).as("writes through the edge router recovered").isNotNull();
    assertThat(m.splitBrainWrites()).isZero();
    assertThat(m.lostAckedBySurvivingWriter())
        .as("writes the new writer acknowledged, missing")
        .isZero();
    assertThat(m.lost()).hasSize((int) m.lostWrites());
    assertThat(m.ackedWrites()).isGreaterThan(m.lostWrites() + 500);
    // The edge router writes to us-east-1, and us-east-1's service grew to us-west-2's size.
    assertThat(
            get(io.summit.dr.lab.LabTls.url(lab.dir(), "router", lab.layout().edgeRouterAdmin())
                    + "/v1/routing")
                .get("writer")
                .asText())
        .isEqualTo(EAST);
    assertThat(
            get(io.summit.dr.lab.LabTls.url(lab.dir(), "cluster", lab.layout().cluster(EAST))
                    + "/v1/cluster")
                .get("ready")
                .asInt())
        .isGreaterThanOrEqualTo(2);
    assertThat(r.steps())
        .filteredOn(s -> s.name().equals("scale-up"))
        .singleElement()
        .satisfies(s -> assertThat(s.outcome()).isEqualTo("applied"));
    assertThat(Files.readString(r.reportJson())).contains("\"rto_write_s\"");
  }

  @Test
  @Order(2)
  void aSwitchoverUnderTheCanaryLosesNoAcknowledgedWrite() {
    // The lab is failed over with us-west-2 back and fenced: the drill fails back first. A window
    // of 5 s (the shortest) closes before the plan ends (its rejoin alone took 8 s in CI): the
    // canary runs on until 5 s after it ended, and the figures cover that much.
    DrillResult r = drill(Scenario.SWITCHOVER, Duration.ofSeconds(5));
    DrillMetrics m = r.metrics();
    double planEndS =
        r.steps().stream()
            .map(DrillResult.Step::endS)
            .filter(java.util.Objects::nonNull)
            .mapToDouble(Double::doubleValue)
            .max()
            .orElseThrow();
    assertThat(r.settings().windowS())
        .as("the window the figures cover reaches past the plan's end")
        .isGreaterThanOrEqualTo(planEndS + Drill.AFTER_PLAN.toSeconds() - 1);
    assertThat(m.rtoWriteS()).as("writes recovered within the run").isNotNull();

    DrillResult.PlanSummary plan = java.util.Objects.requireNonNull(r.plan(), "no plan ran");
    assertThat(plan.state()).as(plan.toString()).isEqualTo("succeeded");
    assertThat(r.writerBefore()).isEqualTo(WEST);
    assertThat(r.writerAfter()).isEqualTo(EAST);
    assertThat(m.lostWrites()).isZero();
    assertThat(m.lost()).isEmpty();
    assertThat(m.splitBrainWrites()).isZero();
    assertThat(m.ackedWrites()).isGreaterThan(300);
  }

  @Test
  @Order(3)
  void theRegionFailureReportOpensInChromiumWithItsPlanOnTheChart() {
    DrillResult regionFailure =
        java.util.Objects.requireNonNull(this.regionFailure, "the region-failure drill ran");

    try (Chromium browser = new Chromium()) {
      Chromium.Page page = browser.open(regionFailure.reportHtml());

      assertThat(page.error()).isEmpty();
      assertThat(page.chartStats().get("steps")).isEqualTo((long) regionFailure.steps().size());
      assertThat(browser.count("#timeline .marker-fault")).isEqualTo(1);
      assertThat(browser.count("#steps tbody tr")).isEqualTo(regionFailure.steps().size());
    }
  }
}
