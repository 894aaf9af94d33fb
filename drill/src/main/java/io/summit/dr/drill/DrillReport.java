package io.summit.dr.drill;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.summit.dr.drill.check.CheckResult;
import io.summit.dr.drill.check.HistoryChecks;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;

/**
 * Writes a drill run's report: {@code reports/STAMP-SCENARIO-runN.json} (everything measured) and a
 * self-contained {@code .html} beside it (no network needed to open it): the headline figures
 * against the targets, a timeline chart drawn in the browser from the embedded JSON (writes and
 * reads per second, errors, write latency, the fault and the plan's steps marked), the steps and
 * the orchestrator's events.
 */
public final class DrillReport {
  static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT);
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private DrillReport() {}

  /** Writes both files; returns the result with their paths. */
  static DrillResult write(DrillResult r, Path dir) {
    String base = STAMP.format(r.t0()) + "-" + r.scenario().wireName() + "-run" + r.run();
    Path json = dir.resolve(base + ".json").toAbsolutePath();
    Path html = dir.resolve(base + ".html").toAbsolutePath();
    DrillResult done =
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
            json,
            html,
            r.checks(),
            r.leaderKill(),
            r.residency(),
            r.zones());
    try {
      Files.createDirectories(dir);
      String data = JSON.writeValueAsString(done);
      Files.writeString(json, data);
      Files.writeString(html, html(data));
    } catch (IOException e) {
      throw new UncheckedIOException("report: cannot write " + dir + ": " + e.getMessage(), e);
    }
    return done;
  }

  /** The page, with the report's JSON embedded (a {@code </} inside it cannot end the script). */
  static String html(String data) throws IOException {
    String template;
    try (InputStream in =
        Objects.requireNonNull(
            DrillReport.class.getResourceAsStream("report.html"), "report.html resource")) {
      template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    return template.replace("/*REPORT_JSON*/null", data.replace("</", "<\\/"));
  }

  /**
   * The one-object summary {@code summit-dr drill --json} prints per run: the metrics under the
   * design's names, the plan's steps and the report's path.
   */
  public static ObjectNode summary(DrillResult r) {
    ObjectNode o = JSON.createObjectNode();
    DrillMetrics m = r.metrics();
    o.put("scenario", r.scenario().wireName());
    o.put("run", r.run());
    o.put("t0", r.t0().toString());
    o.put("writer_before", r.writerBefore());
    o.put("writer_after", r.writerAfter());
    if (m.rtoWriteS() == null) {
      o.putNull("rto_write_s");
    } else {
      o.put("rto_write_s", m.rtoWriteS());
    }
    o.put("write_pause_s", m.writePauseS());
    o.put("read_availability", m.readAvailability());
    o.put("reads_in_window", m.readsInWindow());
    o.put("writes_issued", m.writesIssued());
    o.put("acked_writes", m.ackedWrites());
    o.put("lost_writes", m.lostWrites());
    o.set("lost_by_store", JSON.valueToTree(m.lostByStore()));
    o.put("rpo_window_s", m.rpoWindowS());
    o.set("rpo_window_by_store", JSON.valueToTree(m.rpoWindowByStore()));
    ArrayNode ackedAt = o.putArray("lost_acked_at_s");
    m.lost().forEach(l -> ackedAt.add(l.ackedS()));
    o.put("lost_acked_after_t0", m.lostAckedAfterT0());
    o.put("lost_acked_by_surviving_writer", m.lostAckedBySurvivingWriter());
    o.put("split_brain_writes", m.splitBrainWrites());
    o.put("audited", r.audited());
    o.set("checks", checks(r.checks()));
    o.put("plan", r.plan() == null ? null : r.plan().id());
    ArrayNode steps = o.putArray("steps");
    for (DrillResult.Step s : r.steps()) {
      ObjectNode step = steps.addObject();
      step.put("name", s.name());
      step.put("start_s", s.startS());
      step.put("end_s", s.endS());
      step.put("outcome", s.outcome());
    }
    if (r.leaderKill() != null) {
      o.set("leader_kill", leaderKill(r.leaderKill(), r.t0(), r.steps()));
    }
    ResidencyFigures residency = r.residency();
    if (residency == null) {
      o.putNull("residency");
    } else {
      o.set("residency", JSON.valueToTree(residency));
    }
    ZoneFigures zones = r.zones();
    if (zones == null) {
      o.putNull("requests_by_zone");
    } else {
      o.set("requests_by_zone", JSON.valueToTree(zones));
    }
    o.put("report", r.reportHtml().toString());
    return o;
  }

  /**
   * The leader kill: which step, whom, how soon after the step started, when after T0, how long
   * from the kill until writes were routed to the new writer (the takeover's measure; null when
   * they were routed before the kill), and what each step did.
   */
  static ObjectNode leaderKill(
      LeaderKill.Result k, java.time.Instant t0, List<DrillResult.Step> planSteps) {
    ObjectNode o = JSON.createObjectNode();
    o.put("step", k.step());
    o.put("killed", k.killed());
    if (k.killedAfterStepStartMs() == null) {
      o.putNull("killed_after_step_start_ms");
    } else {
      o.put("killed_after_step_start_ms", k.killedAfterStepStartMs());
    }
    java.time.Instant at = k.killedAt();
    Double killedAtS = at == null ? null : java.time.Duration.between(t0, at).toNanos() / 1e9;
    Double routedS = null;
    for (DrillResult.Step s : planSteps) {
      if (s.name().equals("route-writes")) {
        routedS = s.endS();
      }
    }
    o.put("killed_at_s", killedAtS == null ? null : round3(killedAtS));
    o.put(
        "kill_to_writes_routed_s",
        killedAtS == null || routedS == null || routedS < killedAtS
            ? null
            : round3(routedS - killedAtS));
    o.put("plan_end", k.planEnd());
    ObjectNode steps = o.putObject("steps");
    k.steps()
        .forEach(
            (name, c) -> {
              ObjectNode one = steps.putObject(name);
              one.put("starts", c.starts());
              one.set("ends", JSON.valueToTree(c.ends()));
            });
    ArrayNode problems = o.putArray("problems");
    k.problems().forEach(problems::add);
    return o;
  }

  private static double round3(double seconds) {
    return Math.round(seconds * 1000) / 1000.0;
  }

  /** The checkers' verdicts by name, the handover gaps, and where the history is. */
  public static ObjectNode checks(HistoryChecks c) {
    ObjectNode o = JSON.createObjectNode();
    o.put("history", c.history());
    o.put("operations", c.operations());
    for (CheckResult r : c.results()) {
      ObjectNode one = o.putObject(r.checker());
      one.put("verdict", r.verdict().name().toLowerCase(java.util.Locale.ROOT));
      one.put("violations", r.violations());
      one.put("summary", r.summary());
    }
    ArrayNode gaps = o.putArray("handovers");
    c.handovers()
        .forEach(
            h -> gaps.addObject().put("from", h.from()).put("to", h.to()).put("gap_s", h.gapS()));
    o.put("stale_reads_in_region", c.staleInRegion());
    return o;
  }

  /** The history file beside a report: {@code STAMP-SCENARIO-runN.history.jsonl}. */
  static Path historyPath(Path dir, java.time.Instant t0, Scenario scenario, int run) {
    return dir.resolve(
            STAMP.format(t0) + "-" + scenario.wireName() + "-run" + run + ".history.jsonl")
        .toAbsolutePath();
  }

  /** The {@code "summary": true} object after several runs: median and max of RTO and RPO. */
  public static ObjectNode summary(List<DrillResult> runs) {
    ObjectNode o = JSON.createObjectNode();
    o.put("summary", true);
    o.put("scenario", runs.isEmpty() ? null : runs.get(0).scenario().wireName());
    o.put("runs", runs.size());
    List<Double> rto =
        runs.stream().map(r -> r.metrics().rtoWriteS()).filter(Objects::nonNull).sorted().toList();
    List<Double> rpo = runs.stream().map(r -> r.metrics().rpoWindowS()).sorted().toList();
    o.put("recovered_runs", rto.size());
    putStats(o, "rto_write_s", rto);
    putStats(o, "rpo_window_s", rpo);
    o.put(
        "read_availability_min",
        runs.stream().mapToDouble(r -> r.metrics().readAvailability()).min().orElse(1));
    o.put("lost_writes_total", runs.stream().mapToLong(r -> r.metrics().lostWrites()).sum());
    o.put(
        "split_brain_writes_total",
        runs.stream().mapToLong(r -> r.metrics().splitBrainWrites()).sum());
    List<ResidencyFigures> residency =
        runs.stream().map(DrillResult::residency).filter(Objects::nonNull).toList();
    if (residency.isEmpty()) {
      o.putNull("residency_violations_total");
    } else {
      o.put(
          "residency_violations_total",
          residency.stream().mapToLong(ResidencyFigures::violations).sum());
    }
    ArrayNode reports = o.putArray("reports");
    runs.forEach(r -> reports.add(r.reportHtml().toString()));
    return o;
  }

  private static void putStats(ObjectNode o, String name, List<Double> sorted) {
    if (sorted.isEmpty()) {
      o.putNull(name + "_median");
      o.putNull(name + "_max");
      return;
    }
    int n = sorted.size();
    double median =
        n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    o.put(name + "_median", Math.round(median * 1000) / 1000.0);
    o.put(name + "_max", sorted.get(n - 1));
  }
}
