package io.summit.dr.replication.neo4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreAdapter;
import io.summit.dr.replication.StoreObservation;
import io.summit.dr.replication.StoreResult;
import io.summit.dr.replication.StoreRole;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Supervises one Neo4j server of the Summit DR Neo4j store (change capture into an outbox, a
 * replica pulling it), through the server's admin API. The node is addressed by its Bolt endpoint;
 * {@code adminOf} gives the admin API of a Bolt endpoint (in the lab: three ports above it, locally
 * and through the WAN).
 *
 * <p>Lag of a replica: in transactions, the primary's last sequence number minus the replica's
 * (reported in the detail; {@code lagBytes} stays null); in seconds, how long ago the oldest change
 * not yet applied was committed (0 when caught up), as of the applier's last answer from its
 * primary ({@code lagMeasuredAt}); {@code streaming} while that pull succeeds. {@code position}:
 * {@code seq N}.
 *
 * <p>Fence: the server's commit listener vetoes every write, persisted across restarts. Promote:
 * the applier stops, the node takes writes continuing the sequence. Rejoin: the node is rebuilt
 * from a snapshot the new primary takes, then replays from its sequence number. Thread-safe.
 */
public final class Neo4jAdapter implements StoreAdapter {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String id;
  private final Endpoint bolt;
  private final UnaryOperator<Endpoint> adminOf;
  private final Clock clock;
  private final Duration timeout;
  private final HttpClient http;
  // The Authorization header of the control operations (null: none sent).
  private final java.util.function.Supplier<@Nullable String> authorization;
  private final String scheme;

  /** An adapter that sends no token and speaks plain HTTP. */
  public Neo4jAdapter(
      String id, Endpoint bolt, UnaryOperator<Endpoint> adminOf, Clock clock, Duration timeout) {
    this(id, bolt, adminOf, clock, timeout, () -> null, null);
  }

  /**
   * @param authorization the {@code Authorization} header value each request carries (a bearer
   *     token of the operator role where the server has an access list), or null for none; read at
   *     each request, so a rotated token is sent from the next one on
   * @param trust the authority the admin API's certificate chains to: HTTPS with it, plain HTTP
   *     when null
   */
  public Neo4jAdapter(
      String id,
      Endpoint bolt,
      UnaryOperator<Endpoint> adminOf,
      Clock clock,
      Duration timeout,
      java.util.function.Supplier<@Nullable String> authorization,
      javax.net.ssl.@Nullable SSLContext trust) {
    this.authorization = authorization;
    this.scheme = trust == null ? "http" : "https";
    this.id = id;
    this.bolt = bolt;
    this.adminOf = adminOf;
    this.clock = clock;
    this.timeout = timeout;
    HttpClient.Builder b =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout);
    this.http = (trust == null ? b : b.sslContext(trust)).build();
  }

  /** The lab's rule: a server's admin API listens three ports above its Bolt port. */
  public static Endpoint adminThreeAbove(Endpoint bolt) {
    return new Endpoint(bolt.host(), bolt.port() + 3);
  }

  @Override
  public String id() {
    return id;
  }

  private record Answer(int status, JsonNode body) {}

  private Answer call(String method, String path) throws IOException, InterruptedException {
    Endpoint admin = adminOf.apply(bolt);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create(scheme + "://" + admin.host() + ":" + admin.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(path.startsWith("/v1/rejoin") ? Duration.ofMinutes(5) : timeout);
    String auth = authorization.get();
    if (auth != null) {
      request.header("Authorization", auth);
    }
    HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), JSON.readTree(r.body()));
  }

  @Override
  public StoreObservation observe() {
    try {
      Answer a = call("GET", "/v1/status");
      return a.status() == 200
          ? observation(a.body())
          : StoreObservation.unreachable(id + ": status " + a.status(), clock.instant());
    } catch (IOException e) {
      return StoreObservation.unreachable(id + ": " + e, clock.instant());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return StoreObservation.unreachable(id + ": interrupted", clock.instant());
    }
  }

  private StoreObservation observation(JsonNode s) {
    Instant now = clock.instant();
    String position = "seq " + s.path("seq").asLong();
    if (s.path("role").asText().equals("primary")) {
      StoreRole role = s.path("fenced").asBoolean() ? StoreRole.FENCED : StoreRole.PRIMARY;
      return new StoreObservation(
          true, role, null, null, position, "term " + s.path("term").asLong(), now);
    }
    String measured = s.path("lagMeasuredAt").asText(null);
    String detail =
        "lag "
            + s.path("lagTransactions").asLong()
            + " transactions behind "
            + s.path("upstream").asText()
            + (s.path("rebuilding").asBoolean() ? "; rebuilding from a snapshot" : "")
            + (s.path("error").isTextual() ? "; " + s.path("error").asText() : "");
    return new StoreObservation(
        true,
        StoreRole.REPLICA,
        null,
        measured == null ? null : s.path("lagSeconds").asDouble(),
        position,
        detail,
        now,
        s.path("streaming").asBoolean() && !s.path("rebuilding").asBoolean(),
        measured == null ? null : Instant.parse(measured));
  }

  /** Runs a role operation: 200 with changed true/false, 409 refused, anything else retried. */
  private StoreResult operation(String path, String what) {
    try {
      Answer a = call("POST", path);
      if (a.status() == 200) {
        String detail = id + ": " + a.body().path("detail").asText(what);
        return a.body().path("changed").asBoolean(true)
            ? new StoreResult.Applied(detail)
            : new StoreResult.AlreadyDone(detail);
      }
      // 401 and 403 are RFC 9457 problems (detail); the server's own refusals carry error
      String why = a.body().path("error").asText(a.body().path("detail").asText());
      String error = id + ": " + what + " refused (" + a.status() + "): " + why;
      return a.status() == 409 || a.status() == 400 || a.status() == 401 || a.status() == 403
          ? new StoreResult.Fatal(error)
          : new StoreResult.Retry(error);
    } catch (IOException e) {
      return new StoreResult.Retry(id + ": " + what + " failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new StoreResult.Retry(id + ": interrupted");
    }
  }

  @Override
  public StoreResult promote() {
    return operation("/v1/promote", "promote");
  }

  @Override
  public StoreResult fence() {
    StoreObservation o = observe();
    if (o.role() == StoreRole.REPLICA) {
      return new StoreResult.AlreadyDone(id + ": a replica takes no writes");
    }
    return operation("/v1/fence", "fence");
  }

  @Override
  public StoreResult unfence() {
    return operation("/v1/unfence", "unfence");
  }

  @Override
  public StoreResult rejoin(Endpoint newPrimary) {
    if (newPrimary.equals(bolt)) {
      return new StoreResult.Fatal(
          id + ": cannot rejoin as a replica of itself (" + newPrimary + ")");
    }
    Endpoint upstream = adminOf.apply(newPrimary);
    return operation("/v1/rejoin?upstream=" + upstream.host() + ":" + upstream.port(), "rejoin");
  }

  @Override
  public StoreResult recordTerm(long term) {
    return operation("/v1/term?term=" + term, "record term " + term);
  }

  @Override
  public StoreResult verifyWrite() {
    StoreResult r = operation("/v1/verify-write", "verify write");
    return r instanceof StoreResult.AlreadyDone ? new StoreResult.Applied(r.detail()) : r;
  }

  @Override
  public void close() {
    http.close();
  }
}
