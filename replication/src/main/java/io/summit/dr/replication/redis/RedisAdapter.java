package io.summit.dr.replication.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.Login;
import io.summit.dr.replication.StoreAdapter;
import io.summit.dr.replication.StoreObservation;
import io.summit.dr.replication.StoreResult;
import io.summit.dr.replication.StoreRole;
import io.summit.dr.replication.WriterTerm;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 * <p><b>Lag</b> of a replica: in bytes, its primary's replication offset minus its own; in seconds,
 * how long it then takes to reach the offset the primary had (measured, see {@link
 * #catchUpSeconds}; 0 when it has everything; unknown (null) past {@link #CATCH_UP_LIMIT}, where
 * the orchestrator's lag monitor measures it from the primary's offsets over time). Streaming: the
 * replica's link is up and its primary lists it online.
 *
 * <p>Thread-safe: each operation opens its own connection.
 */
public final class RedisAdapter implements StoreAdapter {
  /** The longest {@link #observe} waits to measure a replica's delay. */
  static final Duration CATCH_UP_LIMIT = Duration.ofSeconds(1);

  /** The {@code min-replicas-to-write} value that marks a fenced primary. */
  static final int FENCE_MIN_REPLICAS = 1_000_000;

  private final String id;
  private final Endpoint endpoint;
  private final RedisClient client;
  private final Clock clock;
  private final Duration timeout;
  private final UnaryOperator<Endpoint> route;
  private final Login login;
  // The port this node announces to its primary, once asked (see observeReplica).
  private volatile @Nullable Integer announced;

  /**
   * @param route how the caller reaches the address a replica names as its primary (see {@link
   *     io.summit.dr.replication.postgres.PostgresAdapter})
   */
  public RedisAdapter(
      String id, Endpoint endpoint, Clock clock, Duration timeout, UnaryOperator<Endpoint> route) {
    this(id, endpoint, clock, timeout, route, Login.LAB);
  }

  /**
   * A node reached with {@code login}: an ACL user and password ({@code AUTH user password}) and
   * TLS with the peer verified, as a managed Redis (ElastiCache with RBAC) needs; the lab's login
   * sends no credentials.
   */
  public RedisAdapter(
      String id,
      Endpoint endpoint,
      Clock clock,
      Duration timeout,
      UnaryOperator<Endpoint> route,
      Login login) {
    this.login = login;
    this.id = id;
    this.endpoint = endpoint;
    this.clock = clock;
    this.timeout = timeout;
    this.route = route;
    this.client = RedisClient.create(SharedResources.RESOURCES);
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
    RedisURI.Builder b =
        RedisURI.builder().withHost(to.host()).withPort(to.port()).withTimeout(timeout);
    if (!login.isLab()) {
      String password = login.password();
      if (password != null) {
        b.withAuthentication(login.user(), password.toCharArray());
      }
      b.withSsl(login.tls()).withVerifyPeer(login.tls());
    }
    RedisURI uri = b.build();
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

  /**
   * The fields of an {@code INFO} answer ({@code name:value} lines; sections and blanks skipped).
   */
  public static Map<String, String> parseInfo(String info) {
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

  private static @Nullable String listedReplica(Map<String, String> primaryInfo, int port) {
    return primaryInfo.values().stream()
        .filter(v -> v.contains("port=" + port + ","))
        .findFirst()
        .orElse(null);
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
      long own = Long.parseLong(offset);
      // The primary lists its replicas by the port each announced, which is not the address this
      // adapter reaches the replica at when that goes through a proxy (an orchestrator replica in
      // another location, the lab's WAN links): ask the replica which port it announces.
      // The answer is kept: a server's announced port changes only with its configuration, so it
      // is asked again only when the primary does not list the port kept.
      Integer kept = announced;
      String listed = kept == null ? null : listedReplica(primary, kept);
      if (listed == null) {
        int asked = call(endpoint, RedisAdapter::announcedPort);
        announced = asked;
        listed = listedReplica(primary, asked);
      }
      if (listed == null) {
        throw new NumberFormatException("not among the primary's replicas");
      }
      boolean streaming = "up".equals(link) && listed.contains("state=online");
      Instant measuredAt = clock.instant();
      long bytes = Math.max(0, primaryOffset - own);
      double seconds = bytes == 0 ? 0.0 : catchUpSeconds(primaryOffset);
      boolean capped = seconds * 1000 >= CATCH_UP_LIMIT.toMillis();
      if (capped) {
        // Not caught up in time: a slow link, or the primary died while we waited (then what we
        // measured is the outage, not a lag). Only a primary that still answers makes it a lag.
        call(route.apply(upstream), r -> r.ping());
      }
      // Past the limit the seconds are unknown here (null, never the limit itself): the lag
      // monitor measures them from the primary's offset history.
      return new StoreObservation(
          true,
          StoreRole.REPLICA,
          bytes,
          capped ? null : seconds,
          offset,
          "link "
              + link
              + " to "
              + upstream
              + (capped ? "; not caught up within " + CATCH_UP_LIMIT.toMillis() + " ms" : ""),
          clock.instant(),
          streaming,
          measuredAt);
    } catch (RedisException | NumberFormatException e) {
      // The primary is unreachable: report what the replica itself knows.
    }
    // Without the primary the data lag is unknown: the replica can only say when it last heard
    // from it, which measures the outage, not what a failover would lose.
    Double sinceIo = parseSeconds(info.get("master_last_io_seconds_ago"));
    Double downFor = parseSeconds(info.get("master_link_down_since_seconds"));
    Double silent = downFor != null ? downFor : sinceIo;
    return new StoreObservation(
        true,
        StoreRole.REPLICA,
        null,
        null,
        offset,
        "link "
            + link
            + "; primary "
            + upstream
            + " not reachable"
            + (silent == null ? "" : "; last heard from it " + silent.intValue() + " s ago"),
        clock.instant());
  }

  /**
   * How long this replica takes to reach {@code target}, the offset its primary had a moment ago:
   * the replication delay of the newest data, measured (5 ms steps) instead of read from the
   * primary's {@code lag} field, which is the time since the replica's last once-a-second
   * acknowledgement and says 0-1 s for a replica that is 30 ms behind. Gives up at {@link
   * #CATCH_UP_LIMIT} and reports the time waited, a lower bound.
   */
  private double catchUpSeconds(long target) {
    long start = System.nanoTime();
    long limit = start + CATCH_UP_LIMIT.toNanos();
    return call(
        endpoint,
        r -> {
          while (true) {
            long now = System.nanoTime();
            long at =
                Long.parseLong(
                    parseInfo(r.info("replication")).getOrDefault("slave_repl_offset", "0"));
            if (at >= target || now >= limit) {
              return Math.round((now - start) / 1e6) / 1000.0;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
          }
        });
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

  /** The port a replica gives its primary: {@code replica-announce-port}, else its own port. */
  static int announcedPort(RedisCommands<String, String> r) {
    Map<String, String> announce = r.configGet("replica-announce-port");
    int port = Integer.parseInt(announce.getOrDefault("replica-announce-port", "0"));
    return port != 0 ? port : Integer.parseInt(r.configGet("port").getOrDefault("port", "0"));
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
  public StoreResult unfence() {
    StoreObservation seen = observe(false);
    if (!seen.reachable()) {
      return new StoreResult.Retry(id + ": unreachable: " + seen.detail());
    }
    if (seen.role() == StoreRole.PRIMARY) {
      return new StoreResult.AlreadyDone(
          id + ": takes writes already at offset " + seen.position());
    }
    if (seen.role() != StoreRole.FENCED) {
      return new StoreResult.Fatal(id + ": is a " + lower(seen.role()) + ", not fenced");
    }
    try {
      run(
          endpoint,
          r -> {
            r.configSet("min-replicas-to-write", "0");
            rewrite(r);
          });
      return new StoreResult.Applied(id + ": unfenced at offset " + seen.position());
    } catch (RedisException e) {
      return new StoreResult.Retry(id + ": unfence failed: " + e.getMessage());
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
  public StoreResult recordTerm(long term) {
    try {
      String held =
          call(
              endpoint,
              r ->
                  r.<String>eval(
                      WriterTerm.REDIS_RAISE,
                      io.lettuce.core.ScriptOutputType.VALUE,
                      new String[] {WriterTerm.REDIS_KEY},
                      Long.toString(term)));
      return held.startsWith("held")
          ? new StoreResult.AlreadyDone(id + ": writer term " + held.substring(5) + " already")
          : new StoreResult.Applied(id + ": writer term " + term);
    } catch (RedisException e) {
      return new StoreResult.Retry(id + ": recording term " + term + " failed: " + e.getMessage());
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
    // Closes this adapter's connections; the shared resources stay (Lettuce shuts down only the
    // resources a client created itself).
    client.shutdown(Duration.ZERO, timeout);
  }

  /**
   * Lettuce's event loops, timer and computation threads, one set for every adapter of this
   * process. Adapters are short-lived (a control plane opens one per observation or step, several a
   * second), and each {@code RedisClient.create()} without resources started and stopped its own
   * threads: measured on an idle lab, the orchestrator replicas created 16.6 and 6.6 threads a
   * second. Lettuce's documentation: client resources are expensive and meant to be shared.
   */
  /**
   * The Lettuce resources (event loops) every Redis client of this process shares: a client made
   * with them must be shut down, the resources never.
   */
  public static io.lettuce.core.resource.ClientResources sharedResources() {
    return SharedResources.RESOURCES;
  }

  private static final class SharedResources {
    static final io.lettuce.core.resource.ClientResources RESOURCES =
        io.lettuce.core.resource.DefaultClientResources.builder()
            .ioThreadPoolSize(2)
            .computationThreadPoolSize(2)
            .build();

    private SharedResources() {}
  }
}
