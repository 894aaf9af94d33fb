package io.summit.dr.lab.process;

import io.summit.dr.replication.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One lab Redis server, run from a config file in its own directory so that {@code CONFIG REWRITE}
 * (fencing, promotion, rejoin) persists across restarts. Diskless replication with no delay, so a
 * replica's first sync does not wait the default 5 s.
 */
public final class RedisServer {
  private final Binaries binaries;
  private final Path dir;
  private final Endpoint endpoint;

  public RedisServer(Binaries binaries, Path dir, Endpoint endpoint) {
    this.binaries = binaries;
    this.dir = dir.toAbsolutePath();
    this.endpoint = endpoint;
  }

  public Path config() {
    return dir.resolve("redis.conf");
  }

  public Path log() {
    return dir.resolve("redis.log");
  }

  /** Writes the config; {@code replicaOf} makes the server a replica of that address. */
  public void configure(@Nullable Endpoint replicaOf) {
    String conf =
        String.join(
            "\n",
            "bind " + endpoint.host(),
            "port " + endpoint.port(),
            "protected-mode no",
            "daemonize no",
            "dir " + dir,
            "appendonly yes",
            "appendfsync everysec",
            "save \"\"",
            "repl-diskless-sync yes",
            "repl-diskless-sync-delay 0",
            "repl-ping-replica-period 1",
            "repl-timeout 5",
            "shutdown-timeout 2",
            "logfile " + log(),
            "");
    if (replicaOf != null) {
      conf += "replicaof " + replicaOf.host() + " " + replicaOf.port() + "\n";
    }
    try {
      Files.createDirectories(dir);
      Files.writeString(config(), conf, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the server from its config and waits until it answers PING; returns its PID. */
  public long start(Duration timeout) {
    long pid =
        OsProcesses.spawnDetached(
            List.of(binaries.redisServer().toString(), config().toString()),
            dir.resolve("stdout.log"));
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!OsProcesses.isAlive(pid)) {
        throw new LabException("redis-server on " + endpoint + " exited at start; see " + log());
      }
      if (ping(endpoint)) {
        return pid;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
    }
    throw new LabException(
        "redis-server on " + endpoint + " did not answer PING within " + timeout);
  }

  static boolean ping(Endpoint endpoint) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), 200);
      s.setSoTimeout(500);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] reply = new byte[7];
      int n = in.read(reply);
      return n > 0 && new String(reply, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException e) {
      return false;
    }
  }
}
