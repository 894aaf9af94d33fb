package io.summit.dr.orchestrator.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The body each kind of receiver takes for a {@link Notice}. */
final class Payloads {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** PagerDuty caps an event's summary at 1024 characters and its dedup key at 255. */
  private static final int SUMMARY_MAX = 1024;

  private static final int DEDUP_MAX = 255;

  private Payloads() {}

  /**
   * An Events API v2 event: {@code trigger} with the payload PagerDuty requires (summary, source,
   * severity) and the optional fields it shows (timestamp, component, group, class, custom
   * details); {@code resolve} with the routing and dedup keys only.
   */
  static String pagerDuty(Notice n, String routingKey) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("routing_key", routingKey);
    event.put("event_action", n.resolves() ? "resolve" : "trigger");
    event.put("dedup_key", clip(n.dedupKey(), DEDUP_MAX));
    if (!n.resolves()) {
      Map<String, Object> payload = new LinkedHashMap<>();
      payload.put("summary", clip(n.summary(), SUMMARY_MAX));
      payload.put("source", n.source());
      payload.put("severity", n.severity().label());
      payload.put("timestamp", n.at().toString());
      if (n.component() != null) {
        payload.put("component", n.component());
      }
      payload.put("group", n.deployment());
      payload.put("class", n.type());
      payload.put("custom_details", new TreeMap<>(n.data()));
      event.put("payload", payload);
      event.put("client", "Summit DR");
    }
    return json(event);
  }

  /** A Slack message: the summary as its text (what notifications show), and the details. */
  static String slack(Notice n) {
    String text = mark(n) + " " + n.summary();
    Map<String, Object> section =
        Map.of("type", "section", "text", Map.of("type", "mrkdwn", "text", escape(text)));
    Map<String, Object> context =
        Map.of(
            "type",
            "context",
            "elements",
            List.of(
                Map.of(
                    "type",
                    "mrkdwn",
                    "text",
                    escape(
                        n.type()
                            + " · "
                            + n.severity().label()
                            + " · "
                            + n.source()
                            + " · "
                            + n.at()))));
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("text", escape(text));
    message.put("blocks", List.of(section, context));
    return json(message);
  }

  /** The event as the orchestrator knows it, with the severity, summary and incident key. */
  static String webhook(Notice n) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("deployment", n.deployment());
    event.put("source", n.source());
    event.put("id", n.eventId());
    event.put("type", n.type());
    event.put("at", n.at().toString());
    event.put("severity", n.severity().label());
    event.put("resolves", n.resolves());
    event.put("dedup_key", n.dedupKey());
    event.put("summary", n.summary());
    event.put("data", new TreeMap<>(n.data()));
    return json(event);
  }

  private static String mark(Notice n) {
    if (n.resolves()) {
      return ":white_check_mark:";
    }
    return switch (n.severity()) {
      case CRITICAL -> ":rotating_light:";
      case ERROR -> ":x:";
      case WARNING -> ":warning:";
      case INFO -> ":information_source:";
    };
  }

  /** Slack's three characters that mrkdwn reads as control characters. */
  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
