package io.summit.dr.replication.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreAdapter;
import io.summit.dr.replication.StoreObservation;
import io.summit.dr.replication.StoreResult;
import io.summit.dr.replication.StoreRole;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Supervises one Redis node of a primary/replica pair, over Lettuce.
 *
 * <p><b>Fencing</b> sets {@code min-replicas-to-write} to a number no deployment reaches, so every
 * write fails at once with "NOREPLICAS Not enough good replicas to write" while reads keep working,
 * and persists it with {@code CONFIG REWRITE} so a restarted old primary comes back fenced. {@code
 * CLIENT PAUSE WRITE} was the alternative: it blocks writers instead of refusing them, and ends
 * when its timeout does, so an application hangs instead of failing over.
 *
 * <p><b>Lag</b> of a replica is read from its primary's {@code INFO replication}: the primary's
 * offset minus the offset the replica acknowledged, and the seconds since that acknowledgement when
 * more than a keep-alive PING is unacknowledged (see {@link #PING_FRAME_BYTES}).
 *
 * <p>Thread-safe: each operation opens its own connection.
 */
public final class RedisAdapter implements StoreAdapter {
  /**
   * Unacknowledged bytes that are only the primary's keep-alive PING to its replicas (14 bytes
   * each, acknowledged once a second): no data is behind, so the lag in seconds is 0. Redis's own
   * {@code lag} field is the time since the replica's last acknowledgement, 0-1 s even when idle,
   * and would make every idle replica look a second behind.
   */
  static final long PING_FRAME_BYTES = 64;

  /** The {@code min-replicas-to-write} value that marks a fenced primary. */
  static final int FENCE_MIN_REPLICAS = 1_000_000;

  private final String id;
  private final Endpoint endpoint;
  private final RedisClient client;
  private final Clock clock;
  private final Duration timeout;
  private final UnaryOperator<Endpoint> route;

  /**
   * @param route how the caller reaches the address a replica names as its primary (see {@link
   *     io.summit.dr.replication.postgres.PostgresAdapter})
   */
  public RedisAdapter(
      String id, Endpoint endpoint, Clock clock, Duration timeout, UnaryOperator<Endpoint> route) {
    this.id = id;
    this.endpoint = endpoint;
    this.clock = clock;
    this.timeout = timeout;
    this.route = route;
    this.client = RedisClient.create();
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(false)
            .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
            .build());
  }

  @Override
  public String id() {
    return id;
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  private <T> T call(Endpoint to, Function<RedisCommands<String, String>, T> action) {
    RedisURI uri =
        RedisURI.builder().withHost(to.host()).withPort(to.port()).withTimeout(timeout).build();
    try (StatefulRedisConnection<String, String> c = client.connect(uri)) {
      return action.apply(c.sync());
    }
  }

  private void run(Endpoint to, Consumer<RedisCommands<String, String>> action) {
    call(
        to,
        r -> {
          action.accept(r);
          return Boolean.TRUE;
        });
  }

  static Map<String, String> parseInfo(String info) {
    Map<String, String> out = new HashMap<>();
    for (String line : info.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith("#")) {
        out.put(line.substring(0, colon), line.substring(colon + 1).trim());
      }
    }
    return out;
  }

  @Override
  public StoreObservation observe() {
    return observe(true);
  }

  /** {@code withLag}: also ask a replica's primary (operations do not wait on a dead primary). */
  private StoreObservation observe(boolean withLag) {
    try {
      Map<String, String> info = call(endpoint, r -> parseInfo(r.info("replication")));
      if ("master".equals(info.get("role"))) {
        boolean fenced = call(endpoint, RedisAdapter::minReplicasToWrite) >= FENCE_MIN_REPLICAS;
        return new StoreObservation(
            true,
            fenced ? StoreRole.FENCED : StoreRole.PRIMARY,
            null,
            null,
            info.get("master_repl_offset"),
            null,
            clock.instant());
      }
      if (!withLag) {
        return new StoreObservation(
            true,
            StoreRole.REPLICA,
            null,
            null,
            info.get("slave_repl_offset"),
            null,
            clock.instant());
      }
      return observeReplica(info);
    } catch (RedisException e) {
      return StoreObservation.unreachable(id + ": " + e.getMessage(), clock.instant());
    }
  }

  private StoreObservation observeReplica(Map<String, String> info) {
    String offset = info.getOrDefault("slave_repl_offset", "0");
    Endpoint upstream =
        new Endpoint(
            info.getOrDefault("master_host", "?"),
            Integer.parseInt(info.getOrDefault("master_port", "0")));
    String link = info.getOrDefault("master_link_status", "down");
    try {
      Map<String, String> primary =
          call(route.apply(upstream), r -> parseInfo(r.info("replication")));
      long primaryOffset = Long.parseLong(primary.getOrDefault("master_repl_offset", "0"));
      for (Map.Entry<String, String> e : primary.entrySet()) {
        Map<String, String> replica = fields(e.getValue());
        if (e.getKey().startsWith("slave")
            && Integer.toString(endpoint.port()).equals(replica.get("port"))) {
          long acked = Long.parseLong(replica.getOrDefault("offset", "0"));
          long bytes = Math.max(0, primaryOffset - acked);
          double seconds =
              bytes <= PING_FRAME_BYTES
                  ? 0.0
                  : Double.parseDouble(replica.getOrDefault("lag", "0"));
          return new StoreObservation(
              true,
              StoreRole.REPLICA,
              bytes,
              seconds,
              offset,
              "link " + link + " to " + upstream,
              clock.instant());
        }
      }
    } catch (RedisException | NumberFormatException e) {
      // The primary is unreachable: report what the replica itself knows.
    }
    Double sinceIo = parseSeconds(info.get("master_last_io_seconds_ago"));
    Double downFor = parseSeconds(info.get("master_link_down_since_seconds"));
    return new StoreObservation(
        true,
        StoreRole.REPLICA,
        null,
        downFor != null ? downFor : sinceIo,
        offset,
        "link " + link + "; primary " + upstream + " not reachable",
        clock.instant());
  }

  private static @Nullable Double parseSeconds(@Nullable String value) {
    if (value == null || value.isEmpty() || value.startsWith("-")) {
      return null;
    }
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** {@code ip=127.0.0.1,port=6380,state=online,offset=42,lag=0} as a map. */
  static Map<String, String> fields(String value) {
    Map<String, String> out = new HashMap<>();
    for (String part : value.split(",")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        out.put(part.substring(0, eq), part.substring(eq + 1));
      }
    }
    return out;
  }

  private static int minReplicasToWrite(RedisCommands<String, String> r) {
    Map<String, String> config = r.configGet("min-replicas-to-write");
    return Integer.parseInt(config.getOrDefault("min-replicas-to-write", "0"));
  }

  @Override
  public StoreResult promote() {
    StoreObservation seen = observe(false);
    if (!seen.reachable()) {
      return new StoreResult.Retry(id + ": unreachable: " + seen.detail());
    }
    if (seen.role() == StoreRole.PRIMARY) {
      return new StoreResult.AlreadyDone(id + ": already primary at offset " + seen.position());
    }
    try {
      run(
          endpoint,
          r -> {
            r.replicaofNoOne();
            r.configSet("min-replicas-to-write", "0");
            rewrite(r);
          });
      return new StoreResult.Applied(
          id + ": promoted (was " + lower(seen.role()) + " at offset " + seen.position() + ")");
    } catch (RedisException e) {
      return new StoreResult.Retry(id + ": promote failed: " + e.getMessage());
    }
  }

  @Override
  public StoreResult fence() {
    StoreObservation seen = observe(false);
    if (!seen.reachable()) {
      return new StoreResult.Retry(id + ": unreachable: " + seen.detail());
    }
    if (seen.role() != StoreRole.PRIMARY) {
      return new StoreResult.AlreadyDone(
          id + ": refuses writes already (" + lower(seen.role()) + ")");
    }
    try {
      run(
          endpoint,
          r -> {
            r.configSet("min-replicas-to-write", Integer.toString(FENCE_MIN_REPLICAS));
            rewrite(r);
          });
      return new StoreResult.Applied(id + ": fenced at offset " + seen.position());
    } catch (RedisException e) {
      return new StoreResult.Retry(id + ": fence failed: " + e.getMessage());
    }
  }

  @Override
  public StoreResult rejoin(Endpoint newPrimary) {
    if (newPrimary.equals(endpoint)) {
      return new StoreResult.Fatal(
          id + ": cannot rejoin as a replica of itself (" + newPrimary + ")");
    }
    try {
      Map<String, String> info = call(endpoint, r -> parseInfo(r.info("replication")));
      boolean following =
          "slave".equals(info.get("role"))
              && newPrimary.host().equals(info.get("master_host"))
              && Integer.toString(newPrimary.port()).equals(info.get("master_port"));
      if (following && "up".equals(info.get("master_link_status"))) {
        return new StoreResult.AlreadyDone(id + ": already replicating from " + newPrimary);
      }
      run(
          endpoint,
          r -> {
            r.configSet("min-replicas-to-write", "0");
            r.replicaof(newPrimary.host(), newPrimary.port());
            rewrite(r);
          });
      return new StoreResult.Applied(id + ": now a replica of " + newPrimary);
    } catch (RedisException e) {
      return new StoreResult.Retry(id + ": rejoin failed: " + e.getMessage());
    }
  }

  @Override
  public StoreResult verifyWrite() {
    try {
      run(endpoint, r -> r.set("summit-dr:verify", clock.instant().toString()));
      return new StoreResult.Applied(id + ": wrote key summit-dr:verify");
    } catch (RedisException e) {
      return new StoreResult.Retry(id + ": verify write failed: " + e.getMessage());
    }
  }

  /** Persists runtime settings when the server runs from a config file (the lab's do). */
  private static void rewrite(RedisCommands<String, String> r) {
    try {
      r.configRewrite();
    } catch (RedisException e) {
      if (!String.valueOf(e.getMessage()).contains("without a config file")) {
        throw e;
      }
    }
  }

  private static String lower(StoreRole role) {
    return role.name().toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public void close() {
    client.shutdown(Duration.ZERO, timeout);
  }
}
