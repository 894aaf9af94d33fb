package io.summit.dr.agent.zones;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreResult;
import io.summit.dr.replication.redis.RedisAdapter;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ZoneNodeClient} for one Redis node of a Multi-AZ pair (the ElastiCache Multi-AZ model:
 * an asynchronous replica in the second zone, promoted when the first is lost). Probes run {@code
 * INFO replication} on one connection kept between them, bounded by the probe timeout (connect and
 * command); a failed probe drops the connection and the next opens a new one. Promotion and rejoin
 * go through a {@link RedisAdapter} of the node ({@code REPLICAOF NO ONE} / {@code REPLICAOF HOST
 * PORT}, persisted with {@code CONFIG REWRITE}, so a restarted node keeps its role).
 *
 * <p>How a probe maps to {@link Probe.Answered}: a replica ({@code role:slave}) is "in recovery";
 * its receiver streams when {@code master_link_status:up}. A primary's row for the other node is
 * the {@code slaveN} line whose {@code port} is the other node's listening port (a replica
 * announces its own port, whatever relay it connects through): {@code state=online} is streaming,
 * always {@code async}. Redis has no synchronous standby: {@link #setSynchronousStandbyNames} does
 * nothing. Thread-safe.
 */
final class RedisZoneNode implements ZoneNodeClient {
  private final ZoneNode node;
  private final int peerPort;
  private final RedisAdapter adapter;
  private final RedisClient client;
  private final RedisURI uri;
  private @Nullable StatefulRedisConnection<String, String> probing; // guarded by this

  /**
   * @param peerPort the other zone's node's own port, by which this node's primary lists it
   */
  RedisZoneNode(String store, ZoneNode node, int peerPort, Duration timeout) {
    this.node = node;
    this.peerPort = peerPort;
    this.adapter =
        new RedisAdapter(
            store + "/" + node.zone(),
            node.address(),
            Clock.systemUTC(),
            PostgresZoneNode.OPERATION_TIMEOUT,
            e -> e);
    this.client = RedisClient.create(RedisAdapter.sharedResources());
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(false)
            .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
            .timeoutOptions(TimeoutOptions.enabled(timeout))
            .build());
    this.uri =
        RedisURI.builder()
            .withHost(node.address().host())
            .withPort(node.address().port())
            .withTimeout(timeout)
            .build();
  }

  @Override
  public synchronized Probe probe() {
    try {
      StatefulRedisConnection<String, String> c = probing;
      if (c == null || !c.isOpen()) {
        c = client.connect(uri);
        probing = c;
      }
      return read(RedisAdapter.parseInfo(c.sync().info("replication")), peerPort);
    } catch (RuntimeException e) { // refused, timed out, reset: the node did not answer
      dropProbeConnection();
      return new Probe.Unanswered(node.address() + ": " + e.getMessage());
    }
  }

  /** What {@code INFO replication}'s fields say, the other node listening on {@code peerPort}. */
  static Probe read(Map<String, String> info, int peerPort) {
    if ("slave".equals(info.get("role"))) {
      return new Probe.Answered(
          true, "", null, null, "up".equals(info.get("master_link_status")) ? "streaming" : "down");
    }
    String state = null;
    for (Map.Entry<String, String> e : info.entrySet()) {
      if (e.getKey().matches("slave\\d+")) {
        Map<String, String> row = fields(e.getValue());
        if (Integer.toString(peerPort).equals(row.get("port"))) {
          String s = "online".equals(row.get("state")) ? "streaming" : row.get("state");
          state = "streaming".equals(state) ? state : s;
        }
      }
    }
    return new Probe.Answered(false, "", state, state == null ? null : "async", null);
  }

  /** {@code ip=127.0.0.1,port=26033,state=online,...} as a map. */
  static Map<String, String> fields(String row) {
    Map<String, String> out = new java.util.HashMap<>();
    for (String part : row.split(",")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        out.put(part.substring(0, eq), part.substring(eq + 1));
      }
    }
    return out;
  }

  private synchronized void dropProbeConnection() {
    StatefulRedisConnection<String, String> c = probing;
    probing = null;
    if (c != null) {
      c.closeAsync();
    }
  }

  @Override
  public StoreResult promote() {
    return adapter.promote();
  }

  @Override
  public StoreResult setSynchronousStandbyNames(String value) {
    return new StoreResult.AlreadyDone(
        adapter.id() + ": Redis has no synchronous standby (asked for '" + value + "')");
  }

  @Override
  public StoreResult rejoin(Endpoint writerPeer) {
    return adapter.rejoin(writerPeer);
  }

  @Override
  public void close() {
    dropProbeConnection();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    adapter.close();
  }
}
