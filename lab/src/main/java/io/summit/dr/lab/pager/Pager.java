package io.summit.dr.lab.pager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.summit.dr.access.AccessList;
import io.summit.dr.access.Guard;
import io.summit.dr.access.Policy;
import io.summit.dr.access.Problem;
import io.summit.dr.access.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;

/**
 * The lab's notification receiver: it stands where PagerDuty, a Slack incoming webhook and a
 * generic webhook would, checks every payload as those services document it, and keeps what it
 * accepted in {@code received.jsonl} (one notice per line, appended before the answer), so that
 * {@code summit-dr lab pages} shows who would have been paged, and for which incident.
 *
 * <pre>
 * POST /v2/enqueue          PagerDuty Events API v2: routing_key the lab's, event_action trigger,
 *                           acknowledge or resolve, dedup_key (at most 255, required to resolve), and
 *                           to trigger a payload with summary (1-1024), source, severity (critical,
 *                           error, warning or info) and an ISO 8601 timestamp if any; 202 as PagerDuty
 *                           answers, 400 {"status": "invalid event", "errors": [...]} otherwise
 * POST /slack/{secret}      a Slack incoming webhook (its URL is its secret): text, and blocks if any
 *                           an array of objects with a type; 200 "ok", 404 for another secret
 * POST /webhook             the generic webhook: Authorization: Bearer the lab's token (401 otherwise),
 *                           the event's deployment, source, id, type, at, severity, resolves,
 *                           dedup_key, summary and data
 * GET  /v1/notices          what was accepted, oldest first (a viewer's token)
 * GET  /healthz             open
 * </pre>
 *
 * A refused payload is answered with what is wrong, field by field, and is not kept.
 */
public final class Pager implements AutoCloseable {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  private static final Set<String> SEVERITIES = Set.of("critical", "error", "warning", "info");
  private static final Set<String> ACTIONS = Set.of("trigger", "acknowledge", "resolve");
  private static final List<String> WEBHOOK_FIELDS =
      List.of(
          "deployment",
          "source",
          "id",
          "type",
          "at",
          "severity",
          "resolves",
          "dedup_key",
          "summary",
          "data");

  /** The secrets a sender must know: PagerDuty's routing key, the Slack path, the bearer token. */
  public record Secrets(String routingKey, String slackPath, String webhookToken) {}

  private final HttpServer server;
  private final Secrets secrets;
  private final Path received;
  private final Clock clock;
  private final Guard guard;

  private Pager(
      InetSocketAddress listen,
      Secrets secrets,
      Path received,
      @Nullable AccessList access,
      Clock clock,
      javax.net.ssl.@Nullable SSLContext tls)
      throws IOException {
    this.secrets = secrets;
    this.received = received;
    this.clock = clock;
    this.guard = Guard.ofNullable(access, Policy.readsAndChanges(Role.ADMIN));
    this.server = io.summit.dr.access.Tls.listen(listen, 64, tls);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
  }

  /**
   * A pager on {@code listen} that keeps what it accepts in {@code received} (appended to, created
   * when missing); {@code GET /v1/notices} needs a viewer of {@code access} (open when null).
   */
  public static Pager start(
      InetSocketAddress listen, Secrets secrets, Path received, @Nullable AccessList access)
      throws IOException {
    return start(listen, secrets, received, access, null);
  }

