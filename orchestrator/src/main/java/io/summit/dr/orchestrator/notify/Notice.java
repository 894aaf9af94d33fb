package io.summit.dr.orchestrator.notify;

import io.summit.dr.orchestrator.Events;
import java.time.Instant;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One event as people are told about it: how bad it is, one line that says what happened, and the
 * incident it belongs to ({@link #dedupKey}: a region's failure and its recovery share one, as do
 * every event of one plan), which it opens or resolves.
 *
 * @param deployment the topology's name
 * @param source the orchestrator replica that saw it
 * @param component the region (or the plan's target region) it concerns, when there is one
 */
record Notice(
    String deployment,
    String source,
    long eventId,
    String type,
    Instant at,
    Severity severity,
    boolean resolves,
    String dedupKey,
    String summary,
    @Nullable String component,
    Map<String, Object> data) {

  /** PagerDuty's severities, also used for the other receivers. */
  enum Severity {
    CRITICAL,
    ERROR,
    WARNING,
    INFO;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static Notice of(Events.Event e, String deployment, String source) {
    Map<String, Object> d = e.data();
    String region = text(d, "region");
    String plan = text(d, "plan");
    String kind = text(d, "kind");
    String what = kind == null ? "plan" : kind + " plan";
    String key = "summit-dr/" + deployment + "/";
    return switch (e.type()) {
      case "region-failed" ->
          notice(
              e,
              deployment,
              source,
              Severity.CRITICAL,
              false,
              key + "region/" + region,
              "region " + region + " failed (declared by " + list(d.get("observers")) + ")",
              region);
      case "region-recovered" ->
          notice(
              e,
              deployment,
              source,
              Severity.INFO,
              true,
              key + "region/" + region,
              "region " + region + " recovered",
              region);
      case "failover-needed", "failover-refused", "failover-suppressed" ->
          notice(
              e,
              deployment,
              source,
              e.type().equals("failover-suppressed") ? Severity.WARNING : Severity.CRITICAL,
              false,
              key + "failover/" + region,
              "failover from "
                  + region
                  + (e.type().equals("failover-needed")
                      ? " needed: "
                      : e.type().equals("failover-refused") ? " refused: " : " suppressed: ")
                  + d.get("reason"),
              region);
      case "plan-started" ->
          notice(
              e,
              deployment,
              source,
              Severity.INFO,
              false,
              key + "plan/" + plan,
              what
                  + " "
                  + plan
                  + " started: writer "
                  + d.get("from")
                  + " -> "
                  + d.get("to")
                  + " (by "
                  + d.get("by")
                  + ")",
              text(d, "to"));
      case "plan-waiting-approval" ->
          notice(
              e,
              deployment,
              source,
              Severity.WARNING,
              false,
              key + "plan/" + plan,
              what + " " + plan + " waits for an approval: " + d.get("detail"),
              null);
      case "plan-succeeded" ->
          notice(
              e,
              deployment,
              source,
              Severity.INFO,
              true,
              key + "plan/" + plan,
              what + " " + plan + " succeeded (" + d.get("detail") + ")",
              null);
      case "plan-failed", "plan-rolled-back" ->
          notice(
              e,
              deployment,
              source,
              Severity.ERROR,
              false,
              key + "plan/" + plan,
              what
                  + " "
                  + plan
                  + (e.type().equals("plan-failed") ? " failed: " : " rolled back: ")
                  + d.get("detail"),
              null);
      default ->
          notice(
              e,
              deployment,
              source,
              e.type().startsWith("alert-") || e.type().startsWith("fenced-")
                  ? Severity.WARNING
                  : Severity.ERROR,
              false,
              key + e.type() + (region == null ? "" : "/" + region),
              e.type() + " " + new java.util.TreeMap<>(d),
              region);
    };
  }

  private static Notice notice(
      Events.Event e,
      String deployment,
      String source,
      Severity severity,
      boolean resolves,
      String dedupKey,
      String summary,
      @Nullable String component) {
    return new Notice(
        deployment,
        source,
        e.id(),
        e.type(),
        e.at(),
        severity,
        resolves,
        dedupKey,
        "[" + deployment + "] " + summary,
        component,
        e.data());
  }

  private static @Nullable String text(Map<String, Object> data, String key) {
    Object v = data.get(key);
    return v == null ? null : String.valueOf(v);
  }

  private static String list(@Nullable Object v) {
    return v instanceof Collection<?> c
        ? String.join(", ", c.stream().map(String::valueOf).toList())
        : String.valueOf(v);
  }
}
