package io.summit.dr.orchestrator.coordination;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;

/** A real one-member etcd (Debian's /usr/bin/etcd) on free loopback ports, for tests. */
public final class TestEtcd implements AutoCloseable {
  private final Process process;
  public final String url;

  private TestEtcd(Process process, String url) {
    this.process = process;
    this.url = url;
  }

  public static TestEtcd start() throws IOException {
    int client = freePort();
    int peer = freePort();
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "etcd");
    String url = "http://127.0.0.1:" + client;
    Process p =
        new ProcessBuilder(
                List.of(
                    "/usr/bin/etcd",
                    "--name",
                    "test",
                    "--data-dir",
                    dir.resolve("data").toString(),
                    "--listen-client-urls",
                    url,
                    "--advertise-client-urls",
                    url,
                    "--listen-peer-urls",
                    "http://127.0.0.1:" + peer,
                    "--initial-advertise-peer-urls",
                    "http://127.0.0.1:" + peer,
                    "--initial-cluster",
                    "test=http://127.0.0.1:" + peer,
                    "--heartbeat-interval",
                    "100",
                    "--election-timeout",
                    "600"))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("etcd.log").toFile())
            .start();
    TestEtcd etcd = new TestEtcd(p, url);
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> healthy(url));
    return etcd;
  }

  private static boolean healthy(String url) {
    try {
      HttpURLConnection c =
          (HttpURLConnection) URI.create(url + "/health").toURL().openConnection();
      c.setConnectTimeout(500);
      c.setReadTimeout(500);
      return c.getResponseCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
