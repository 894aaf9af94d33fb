package io.summit.dr.orchestrator.detection;

import static org.awaitility.Awaitility.await;

import io.summit.dr.replication.Endpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real redis-server on a free loopback port, for tests; {@link #close()} kills it. */
final class TestRedis implements AutoCloseable {
  private final Process process;
  final Endpoint address;

  private TestRedis(Process process, Endpoint address) {
    this.process = process;
    this.address = address;
  }

  static TestRedis start() throws IOException {
    int port = freePort();
    Path dir = Files.createTempDirectory("detection-redis");
    Process p =
        new ProcessBuilder(
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
                    "--dir",
                    dir.toString()))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis.log").toFile())
            .start();
    TestRedis redis = new TestRedis(p, new Endpoint("127.0.0.1", port));
    RegionProber prober = redis.prober(Duration.ofMillis(200));
    await().atMost(Duration.ofSeconds(10)).until(() -> prober.probe().get("r") == RegionHealth.UP);
    return redis;
  }

  RegionProber prober(Duration timeout) {
    return new RegionProber(
        List.of(new ProbeTarget("r", io.summit.dr.topology.StoreKind.REDIS, address)), timeout);
  }

  /** A prober of this Redis as region {@code r} that also probes {@code edge}. */
  RegionProber prober(Duration timeout, io.summit.dr.replication.Endpoint edge) {
    return new RegionProber(
        List.of(new ProbeTarget("r", io.summit.dr.topology.StoreKind.REDIS, address)),
        timeout,
        edge);
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Kills the server (SIGKILL) and waits for it to be gone. */
  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
