package io.summit.dr.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.summit.dr.orchestrator.api.ApiServer;
import io.summit.dr.replication.StoreRole;
import io.summit.dr.topology.Topology;
import io.summit.dr.topology.TopologyLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The orchestrator's {@code /metrics} text (ApiServer#scrape), on store nodes a test controls. */
class OrchestratorMetricsTest {
  private static final String WEST = "us-west-2";
  private static final String EAST = "us-east-1";

  @TempDir Path state;
  private final FakeStores stores = new FakeStores(Clock.systemUTC());
  private final Map<String, Object> view = new LinkedHashMap<>();
  private Orchestrator orchestrator;
  private ApiServer api;

  @BeforeEach
  void start() {
    Topology lab = TopologyLoader.load(Path.of("..", "examples", "lab.yaml"));
    for (String store : List.of("postgres", "redis")) {
      stores.node(store, WEST).role = StoreRole.PRIMARY;
      stores.node(store, EAST).role = StoreRole.REPLICA;
      stores.node(store, EAST).lagSeconds = 0.25;
    }
    orchestrator = new Orchestrator(lab, stores, null, null, state, Clock.systemUTC());
    orchestrator.resume();
    orchestrator.superviseOnce();
    api = new ApiServer(orchestrator, () -> view);
  }

  @AfterEach
  void stop() {
    orchestrator.close();
  }

  @Test
  void replicationLagPerStoreComesWithItsAgeAndBudget() {
    String text = api.scrape();

    assertThat(
            value(
                text, "summit_dr_replication_lag_seconds{region=\"us-east-1\",store=\"postgres\"}"))
        .isEqualTo(0.25);
    assertThat(value(text, "summit_dr_replication_rpo_budget_seconds{store=\"postgres\"}"))
        .isEqualTo(0.5);
    assertThat(
            value(
                text,
                "summit_dr_replication_lag_age_seconds{region=\"us-east-1\",store=\"redis\"}"))
        .isBetween(0.0, 60.0);
    assertThat(value(text, "summit_dr_writer_region{region=\"us-west-2\"}")).isEqualTo(1.0);
  }

  @Test
  void observersDisagreeingWithoutQuorumIsASuspectedPartition() {
    view.put(
        WEST,
        Map.of(
            "writer", true,
            "failed", false,
            "observers", Map.of("orchestrator", "down", "observer-us-east-1", "up")));
    view.put(
        EAST, Map.of("writer", false, "failed", true, "observers", Map.of("orchestrator", "down")));

    String text = api.scrape();

    assertThat(value(text, "summit_dr_partition_suspected{region=\"us-west-2\"}")).isEqualTo(1.0);
    assertThat(value(text, "summit_dr_partition_suspected{region=\"us-east-1\"}")).isEqualTo(0.0);
    assertThat(value(text, "summit_dr_detection_region_failed{region=\"us-east-1\"}"))
        .isEqualTo(1.0);
    assertThat(
            value(
                text,
                "summit_dr_observer_region_up{observer=\"orchestrator\",region=\"us-west-2\"}"))
        .isEqualTo(0.0);
  }

  @Test
  void metricsFollowPrometheusConventionsAndIncludeTheJvm() {
    String text = api.scrape();

    assertThat(text).contains("jvm_memory_used_bytes", "process_uptime_seconds");
    assertThat(text)
        .contains("summit_dr_plans_total 0")
        .doesNotContain("# TYPE summit_dr_plans gauge");
    List<String> badLabels = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.startsWith("#") && (line.contains("instance=\"") || line.contains("job=\""))) {
        badLabels.add(line);
      }
    }
    assertThat(badLabels).as("labels named instance or job").isEmpty();
    Matcher counters = Pattern.compile("(?m)^# TYPE (\\S+) counter$").matcher(text);
    while (counters.find()) {
      String family = counters.group(1);
      assertThat(
              Pattern.compile("(?m)^" + Pattern.quote(family) + "[{ ]").matcher(text).find()
                  && !family.endsWith("_total"))
          .as(family + ": a counter's samples end in _total")
          .isFalse();
    }
  }

  private static double value(String text, String series) {
    for (String line : text.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    throw new AssertionError(series + " not in:\n" + text);
  }
}
