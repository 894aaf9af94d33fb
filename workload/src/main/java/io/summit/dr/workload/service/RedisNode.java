package io.summit.dr.workload.service;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.summit.dr.replication.Endpoint;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * One Redis node as the service uses it: one multiplexed Lettuce connection, opened on first use
 * and again after it breaks; while the node is unreachable commands fail at once (no queueing)
 * instead of piling up behind a reconnect. Thread-safe.
 */
final class RedisNode implements AutoCloseable {
  private final String id;
  private final RedisClient client;
  private final RedisURI uri;
  private final ReentrantLock connecting = new ReentrantLock();
  private volatile @Nullable StatefulRedisConnection<String, String> connection;

  RedisNode(String id, Endpoint address, Duration timeout) {
    this.id = id;
    this.uri =
        RedisURI.builder()
            .withHost(address.host())
            .withPort(address.port())
            .withTimeout(timeout)
            .build();
    this.client = RedisClient.create();
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(false)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(timeout))
            .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
            .build());
  }

  String id() {
    return id;
  }

  /** The commands of an open connection, connecting first when there is none. */
  RedisCommands<String, String> commands() {
    StatefulRedisConnection<String, String> c = connection;
    if (c != null && c.isOpen()) {
      return c.sync();
    }
    connecting.lock();
    try {
      c = connection;
      if (c == null || !c.isOpen()) {
        if (c != null) {
          c.closeAsync();
        }
        c = client.connect(uri);
        connection = c;
      }
      return c.sync();
    } finally {
      connecting.unlock();
    }
  }

  @Override
  public void close() {
    StatefulRedisConnection<String, String> c = connection;
    if (c != null) {
      c.closeAsync();
    }
    client.shutdownAsync();
  }
}
