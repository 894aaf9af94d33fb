package io.summit.dr.agent;

import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.summit.dr.replication.Endpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Test kit: a real redis-server on a free loopback port, no persistence, as a region's local
 * primary; {@link #writeError()} tells whether it takes writes.
 */
final class RedisProcess implements AutoCloseable {
  private final Process process;
  private final Endpoint endpoint;
  private final RedisClient client = RedisClient.create();

  private RedisProcess(Process process, Endpoint endpoint) {
    this.process = process;
    this.endpoint = endpoint;
  }

  static RedisProcess start(Path dir) throws IOException {
    int port = EtcdCluster.freePorts(1)[0];
    Path data = Files.createDirectories(dir.resolve("redis"));
    List<String> cmd =
        List.of(
            "redis-server",
            "--port",
            Integer.toString(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--repl-diskless-sync-delay",
            "0",
            "--dir",
            data.toString());
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis.log").toFile())
            .start();
    RedisProcess redis = new RedisProcess(p, new Endpoint("127.0.0.1", port));
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> redis.ping());
      return redis;
    } catch (RuntimeException e) {
      redis.close();
      throw e;
    }
  }

  Endpoint endpoint() {
    return endpoint;
  }

  /** Empty when a SET succeeds; otherwise the server's error ("NOREPLICAS ..."). */
  Optional<String> writeError() {
    try (StatefulRedisConnection<String, String> c = connect()) {
      c.sync().set("agent-test", "x");
      return Optional.empty();
    } catch (RedisException e) {
      return Optional.of(String.valueOf(e.getMessage()));
    }
  }

  private boolean ping() {
    try (StatefulRedisConnection<String, String> c = connect()) {
      return "PONG".equals(c.sync().ping());
    } catch (RedisException e) {
      return false;
    }
  }

  private StatefulRedisConnection<String, String> connect() {
    return client.connect(
        RedisURI.builder()
            .withHost(endpoint.host())
            .withPort(endpoint.port())
            .withTimeout(Duration.ofSeconds(1))
            .build());
  }

  @Override
  public void close() {
    client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
