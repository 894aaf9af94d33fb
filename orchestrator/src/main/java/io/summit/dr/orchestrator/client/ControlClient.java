package io.summit.dr.orchestrator.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.summit.dr.access.BearerToken;
import io.summit.dr.orchestrator.AuditLog;
import io.summit.dr.orchestrator.Events;
import io.summit.dr.orchestrator.discovery.Discovery;
import io.summit.dr.orchestrator.plan.PlanStatus;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The orchestrator's HTTP API, typed: status, plans, approvals, events, audit log and discovery.
 *
 * <p>Leader finding: the client is given every replica's address. Each request goes to the replica
 * that answered last (at first, the first one listed), then to the others in the order given. A
 * redirect (307 or 308, as a follower answers a request only the leader may serve) is followed to
 * its {@code Location} with the same method and body, at most {@value #MAX_REDIRECTS} times per
 * replica; a replica that does not answer (connection refused, timeout) or answers 503 is passed
 * over for the next. When no replica answers, {@link NoReplicaReachableException} lists what each
 * one did. Any other answer ends the request: 2xx is parsed, 4xx and 5xx throw {@link
 * ControlApiException} with the server's error. A request other than GET that was sent but got no
 * answer in time is not sent to another replica (the first may have carried it out): it throws
 * {@link ControlClientException}.
 *
 * <p>Thread-safe; one instance per process is enough. {@link #close()} releases the HTTP client.
 */
public final class ControlClient implements AutoCloseable {
  /**
   * How many redirects one replica's answer may lead through before the replica counts as failed.
   */
  static final int MAX_REDIRECTS = 3;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          // A newer orchestrator may add fields; a client reads the ones it knows.
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /**
   * Timeouts.
   *
   * @param connect how long to wait for one replica's connection before trying the next
   * @param request how long to wait for one replica's answer (a long poll adds its wait)
   */
  public record Settings(Duration connect, Duration request) {
    public Settings {
      if (connect.isNegative() || connect.isZero()) {
        throw new IllegalArgumentException("connect: " + connect.toMillis() + "ms (expected: > 0)");
      }
      if (request.isNegative() || request.isZero()) {
        throw new IllegalArgumentException("request: " + request.toMillis() + "ms (expected: > 0)");
      }
    }

    /** Connect within 1 s, answer within 5 s. */
    public static Settings defaults() {
      return new Settings(Duration.ofSeconds(1), Duration.ofSeconds(5));
    }
  }

  private final Replicas replicas;
  private final Settings settings;
  private final HttpClient http;
  private final @Nullable BearerToken token;

  private ControlClient(
      List<URI> replicas,
      Settings settings,
      @Nullable BearerToken token,
      javax.net.ssl.@Nullable SSLContext trust) {
    this.token = token;
    this.replicas = new Replicas(replicas);
    this.settings = settings;
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(settings.connect());
    if (trust != null) {
      b.sslContext(trust);
    }
    this.http = b.build();
  }

  /** A client of the orchestrator whose replicas answer at {@code replicas} (http://HOST:PORT). */
  public static ControlClient of(List<URI> replicas) {
    return new ControlClient(replicas, Settings.defaults(), null, null);
  }

  public static ControlClient of(List<URI> replicas, Settings settings) {
    return new ControlClient(replicas, settings, null, null);
  }

  /**
   * A client that sends {@code token} with every request, as an orchestrator that requires one
   * expects (a viewer's reads; an operator's also starts and approves plans).
   */
  public static ControlClient of(
      List<URI> replicas, Settings settings, @Nullable BearerToken token) {
    return new ControlClient(replicas, settings, token, null);
  }

  /**
   * A client that sends {@code token} and, to replicas at {@code https://} addresses, trusts the
   * certificate authorities of {@code trust} ({@code null}: the JDK's).
   */
  public static ControlClient of(
      List<URI> replicas,
      Settings settings,
      @Nullable BearerToken token,
      javax.net.ssl.@Nullable SSLContext trust) {
    return new ControlClient(replicas, settings, token, trust);
  }

  /** The replicas, as given (each reduced to http://HOST:PORT, duplicates dropped). */
  public List<URI> replicas() {
    return replicas.all();
  }

  /** The replica that answered last: the leader, unless it has changed since. */
  public URI lastLeader() {
    return replicas.leader();
  }

  // ---- the API ------------------------------------------------------------------------------

  /** {@code GET /v1/status}. */
  public Status status() {
    return parse(get("/v1/status"), Status.class, "GET /v1/status");
  }

  /** {@code GET /v1/status} as the orchestrator wrote it, every field kept (for printing). */
  public JsonNode statusDocument() {
    return get("/v1/status").json("GET /v1/status");
  }

  /** {@code GET /v1/plans}: every plan, oldest first. */
  public List<PlanStatus> plans() {
    Answer a = get("/v1/plans");
    return parse(a, a.json("GET /v1/plans").path("plans"), new TypeReference<>() {});
  }

  /**
   * {@code GET /v1/plans/{id}}; a plan that does not exist is a 404 {@link ControlApiException}.
   */
  public PlanStatus plan(String id) {
    String path = "/v1/plans/" + segment(id);
    return parse(get(path), PlanStatus.class, "GET " + path);
  }

  /** {@code POST /v1/plans}: starts a plan; the answer is its status. */
  public PlanStatus request(PlanRequest request) {
    return parse(
        send("POST", "/v1/plans", request.body(), settings.request()),
        PlanStatus.class,
        "POST /v1/plans");
  }

  /** {@code POST /v1/plans/{id}/approve}: lets a plan waiting at an approval gate go on. */
  public PlanStatus approve(String id, String by) {
    String path = "/v1/plans/" + segment(id) + "/approve";
    return parse(
        send("POST", path, Map.of("by", by), settings.request()), PlanStatus.class, "POST " + path);
  }

  /** {@code GET /v1/events/recent}: the last events kept, oldest first. */
  public List<Events.Event> recentEvents() {
    Answer a = get("/v1/events/recent");
    return parse(a, a.json("GET /v1/events/recent").path("events"), new TypeReference<>() {});
  }

  /**
   * {@code GET /v1/events} of the replica that answered last (the leader, after a plan request):
   * its last events, then each new one as it is published (server-sent events), until the stream is
   * closed. A keep-alive comes every 15 s.
   *
   * @throws ControlClientException when the replica does not answer with an event stream (and, from
   *     the stream, when a frame cannot be read)
   */
  public java.util.stream.Stream<Events.Event> eventStream() {
    URI target = lastLeader().resolve("/v1/events");
    HttpResponse<java.util.stream.Stream<String>> r;
    try {
      r =
          http.send(
              signed(
                  HttpRequest.newBuilder(target)
                      .timeout(settings.request())
                      .header("Accept", "text/event-stream")
                      .GET()),
              HttpResponse.BodyHandlers.ofLines());
    } catch (IOException e) {
      throw new ControlClientException(target + ": no event stream: " + describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ControlClientException(target + ": interrupted", e);
    }
    if (r.statusCode() != 200) {
      r.body().close();
      throw new ControlClientException(
          target + ": no event stream: HTTP " + r.statusCode() + " (expected: 200)");
    }
    return r.body()
        .filter(line -> line.startsWith("data: "))
        .map(line -> parseEvent(target, line.substring(6)));
  }

  private static Events.Event parseEvent(URI from, String json) {
    try {
      return JSON.readValue(json, Events.Event.class);
    } catch (IOException e) {
      throw new ControlClientException(from + ": unreadable event: " + abbreviate(json), e);
    }
  }

  /** {@code GET /v1/audit}: who asked for what, when, with what result. */
  public List<AuditLog.Entry> audit() {
    Answer a = get("/v1/audit");
    return parse(a, a.json("GET /v1/audit").path("entries"), new TypeReference<>() {});
  }

  /** {@code GET /v1/endpoints}: the discovery snapshot now. */
  public Discovery.Snapshot endpoints() {
    return parse(get("/v1/endpoints"), Discovery.Snapshot.class, "GET /v1/endpoints");
  }

  /**
   * {@code GET /v1/endpoints?version=N&wait=W}: the snapshot as soon as its version is above {@code
   * after}, or the current one once {@code wait} has passed (whole seconds, at most 5 minutes).
   */
  public Discovery.Snapshot awaitEndpoints(long after, Duration wait) {
    if (wait.isNegative() || wait.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new IllegalArgumentException(
          "wait: " + wait.toSeconds() + "s (expected: between 0s and 5m)");
    }
    String path = "/v1/endpoints?version=" + after + "&wait=" + wait.toSeconds() + "s";
    return parse(
        send("GET", path, null, settings.request().plus(wait)),
        Discovery.Snapshot.class,
        "GET /v1/endpoints");
  }

  @Override
  public void close() {
    http.close();
  }

  // ---- leader finding ---------------------------------------------------------------------

  /** An answer from one replica. */
  private record Answer(URI replica, String endpoint, int status, String body) {
    JsonNode json(String what) {
      try {
        return JSON.readTree(body);
      } catch (JsonProcessingException e) {
        throw new ControlApiException(
            what,
            replica,
            status,
            "not JSON (" + e.getOriginalMessage() + "): " + abbreviate(body));
      }
    }
  }

  private Answer get(String path) {
    return send("GET", path, null, settings.request());
  }

  /**
   * How long a read waits out a hand-over: while no replica gives a usable answer and one of them
   * answers 503 (it is up, but no replica leads yet, as between a leader stepping down for the
   * preferred replica and that replica serving, about a second in the lab), the read is asked again
   * every {@link #HANDOVER_PAUSE}. A plan request is never asked again.
   */
  static final Duration HANDOVER = Duration.ofSeconds(5);

  static final Duration HANDOVER_PAUSE = Duration.ofMillis(200);

  private static final String UNAVAILABLE = "503: ";

  private Answer send(String method, String path, @Nullable Object body, Duration timeout) {
    String endpoint = method + " " + path.replaceFirst("\\?.*", "");
    byte[] bytes = body == null ? new byte[0] : write(body);
    long deadline = System.nanoTime() + HANDOVER.toNanos();
    while (true) {
      List<NoReplicaReachableException.Attempt> attempts = new java.util.ArrayList<>();
      for (URI replica : replicas.order()) {
        Answer a = askOne(replica, method, path, body == null ? null : bytes, timeout, attempts);
        if (a != null) {
          replicas.answered(a.replica());
          return checked(a);
        }
      }
      boolean electing = attempts.stream().anyMatch(a -> a.what().startsWith(UNAVAILABLE));
      if (!method.equals("GET") || !electing || System.nanoTime() > deadline) {
        throw new NoReplicaReachableException(endpoint, attempts);
      }
      try {
        Thread.sleep(HANDOVER_PAUSE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new NoReplicaReachableException(endpoint, attempts);
      }
    }
  }

  /**
   * Asks {@code replica}, following its redirects; null (with an attempt recorded) when it gave no
   * usable answer.
   */
  private @Nullable Answer askOne(
      URI replica,
      String method,
      String path,
      byte @Nullable [] body,
      Duration timeout,
      List<NoReplicaReachableException.Attempt> attempts) {
    URI target = replica.resolve(path);
    String endpoint = method + " " + target.getPath();
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpResponse<String> r;
      try {
        r = http.send(request(method, target, body, timeout), HttpResponse.BodyHandlers.ofString());
      } catch (HttpConnectTimeoutException e) {
        attempts.add(attempt(target, describe(e)));
        return null;
      } catch (HttpTimeoutException e) {
        if (!method.equals("GET")) {
          // The replica may have carried the request out before the answer was lost: asking
          // another would repeat it.
          throw new ControlClientException(
              endpoint
                  + " at "
                  + Replicas.origin(target)
                  + ": no answer within "
                  + timeout.toMillis()
                  + "ms; the request may have been carried out (not sent again)",
              e);
        }
        attempts.add(attempt(target, describe(e)));
        return null;
      } catch (IOException e) {
        attempts.add(attempt(target, describe(e)));
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ControlClientException(endpoint + ": interrupted", e);
      }
      int status = r.statusCode();
      if (status == 307 || status == 308) {
        URI next = r.headers().firstValue("Location").map(target::resolve).orElse(null);
        if (next == null) {
          attempts.add(attempt(target, status + " without a Location"));
          return null;
        }
        target = next;
      } else if (status == 503) {
        attempts.add(attempt(target, UNAVAILABLE + abbreviate(errorOf(r.body()))));
        return null;
      } else {
        return new Answer(Replicas.origin(target), endpoint, status, r.body());
      }
    }
    attempts.add(attempt(target, "more than " + MAX_REDIRECTS + " redirects"));
    return null;
  }

  private static NoReplicaReachableException.Attempt attempt(URI target, String what) {
    return new NoReplicaReachableException.Attempt(Replicas.origin(target), what);
  }

  private HttpRequest request(String method, URI target, byte @Nullable [] body, Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(timeout);
    if (body == null) {
      return signed(b.method(method, HttpRequest.BodyPublishers.noBody()));
    }
    return signed(
        b.header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  private HttpRequest signed(HttpRequest.Builder b) {
    return (token == null ? b : token.sign(b)).build();
  }

  private static Answer checked(Answer a) {
    if (a.status() / 100 != 2) {
      throw new ControlApiException(a.endpoint(), a.replica(), a.status(), errorOf(a.body()));
    }
    return a;
  }

  // ---- JSON ---------------------------------------------------------------------------------

  private static <T> T parse(Answer a, Class<T> type, String what) {
    return parse(a, a.json(what), JSON.getTypeFactory().constructType(type));
  }

  private static <T> T parse(Answer a, JsonNode node, TypeReference<T> type) {
    return parse(a, node, JSON.getTypeFactory().constructType(type));
  }

  private static <T> T parse(Answer a, JsonNode node, JavaType type) {
    try {
      T value = JSON.treeToValue(node, type);
      if (value == null) {
        throw new IOException("no document");
      }
      return value;
    } catch (IOException | IllegalArgumentException e) {
      throw new ControlApiException(
          a.endpoint(),
          a.replica(),
          a.status(),
          "unexpected answer (" + e.getMessage() + "): " + abbreviate(a.body()));
    }
  }

  private static byte[] write(Object body) {
    try {
      return JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalArgumentException("body: cannot be written as JSON: " + e.getMessage(), e);
    }
  }

  /** The {@code error} field of an error body, else the body itself. */
  private static String errorOf(String body) {
    try {
      JsonNode n = JSON.readTree(body);
      return n != null && n.path("error").isTextual() ? n.path("error").asText() : body;
    } catch (IOException e) {
      return body;
    }
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
  }

  private static String abbreviate(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "...";
  }

  private static String segment(String id) {
    if (id.isBlank() || id.contains("/")) {
      throw new IllegalArgumentException("plan: '" + id + "' (expected: a plan id)");
    }
    return URLEncoder.encode(id, StandardCharsets.UTF_8);
  }
}