  /** As {@link #start}, listening with HTTPS only when {@code tls} is given. */
  public static Pager start(
      InetSocketAddress listen,
      Secrets secrets,
      Path received,
      @Nullable AccessList access,
      javax.net.ssl.@Nullable SSLContext tls)
      throws IOException {
    Pager p = new Pager(listen, secrets, received, access, Clock.systemUTC(), tls);
    p.server.start();
    return p;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String method = x.getRequestMethod();
      String path = x.getRequestURI().getPath();
      if (method.equals("GET")) {
        if (!guard.admit(x)) {
          return;
        }
        if (path.equals("/healthz")) {
          json(x, 200, Map.of("status", "ok"));
        } else if (path.equals("/v1/notices")) {
          json(x, 200, Map.of("notices", PagerLog.read(received)));
        } else {
          Problem.send(x, 404, path + ": no such resource (expected: /v1/notices)", Map.of());
        }
        return;
      }
      if (!method.equals("POST")) {
        Problem.send(x, 405, method + ": not allowed (expected: POST, or GET)", Map.of());
        return;
      }
      byte[] bytes = x.getRequestBody().readNBytes(256 * 1024);
      JsonNode body;
      try {
        body = JSON.readTree(bytes);
      } catch (IOException e) {
        Problem.send(x, 400, "body: not JSON (expected: a JSON object)", Map.of());
        return;
      }
      if (body == null || !body.isObject()) {
        Problem.send(x, 400, "body: not a JSON object (expected: a JSON object)", Map.of());
        return;
      }
      if (path.equals("/v2/enqueue")) {
        pagerDuty(x, body);
      } else if (path.startsWith("/slack/")) {
        slack(x, path.substring("/slack/".length()), body);
      } else if (path.equals("/webhook")) {
        webhook(x, body);
      } else {
        Problem.send(
            x,
            404,
            path + ": no such receiver (expected: /v2/enqueue, /slack/..., /webhook)",
            Map.of());
      }
    }
  }

  private void pagerDuty(HttpExchange x, JsonNode e) throws IOException {
    List<String> errors = new ArrayList<>();
    if (!same(e.path("routing_key").asText(""), secrets.routingKey())) {
      errors.add("routing_key: not the lab's integration key (expected: .lab/pager/pagerduty.key)");
    }
    String action = e.path("event_action").asText("");
    if (!ACTIONS.contains(action)) {
      errors.add("event_action: '" + action + "' (expected: trigger, acknowledge or resolve)");
    }
    String dedup = e.path("dedup_key").asText("");
    if (dedup.length() > 255) {
      errors.add("dedup_key: " + dedup.length() + " characters (expected: at most 255)");
    }
    if (!action.equals("trigger") && dedup.isEmpty()) {
      errors.add("dedup_key: missing (expected: the key of the incident to " + action + ")");
    }
    JsonNode payload = e.path("payload");
    if (action.equals("trigger")) {
      if (!payload.isObject()) {
        errors.add("payload: missing (expected: an object with summary, source and severity)");
      } else {
        String summary = payload.path("summary").asText("");
        if (summary.isEmpty() || summary.length() > 1024) {
          errors.add("payload.summary: " + summary.length() + " characters (expected: 1 to 1024)");
        }
        if (payload.path("source").asText("").isBlank()) {
          errors.add("payload.source: missing (expected: the sender's name)");
        }
        String severity = payload.path("severity").asText("");
        if (!SEVERITIES.contains(severity)) {
          errors.add(
              "payload.severity: '" + severity + "' (expected: critical, error, warning or info)");
        }
        if (payload.has("timestamp")) {
          try {
            Instant.parse(payload.path("timestamp").asText(""));
          } catch (DateTimeParseException bad) {
            errors.add(
                "payload.timestamp: '"
                    + payload.path("timestamp").asText()
                    + "' (expected: an ISO 8601 time)");
          }
        }
      }
    }
    if (!errors.isEmpty()) {
      json(
          x,
          400,
          Map.of(
              "status", "invalid event", "message", "Event object is invalid", "errors", errors));
      return;
    }
    keep(
        "pagerduty",
        payload.path("class").asText(""),
        action.equals("trigger") ? payload.path("severity").asText() : "",
        action.equals("trigger") ? payload.path("summary").asText() : "",
        dedup,
        action,
        e);
    json(x, 202, Map.of("status", "success", "message", "Event processed", "dedup_key", dedup));
  }

  private void slack(HttpExchange x, String secret, JsonNode m) throws IOException {
    if (!same(secret, secrets.slackPath())) {
      // Slack answers an unknown webhook URL this way
      byte[] no = "no_service".getBytes(StandardCharsets.UTF_8);
      x.sendResponseHeaders(404, no.length);
      x.getResponseBody().write(no);
      return;
    }
    List<String> errors = new ArrayList<>();
    if (m.path("text").asText("").isBlank()) {
      errors.add("text: missing (expected: the message's text)");
    }
    if (m.has("blocks")) {
      JsonNode blocks = m.get("blocks");
      if (!blocks.isArray()) {
        errors.add("blocks: not an array (expected: an array of blocks)");
      } else {
        for (int i = 0; i < blocks.size(); i++) {
          if (blocks.get(i).path("type").asText("").isEmpty()) {
            errors.add("blocks[" + i + "].type: missing (expected: section, context, ...)");
          }
        }
      }
    }
    if (!errors.isEmpty()) {
      byte[] bad =
          ("invalid_payload: " + String.join("; ", errors)).getBytes(StandardCharsets.UTF_8);
      x.sendResponseHeaders(400, bad.length);
      x.getResponseBody().write(bad);
      return;
    }
    keep("slack", "", "", m.path("text").asText(), "", "message", m);
    byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(200, ok.length);
    x.getResponseBody().write(ok);
  }

  private void webhook(HttpExchange x, JsonNode n) throws IOException {
    String auth = x.getRequestHeaders().getFirst("Authorization");
    if (auth == null || !same(auth, "Bearer " + secrets.webhookToken())) {
      x.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"summit-dr-lab-pager\"");
      Problem.send(
          x,
          401,
          "Authorization: "
              + (auth == null ? "missing" : "not the lab's webhook token")
              + " (expected: Bearer and the token of .lab/pager/webhook.token)",
          Map.of());
      return;
    }
    List<String> errors = new ArrayList<>();
    for (String f : WEBHOOK_FIELDS) {
      if (!n.has(f)) {
        errors.add(f + ": missing");
      }
    }
    if (n.has("severity") && !SEVERITIES.contains(n.path("severity").asText())) {
      errors.add(
          "severity: '"
              + n.path("severity").asText()
              + "' (expected: critical, error, warning or info)");
    }
    if (n.has("resolves") && !n.get("resolves").isBoolean()) {
      errors.add("resolves: " + n.get("resolves") + " (expected: true or false)");
    }
    if (!errors.isEmpty()) {
      Problem.send(x, 400, String.join("; ", errors), Map.of("errors", errors));
      return;
    }
    keep(
        "webhook",
        n.path("type").asText(),
        n.path("severity").asText(),
        n.path("summary").asText(),
        n.path("dedup_key").asText(),
        n.path("resolves").asBoolean() ? "resolve" : "trigger",
        n);
    json(x, 200, Map.of("status", "accepted"));
  }

  /** Appends one accepted notice to the log before the sender hears it was taken. */
  private synchronized void keep(
      String receiver,
      String type,
      String severity,
      String summary,
      String dedupKey,
      String action,
      JsonNode body) {
    PagerLog.Notice n =
        new PagerLog.Notice(
            clock.instant(), receiver, type, severity, summary, dedupKey, action, body);
    try {
      Files.writeString(
          received,
          JSON.writeValueAsString(n) + "\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND,
          StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException(received + ": cannot keep a notice", e);
    }
  }

  private static boolean same(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private static void json(HttpExchange x, int status, Object body) throws IOException {
    byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(status, bytes.length);
    x.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
