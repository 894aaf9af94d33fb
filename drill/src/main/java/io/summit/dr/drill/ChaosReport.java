package io.summit.dr.drill;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.summit.dr.drill.chaos.FaultSet;
import io.summit.dr.drill.check.CheckResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The chaos drill's report: {@code chaos-seedS.json} (every schedule and the summary) and a
 * self-contained {@code .html} beside it: each schedule's faults on its timeline (heal and recovery
 * marked) with the checkers' verdicts, and the summary over all schedules.
 */
public final class ChaosReport {
  private ChaosReport() {}

  /** One schedule as {@code --json} prints it. */
  public static ObjectNode schedule(ChaosDrill.ScheduleResult r) {
    ObjectNode o = DrillReport.JSON.valueToTree(r);
    o.set("checks", DrillReport.checks(r.checks()));
    o.put("violated", r.violated());
    return o;
  }

  /**
   * The summary object {@code --json} ends with: schedules, violations by checker, unknown verdicts
   * by checker, lost writes by cause, time per schedule, and the faults drawn from.
   */
  public static ObjectNode summary(long seed, FaultSet set, List<ChaosDrill.ScheduleResult> runs) {
    ObjectNode o = DrillReport.JSON.createObjectNode();
    o.put("summary", true);
    o.put("scenario", "chaos");
    o.put("seed", seed);
    o.put("schedules", runs.size());
    o.put("schedules_run", runs.stream().filter(r -> r.durationS() > 0).count());
    o.put("schedules_violated", runs.stream().filter(ChaosDrill.ScheduleResult::violated).count());
    ArrayNode kinds = o.putArray("faults_drawn_from");
    set.kinds().forEach(k -> kinds.add(k.wireName()));
    o.put("faults_not_available", "zone faults (the lab has no zones)");
    Map<String, Long> violations = new LinkedHashMap<>();
    Map<String, Long> unknown = new LinkedHashMap<>();
    Map<String, Long> lost = new LinkedHashMap<>();
    for (ChaosDrill.ScheduleResult r : runs) {
      for (CheckResult c : r.checks().results()) {
        violations.merge(c.checker(), c.violations(), Long::sum);
        unknown.merge(c.checker(), c.verdict() == CheckResult.Verdict.UNKNOWN ? 1L : 0L, Long::sum);
      }
      r.lostByCause().forEach((k, v) -> lost.merge(k, v, Long::sum));
    }
    o.set("violations_by_checker", DrillReport.JSON.valueToTree(violations));
    o.set("unknown_by_checker", DrillReport.JSON.valueToTree(unknown));
    o.set("lost_writes_by_cause", DrillReport.JSON.valueToTree(lost));
    o.put(
        "lost_writes_total", runs.stream().mapToLong(ChaosDrill.ScheduleResult::lostWrites).sum());
    o.put(
        "acked_writes_total",
        runs.stream().mapToLong(ChaosDrill.ScheduleResult::ackedWrites).sum());
    o.put(
        "not_recovered",
        runs.stream().filter(r -> r.durationS() > 0 && r.recoveredS() == null).count());
    List<Double> times =
        new ArrayList<>(
            runs.stream()
                .map(ChaosDrill.ScheduleResult::durationS)
                .filter(d -> d > 0)
                .sorted()
                .toList());
    o.put("seconds_per_schedule_median", times.isEmpty() ? 0 : times.get(times.size() / 2));
    o.put("seconds_per_schedule_max", times.isEmpty() ? 0 : times.get(times.size() - 1));
    o.put("seconds_total", Math.round(times.stream().mapToDouble(d -> d).sum()));
    return o;
  }

  /** Writes the JSON and HTML; returns the HTML's path. */
  public static Path write(
      Path dir, long seed, FaultSet set, List<ChaosDrill.ScheduleResult> runs) {
    ObjectNode all = DrillReport.JSON.createObjectNode();
    ArrayNode list = all.putArray("schedules");
    runs.forEach(r -> list.add(schedule(r)));
    all.set("summary", summary(seed, set, runs));
    Path json = dir.resolve("chaos-seed" + seed + ".json").toAbsolutePath();
    Path html = dir.resolve("chaos-seed" + seed + ".html").toAbsolutePath();
    try {
      Files.createDirectories(dir);
      Files.writeString(json, DrillReport.JSON.writeValueAsString(all));
      Files.writeString(html, html(seed, runs, all.get("summary").toPrettyString()));
    } catch (IOException e) {
      throw new UncheckedIOException("chaos report: cannot write " + dir, e);
    }
    return html;
  }

  private static String html(long seed, List<ChaosDrill.ScheduleResult> runs, String summary) {
    StringBuilder b = new StringBuilder();
    b.append("<!doctype html><meta charset=utf-8><title>chaos seed ")
        .append(seed)
        .append("</title><style>body{font:14px sans-serif;margin:2em}")
        .append(".tl{position:relative;height:22px;background:#eee;margin:4px 0 10px}")
        .append(".f{position:absolute;top:0;height:22px;border-left:2px solid #c00;font-size:11px;")
        .append("white-space:nowrap;padding-left:2px}.h{border-color:#090}.r{border-color:#06c}")
        .append(".bad{color:#c00;font-weight:bold}.ok{color:#090}pre{background:#f6f6f6}</style>")
        .append("<h1>Chaos drill, seed ")
        .append(seed)
        .append("</h1><h2>Summary</h2><pre>")
        .append(escape(summary))
        .append("</pre>");
    for (ChaosDrill.ScheduleResult r : runs) {
      double end =
          Math.max(1, Math.max(r.healS(), r.recoveredS() == null ? 0 : r.recoveredS()) + 2);
      b.append("<h3>")
          .append(escape(r.schedule()))
          .append(r.violated() ? " <span class=bad>VIOLATION</span>" : " <span class=ok>ok</span>")
          .append("</h3><div class=tl>");
      for (ChaosDrill.FaultRun f : r.faults()) {
        mark(b, "f", f.atS() / end, f.fault() + (f.error() == null ? "" : " (refused)"));
      }
      mark(b, "f h", r.healS() / end, "heal");
      if (r.recoveredS() != null) {
        mark(b, "f r", r.recoveredS() / end, "writes back");
      }
      b.append("</div><ul>");
      b.append(
          String.format(
              Locale.ROOT,
              "<li>writer %s &rarr; %s; %d acked writes, %d lost %s; %.1f s",
              escape(r.writerBefore()),
              escape(r.writerAfter()),
              r.ackedWrites(),
              r.lostWrites(),
              escape(r.lostByCause().toString()),
              r.durationS()));
      for (CheckResult c : r.checks().results()) {
        b.append("<li class=")
            .append(c.invalid() ? "bad" : "ok")
            .append(">")
            .append(c.checker())
            .append(": ")
            .append(c.verdict())
            .append(", ")
            .append(escape(c.summary()));
      }
      r.notes().forEach(n -> b.append("<li class=bad>").append(escape(n)));
      b.append("</ul>");
    }
    return b.toString();
  }

  private static void mark(StringBuilder b, String cls, double at, String label) {
    b.append(
        String.format(
            Locale.ROOT,
            "<span class='%s' style='left:%.1f%%'>%s</span>",
            cls,
            Math.min(99, 100 * at),
            escape(label)));
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
