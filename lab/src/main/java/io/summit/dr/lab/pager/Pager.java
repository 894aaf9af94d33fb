package io.summit.dr.lab.pager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.summit.dr.access.AccessList;
import io.summit.dr.access.ControlServer;
import io.summit.dr.access.Guard;
import io.summit.dr.access.Policy;
import io.summit.dr.access.Problem;
import io.summit.dr.access.Role;
import java.io.IOException;
import java.io.InputStream;
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
 * A refused payload is answered with what is wrong, field by field, and is not kept. Another path
 * or method gets a 404 or 405 RFC 9457 problem. The receivers check their own secrets, so the
 * access list guards the reads only. A {@link ControlServer} (Helidon SE) serves it.
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

  private static final String SLACK = "/slack/";
  private static final int MAX_BODY_BYTES = 256 * 1024;

  /**
   * A viewer reads ({@code GET /healthz} open); the receivers ask no token of the access list, they
   * check their own secrets.
   */
  private static final Policy POLICY =
      (method, path) -> {
        boolean read = method.equals("GET") || method.equals("HEAD");
        return read && !path.equals("/healthz") ? Role.VIEWER : null;
      };

  /** The secrets a sender must know: PagerDuty's routing key, the Slack path, the bearer token. */
  public record Secrets(String routingKey, String slackPath, String webhookToken) {}

  /** One receiver of a payload that is a JSON object. */
  @FunctionalInterface
  private interface Receiver {
    void receive(ServerRequest req, ServerResponse res, JsonNode body) throws IOException;
  }

  private final Secrets secrets;
  private final Path received;
  private final Clock clock;
  private final Guard guard;
  // the server, once started
  private volatile @Nullable ControlServer server;

  private Pager(Secrets secrets, Path received, @Nullable AccessList access, Clock clock) {
    this.secrets = secrets;
    this.received = received;
    this.clock = clock;
    this.guard = Guard.ofNullable(access, POLICY);
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
    Pager p = new Pager(secrets, received, access, Clock.systemUTC());
    p.server =
        ControlServer.builder("pager", listen)
            .tls(tls)
            .guard(() -> p.guard)
            .routes(
                r ->
                    r.get("/healthz", (req, res) -> json(res, 200, Map.of("status", "ok")))
                        .get(
                            "/v1/notices",
                            (req, res) ->
                                json(res, 200, Map.of("notices", PagerLog.read(received))))
                        .post("/v2/enqueue", receive((req, res, body) -> p.pagerDuty(res, body)))
                        .post(
                            SLACK + "*",
                            receive(
                                (req, res, body) -> {
                                  String path = req.path().path();
                                  p.slack(
                                      res,
                                      path.startsWith(SLACK) ? path.substring(SLACK.length()) : "",
                                      body);
                                }))
                        .post("/webhook", receive(p::webhook)))
            .start();
    return p;
  }

  /** The bound port. */
  public int port() {
    ControlServer s = server;
    if (s == null) {
      throw new IllegalStateException("pager: not started");
    }
    return s.port();
  }

  /**
   * A route that reads the body (up to 256 KiB) and hands it to {@code receiver} when it is a JSON
   * object; 400 naming the body otherwise.
   */
  private static io.helidon.webserver.http.Handler receive(Receiver receiver) {
    return (req, res) -> {
      byte[] bytes;
      try (InputStream in = req.content().inputStream()) {
        bytes = in.readNBytes(MAX_BODY_BYTES);
      }
      JsonNode body;
      try {
        body = JSON.readTree(bytes);
      } catch (IOException e) {
        Problem.send(res, 400, "body: not JSON (expected: a JSON object)", Map.of());
        return;
      }
      if (body == null || !body.isObject()) {
        Problem.send(res, 400, "body: not a JSON object (expected: a JSON object)", Map.of());
        return;
      }
      receiver.receive(req, res, body);
    };
  }

  private void pagerDuty(ServerResponse res, JsonNode e) throws IOException {
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
          res,
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
    json(res, 202, Map.of("status", "success", "message", "Event processed", "dedup_key", dedup));
  }

  private void slack(ServerResponse res, String secret, JsonNode m) {
    if (!same(secret, secrets.slackPath())) {
      // Slack answers an unknown webhook URL this way
      text(res, 404, "no_service");
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
      text(res, 400, "invalid_payload: " + String.join("; ", errors));
      return;
    }
    keep("slack", "", "", m.path("text").asText(), "", "message", m);
    text(res, 200, "ok");
  }

  private void webhook(ServerRequest req, ServerResponse res, JsonNode n) throws IOException {
    String auth = req.headers().first(HeaderNames.AUTHORIZATION).orElse(null);
    if (auth == null || !same(auth, "Bearer " + secrets.webhookToken())) {
      res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"summit-dr-lab-pager\"");
      Problem.send(
          res,
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
      Problem.send(res, 400, String.join("; ", errors), Map.of("errors", errors));
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
    json(res, 200, Map.of("status", "accepted"));
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

  private static void json(ServerResponse res, int status, Object body) throws IOException {
    ControlServer.json(res, status, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body));
  }

  /** Answers {@code status} with {@code body} and no content type, as Slack's webhooks answer. */
  private static void text(ServerResponse res, int status, String body) {
    res.status(Status.create(status));
    res.send(body.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    ControlServer s = server;
    if (s != null) {
      s.close();
    }
  }
}
