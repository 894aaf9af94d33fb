package io.summit.dr.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The Grafana dashboard ({@code deploy/grafana/summit-dr.json}): the fields Grafana needs to import
 * it, and every metric it (or an alert rule) queries is one a component registers.
 */
class DashboardTest {
  static final Path DASHBOARD = Path.of("../grafana/summit-dr.json");
  private static final Pattern METRIC = Pattern.compile("\\b((?:summit|jvm|process)_[a-z0-9_]+)");
  private static final List<String> SUFFIXES =
      List.of("_bucket", "_count", "_sum", "_max", "_total");

  @Test
  void theDashboardHasWhatGrafanaRequires() throws IOException {
    JsonNode d = new ObjectMapper().readTree(Files.readString(DASHBOARD));
    assertThat(d.path("title").asString()).isNotBlank();
    assertThat(d.path("uid").asString()).matches("[a-zA-Z0-9_-]{1,40}");
    assertThat(d.path("schemaVersion").isInt()).isTrue();
    assertThat(d.path("time").has("from")).isTrue();
    assertThat(d.path("panels").isArray()).isTrue();
    Set<Integer> ids = new TreeSet<>();
    for (JsonNode p : d.path("panels")) {
      String where = "panel '" + p.path("title").asString() + "'";
      assertThat(ids.add(p.path("id").asInt())).as(where + ": unique id").isTrue();
      assertThat(p.path("type").asString()).as(where).isIn("stat", "timeseries", "table");
      for (String g : List.of("x", "y", "w", "h")) {
        assertThat(p.path("gridPos").path(g).isInt()).as(where + ": gridPos." + g).isTrue();
      }
      assertThat(p.path("gridPos").path("x").asInt() + p.path("gridPos").path("w").asInt())
          .as(where + ": fits the 24 columns")
          .isLessThanOrEqualTo(24);
      assertThat(p.path("targets").size()).as(where + ": targets").isPositive();
      for (JsonNode t : p.path("targets")) {
        assertThat(t.path("refId").asString()).as(where + ": refId").isNotBlank();
        assertThat(t.path("expr").asString()).as(where + ": expr").isNotBlank();
      }
    }
  }

  @Test
  void theDashboardShowsWhatTheIssueAsksFor() throws IOException {
    String text = Files.readString(DASHBOARD);
    assertThat(text)
        .contains(
            "summit_dr_writer_region",
            "summit_dr_replication_lag_seconds",
            "summit_dr_last_plan_step_end_seconds",
            "summit_dr_plan_step_duration_seconds_bucket",
            "summit_router_requests_total");
  }

  @Test
  void everyQueriedMetricIsRegisteredByAComponent() throws IOException {
    String sources = mainSources();
    List<String> missing = new ArrayList<>();
    for (String metric : queried()) {
      if (!registered(metric, sources)) {
        missing.add(metric);
      }
    }
    assertThat(missing).as("queried but registered by no component").isEmpty();
  }

  @Test
  void aMetricNoComponentRegistersIsReported() throws IOException {
    assertThat(registered("summit_dr_no_such_metric_total", mainSources())).isFalse();
  }

  /** Metric names in the dashboard's and the alert rules' queries. */
  private static Set<String> queried() throws IOException {
    Set<String> out = new TreeSet<>();
    JsonNode d = new ObjectMapper().readTree(Files.readString(DASHBOARD));
    for (JsonNode p : d.path("panels")) {
      for (JsonNode t : p.path("targets")) {
        names(t.path("expr").asString(), out);
      }
    }
    for (String line : Files.readAllLines(AlertRulesTest.DIR.resolve("rules.yml"))) {
      if (!line.trim().startsWith("#") && !line.contains("summary:")) {
        names(line, out);
      }
    }
    return out;
  }

  private static void names(String expr, Set<String> out) {
    Matcher m = METRIC.matcher(expr);
    while (m.find()) {
      out.add(m.group(1));
    }
  }

  /**
   * Whether a component's main source registers the metric: its name as a string literal, less the
   * suffixes Prometheus exposition adds (_total for counters, _seconds and the histogram series for
   * timers); JVM and process meters come from Micrometer's binders, which the components bind.
   */
  static boolean registered(String metric, String sources) {
    if (metric.startsWith("jvm_") || metric.startsWith("process_")) {
      return sources.contains("JvmMemoryMetrics().bindTo");
    }
    String base = metric;
    for (String suffix : SUFFIXES) {
      if (base.endsWith(suffix)) {
        base = base.substring(0, base.length() - suffix.length());
        break;
      }
    }
    String timer = base.endsWith("_seconds") ? base.substring(0, base.length() - 8) : base;
    return sources.contains('"' + base + '"') || sources.contains('"' + timer + '"');
  }

  private static String mainSources() throws IOException {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.walk(Path.of("../.."))) {
      for (Path f :
          files
              .filter(p -> p.toString().endsWith(".java"))
              .filter(p -> p.toString().contains("/src/main/java/"))
              .filter(p -> !p.toString().contains("/target/"))
              .toList()) {
        all.append(Files.readString(f)).append('\n');
      }
    }
    return all.toString();
  }
}
