package io.summit.dr.agent;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Test kit: a real 3-member etcd cluster (/usr/bin/etcd) on free loopback ports, with the lab's
 * timings ({@code --heartbeat-interval 100 --election-timeout 600}), and faults on its members:
 * SIGSTOP / SIGCONT (a paused member keeps its connections open and answers nothing) and SIGKILL.
 */
final class EtcdCluster implements AutoCloseable {
  static final List<String> NAMES = List.of("etcd-us-west-2", "etcd-us-east-1", "etcd-witness");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  private record Member(String name, int client, int peer, Process process) {}

  private final Map<String, Member> members = new LinkedHashMap<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

  private EtcdCluster() {}

  /**
   * Starts the three members with their data and logs under {@code dir}; returns once all are
   * healthy.
   */
  static EtcdCluster start(Path dir) throws IOException {
    EtcdCluster cluster = new EtcdCluster();
    int[] ports = freePorts(6);
    String initial =
        java.util.stream.IntStream.range(0, 3)
            .mapToObj(i -> NAMES.get(i) + "=http://127.0.0.1:" + ports[2 * i + 1])
            .collect(Collectors.joining(","));
    try {
      for (int i = 0; i < 3; i++) {
        cluster.launch(dir, NAMES.get(i), ports[2 * i], ports[2 * i + 1], initial);
      }
      await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(100)).until(cluster::healthy);
      return cluster;
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  private void launch(Path dir, String name, int client, int peer, String initial)
      throws IOException {
    Path data = Files.createDirectories(dir.resolve(name));
    String clientUrl = "http://127.0.0.1:" + client;
    String peerUrl = "http://127.0.0.1:" + peer;
    List<String> cmd =
        List.of(
            "/usr/bin/etcd",
            "--name",
            name,
            "--data-dir",
            data.toString(),
            "--listen-client-urls",
            clientUrl,
            "--advertise-client-urls",
            clientUrl,
            "--listen-peer-urls",
            peerUrl,
            "--initial-advertise-peer-urls",
            peerUrl,
            "--initial-cluster",
            initial,
            "--initial-cluster-state",
            "new",
            "--initial-cluster-token",
            "agent-test",
            "--heartbeat-interval",
            "100",
            "--election-timeout",
            "600",
            "--logger",
            "zap",
            "--log-outputs",
            "stderr");
    Path log = dir.resolve(name + ".log");
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    members.put(name, new Member(name, client, peer, p));
  }

  /** Every member's client URL, in {@link #NAMES} order. */
  List<URI> endpoints() {
    return members.values().stream()
        .map(m -> URI.create("http://127.0.0.1:" + m.client()))
        .toList();
  }

  /** True when every running member reports {@code health: true} (it sees a leader). */
  boolean healthy() {
    for (Member m : members.values()) {
      if (!m.process().isAlive() || !healthy(m)) {
        return false;
      }
    }
    return true;
  }

  private boolean healthy(Member m) {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.client() + "/health"))
            .timeout(Duration.ofMillis(500))
            .build();
    try {
      return http.send(req, HttpResponse.BodyHandlers.ofString()).body().contains("\"true\"");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** SIGSTOP: the member stops answering but keeps its sockets open. */
  void pause(String name) {
    signal(name, "STOP");
  }

  /** SIGCONT after {@link #pause}. */
  void resume(String name) {
    signal(name, "CONT");
  }

  /** SIGKILL. */
  void kill(String name) {
    member(name).process().destroyForcibly();
  }

  private void signal(String name, String signal) {
    long pid = member(name).process().pid();
    try {
      int rc = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor();
      if (rc != 0) {
        throw new IllegalStateException(
            "kill -" + signal + " " + pid + " (" + name + "): exit " + rc);
      }
    } catch (IOException e) {
      throw new IllegalStateException("kill -" + signal + " " + name + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted signalling " + name, e);
    }
  }

  private Member member(String name) {
    Member m = members.get(name);
    if (m == null) {
      throw new IllegalArgumentException("member: '" + name + "' (expected: one of " + NAMES + ")");
    }
    return m;
  }

  @Override
  public void close() {
    List<Process> running = new ArrayList<>();
    for (Member m : members.values()) {
      m.process().destroyForcibly(); // SIGKILL ends a stopped process too
      running.add(m.process());
    }
    for (Process p : running) {
      try {
        p.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static int[] freePorts(int n) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        sockets.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
  }
}
