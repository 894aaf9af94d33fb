package io.summit.dr.replication.neo4j;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.access.ApiClient;
import io.summit.dr.access.ApiException;
import io.summit.dr.access.BearerToken;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreAdapter;
import io.summit.dr.replication.StoreObservation;
import io.summit.dr.replication.StoreResult;
import io.summit.dr.replication.StoreRole;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Supervises one Neo4j server of the Summit DR Neo4j store (change capture into an outbox, a
 * replica pulling it), through the server's admin API (one {@link ApiClient}). The node is
 * addressed by its Bolt endpoint; {@code adminOf} gives the admin API of a Bolt endpoint (in the
 * lab: three ports above it, locally and through the WAN).
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

  /** What the messages call the admin API (after the adapter's id). */
  private static final String ADMIN_API = "admin API";

  /** How long a rejoin may take: the new primary takes a snapshot, the node is rebuilt from it. */
  private static final Duration REJOIN_TIMEOUT = Duration.ofMinutes(5);

  private final String id;
  private final Endpoint bolt;
  private final UnaryOperator<Endpoint> adminOf;
  private final Clock clock;
  private final Duration timeout;
  private final ApiClient admin;

  /** An adapter that sends no token and speaks plain HTTP. */
  public Neo4jAdapter(
      String id, Endpoint bolt, UnaryOperator<Endpoint> adminOf, Clock clock, Duration timeout) {
    this(id, bolt, adminOf, clock, timeout, null, null);
  }

  /**
   * @param token sent with each request (a bearer token of the operator role where the server has
   *     an access list), or null for none; its file is read again when it changes, so a rotated
   *     token is sent from then on
   * @param trust the authority the admin API's certificate chains to: HTTPS with it, plain HTTP
   *     when null
   */
  public Neo4jAdapter(
      String id,
      Endpoint bolt,
      UnaryOperator<Endpoint> adminOf,
      Clock clock,
      Duration timeout,
      @Nullable BearerToken token,
      @Nullable SSLContext trust) {
    this.id = id;
    this.bolt = bolt;
    this.adminOf = adminOf;
    this.clock = clock;
    this.timeout = timeout;
    Endpoint api = adminOf.apply(bolt);
    this.admin =
        new ApiClient(
            ADMIN_API,
            URI.create((trust == null ? "http" : "https") + "://" + api.host() + ":" + api.port()),
            token,
            trust,
            timeout);
  }

  /** The lab's rule: a server's admin API listens three ports above its Bolt port. */
  public static Endpoint adminThreeAbove(Endpoint bolt) {
    return new Endpoint(bolt.host(), bolt.port() + 3);
  }

  @Override
  public String id() {
    return id;
  }

  /** {@code method path} on the admin API, its 2xx answer parsed (a missing node when empty). */
  private JsonNode call(String method, String path, Duration within) throws IOException {
    String body = admin.send(method, path, null, within);
    if (body.isBlank()) {
      return JSON.missingNode();
    }
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new IOException(
          ADMIN_API + " " + method + " " + path + ": not JSON: " + e.getOriginalMessage(), e);
    }
  }

  @Override
  public StoreObservation observe() {
    try {
      return observation(call("GET", "/v1/status", timeout));
    } catch (ApiException e) {
      return StoreObservation.unreachable(
          id
              + ": status "
              + e.status()
              + (e.explanation().isEmpty() ? "" : " (" + e.explanation() + ")"),
          clock.instant());
    } catch (InterruptedIOException e) {
      // ApiClient set the thread's flag again
      return StoreObservation.unreachable(id + ": interrupted", clock.instant());
    } catch (IOException e) {
      return StoreObservation.unreachable(id + ": " + e.getMessage(), clock.instant());
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

  /**
   * Runs a role operation: 200 with changed true/false, 400/401/403/409 refused for good, anything
   * else (another status, no answer) retried.
   */
  private StoreResult operation(String path, String what) {
    try {
      JsonNode a = call("POST", path, path.startsWith("/v1/rejoin") ? REJOIN_TIMEOUT : timeout);
      String detail = id + ": " + a.path("detail").asText(what);
      return a.path("changed").asBoolean(true)
          ? new StoreResult.Applied(detail)
          : new StoreResult.AlreadyDone(detail);
    } catch (ApiException e) {
      // 401 and 403 are RFC 9457 problems (detail); the server's own refusals carry error
      String error = id + ": " + what + " refused (" + e.status() + "): " + e.explanation();
      return e.status() == 409 || e.status() == 400 || e.status() == 401 || e.status() == 403
          ? new StoreResult.Fatal(error)
          : new StoreResult.Retry(error);
    } catch (InterruptedIOException e) {
      // ApiClient set the thread's flag again
      return new StoreResult.Retry(id + ": interrupted");
    } catch (IOException e) {
      return new StoreResult.Retry(id + ": " + what + " failed: " + e.getMessage());
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
    admin.close();
  }
}
