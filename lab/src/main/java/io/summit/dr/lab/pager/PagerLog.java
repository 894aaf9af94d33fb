package io.summit.dr.lab.pager;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the lab's pager accepted ({@code received.jsonl}), and the incidents it adds up to. */
public final class PagerLog {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private PagerLog() {}

  /**
   * One accepted notice: when, through which receiver (pagerduty, slack, webhook), the event type
   * and severity (empty when the format does not carry them: Slack), the one-line summary, the
   * incident key, what it does to the incident (trigger, acknowledge, resolve; Slack: message) and
   * the body as sent.
   */
  public record Notice(
      @JsonProperty("received_at") Instant receivedAt,
      String receiver,
      String type,
      String severity,
      String summary,
      @JsonProperty("dedup_key") String dedupKey,
      String action,
      JsonNode body) {}

  /**
   * One incident as PagerDuty would keep it: opened by a trigger, updated by later triggers of its
   * key, resolved by a resolve.
   */
  public record Incident(
      @JsonProperty("dedup_key") String dedupKey,
      String status,
      String severity,
      String summary,
      @JsonProperty("opened_at") Instant openedAt,
      @JsonProperty("last_at") Instant lastAt,
      int notices) {}

  /** Every notice of {@code file}, oldest first; none when it does not exist yet. */
  public static List<Notice> read(Path file) {
    if (!Files.exists(file)) {
      return List.of();
    }
    List<Notice> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(file)) {
        if (!line.isBlank()) {
          out.add(JSON.readValue(line, Notice.class));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot read the pager's notices", e);
    }
    return out;
  }

  /** The PagerDuty incidents the notices opened, updated and resolved, by first trigger. */
  public static List<Incident> incidents(List<Notice> notices) {
    Map<String, Incident> out = new LinkedHashMap<>();
    for (Notice n : notices) {
      if (!n.receiver().equals("pagerduty")) {
        continue;
      }
      Incident was = out.get(n.dedupKey());
      switch (n.action()) {
        case "trigger" ->
            out.put(
                n.dedupKey(),
                was == null || was.status().equals("resolved")
                    ? new Incident(
                        n.dedupKey(),
                        "triggered",
                        n.severity(),
                        n.summary(),
                        n.receivedAt(),
                        n.receivedAt(),
                        1)
                    : new Incident(
                        n.dedupKey(),
                        was.status(),
                        n.severity(),
                        n.summary(),
                        was.openedAt(),
                        n.receivedAt(),
                        was.notices() + 1));
        case "acknowledge", "resolve" -> {
          if (was != null) {
            out.put(
                n.dedupKey(),
                new Incident(
                    n.dedupKey(),
                    n.action().equals("resolve") ? "resolved" : "acknowledged",
                    was.severity(),
                    was.summary(),
                    was.openedAt(),
                    n.receivedAt(),
                    was.notices() + 1));
          }
        }
        default -> {}
      }
    }
    return List.copyOf(out.values());
  }
}
