package io.summit.dr.orchestrator.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.summit.dr.replication.Endpoint;
import io.summit.dr.topology.StoreKind;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RegionProberTest {
  private static final Duration TIMEOUT = Duration.ofMillis(300);
  private static TestRedis redis;
  private final List<AutoCloseable> closeAfter = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startRedis() throws IOException {
    redis = TestRedis.start();
  }

  @AfterAll
  static void stopRedis() throws InterruptedException {
    redis.close();
  }

  @AfterEach
  void closeBlackHoles() throws Exception {
    for (AutoCloseable c : closeAfter) {
      c.close();
    }
  }

  @Test
  void regionWithAnsweringRedisIsUp() {
    assertThat(redis.prober(TIMEOUT).probe()).containsExactly(Map.entry("r", RegionHealth.UP));
  }

  @Test
  void regionIsDownAfterItsRedisIsKilled() throws Exception {
    try (TestRedis doomed = TestRedis.start()) {
      RegionProber prober = doomed.prober(TIMEOUT);
      assertThat(prober.probe()).containsEntry("r", RegionHealth.UP);

      doomed.close();

      assertThat(prober.probe()).containsEntry("r", RegionHealth.DOWN);
    }
  }

  @Test
  void storeThatAcceptsConnectionsButNeverAnswersIsDownWithinAboutOneTimeout() throws Exception {
    // The lab's WAN proxy with a cut link: TCP connects, nothing comes back.
    Endpoint hole = blackHole();
    RegionProber prober =
        new RegionProber(
            List.of(
                new ProbeTarget("west", StoreKind.REDIS, hole),
                new ProbeTarget("west", StoreKind.POSTGRES, hole)),
            TIMEOUT);

    long start = System.nanoTime();
    Map<String, RegionHealth> health = prober.probe();
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(health).containsExactly(Map.entry("west", RegionHealth.DOWN));
    assertThat(took).isLessThan(Duration.ofSeconds(2)); // parallel, bounded by the deadline
  }

  @Test
  void regionIsUpWhenAnyOfItsStoresAnswers() throws Exception {
    RegionProber prober =
        new RegionProber(
            List.of(
                new ProbeTarget("west", StoreKind.POSTGRES, blackHole()),
                new ProbeTarget("west", StoreKind.REDIS, redis.address),
                new ProbeTarget("east", StoreKind.POSTGRES, closedPort())),
            TIMEOUT);

    assertThat(prober.probe())
        .containsExactly(Map.entry("west", RegionHealth.UP), Map.entry("east", RegionHealth.DOWN));
  }

  @Test
  void postgresProbeOfARedisPortIsDown() {
    // Something answers, but not PostgreSQL: no answer to SELECT 1 is no answer.
    RegionProber prober =
        new RegionProber(List.of(new ProbeTarget("r", StoreKind.POSTGRES, redis.address)), TIMEOUT);

    assertThat(prober.probe()).containsEntry("r", RegionHealth.DOWN);
  }

  @Test
  void proberWithoutTargetsIsRejected() {
    assertThatThrownBy(() -> new RegionProber(List.of(), TIMEOUT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("targets: []");
  }

  @Test
  void theEdgeIsUpWhileItsHttpServerAnswersAndDownWhenItIsSilentOrGone() throws Exception {
    com.sun.net.httpserver.HttpServer http =
        com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext(
        "/",
        ex -> {
          ex.sendResponseHeaders(404, -1); // any status line is an answer
          ex.close();
        });
    http.start();
    Endpoint edge = new Endpoint("127.0.0.1", http.getAddress().getPort());
    try {
      RegionProber prober = redis.prober(TIMEOUT, edge);

      assertThat(prober.regions()).containsExactly("r", RegionProber.EDGE);
      assertThat(prober.probe())
          .containsEntry("r", RegionHealth.UP)
          .containsEntry(RegionProber.EDGE, RegionHealth.UP);
    } finally {
      http.stop(0);
    }
    assertThat(redis.prober(TIMEOUT, edge).probe())
        .containsEntry("r", RegionHealth.UP)
        .containsEntry(RegionProber.EDGE, RegionHealth.DOWN);
    long start = System.nanoTime();
    assertThat(redis.prober(TIMEOUT, blackHole()).probe())
        .containsEntry(RegionProber.EDGE, RegionHealth.DOWN);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.multipliedBy(3));
  }

  @Test
  void anHttpsEdgeIsUpOnlyForAProberThatTrustsItsCertificate(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    io.summit.dr.access.CertificateAuthority.Files ca =
        io.summit.dr.access.CertificateAuthority.create(
            dir.resolve("tls"), "prober-test CA", List.of("127.0.0.1"));
    com.sun.net.httpserver.HttpServer https =
        io.summit.dr.access.Tls.listen(
            new java.net.InetSocketAddress("127.0.0.1", 0),
            0,
            io.summit.dr.access.Tls.server(ca.serverCert(), ca.serverKey()));
    https.createContext(
        "/",
        ex -> {
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    https.start();
    java.net.URI edge = java.net.URI.create("https://127.0.0.1:" + https.getAddress().getPort());
    // a first handshake in a fresh JVM loads the TLS classes: a generous timeout, not a race
    Duration timeout = Duration.ofSeconds(3);
    List<ProbeTarget> target = List.of(new ProbeTarget("r", StoreKind.REDIS, redis.address));
    try (RegionProber trusting =
            new RegionProber(target, timeout, edge, io.summit.dr.access.Tls.trusting(ca.caCert()));
        RegionProber jdkOnly = new RegionProber(target, timeout, edge, null);
        RegionProber plain =
            new RegionProber(
                target,
                timeout,
                java.net.URI.create("http://127.0.0.1:" + https.getAddress().getPort()),
                null)) {
      assertThat(trusting.probe()).containsEntry(RegionProber.EDGE, RegionHealth.UP);
      assertThat(jdkOnly.probe()).containsEntry(RegionProber.EDGE, RegionHealth.DOWN);
      assertThat(plain.probe()).containsEntry(RegionProber.EDGE, RegionHealth.DOWN);
    } finally {
      https.stop(0);
    }
  }

  @Test
  void oneEdgeConnectionServesEveryProbeAndAKeptOneThatFallsSilentIsDown() throws Exception {
    java.util.concurrent.atomic.AtomicInteger accepted =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicBoolean silent =
        new java.util.concurrent.atomic.AtomicBoolean();
    try (java.net.ServerSocket server =
        new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual()
          .start(
              () -> {
                while (!server.isClosed()) {
                  try {
                    java.net.Socket c = server.accept();
                    accepted.incrementAndGet();
                    Thread.ofVirtual().start(() -> keepAnswering(c, silent));
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      Endpoint edge = new Endpoint("127.0.0.1", server.getLocalPort());
      try (RegionProber prober = redis.prober(TIMEOUT, edge)) {
        for (int i = 0; i < 10; i++) {
          assertThat(prober.probe()).containsEntry(RegionProber.EDGE, RegionHealth.UP);
        }
        assertThat(accepted.get()).isEqualTo(1);

        // A link cut under a kept connection: the request goes out, nothing comes back.
        silent.set(true);
        long start = System.nanoTime();
        assertThat(prober.probe()).containsEntry(RegionProber.EDGE, RegionHealth.DOWN);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.multipliedBy(3));
        silent.set(false);
        assertThat(prober.probe()).containsEntry(RegionProber.EDGE, RegionHealth.UP);
      }
    }
  }

  /** Answers each request on {@code c} with 200 (keep-alive), or reads it and says nothing. */
  private static void keepAnswering(
      java.net.Socket c, java.util.concurrent.atomic.AtomicBoolean silent) {
    try (c) {
      java.io.BufferedReader in =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(
                  c.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII));
      java.io.OutputStream out = c.getOutputStream();
      while (true) {
        String line = in.readLine();
        if (line == null) {
          return;
        }
        while (!line.isEmpty()) {
          line = in.readLine();
          if (line == null) {
            return;
          }
        }
        if (!silent.get()) {
          out.write(
              "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          out.flush();
        }
      }
    } catch (IOException e) {
      // the prober closed it
    }
  }

  /** A server that accepts connections and never writes a byte. */
  @Test
  void oneRedisConnectionServesEveryProbe() throws Exception {
    try (RegionProber prober = redis.prober(TIMEOUT)) {
      prober.probe(); // the kept connection is opened here
      long before = connectionsReceived();

      for (int i = 0; i < 10; i++) {
        assertThat(prober.probe()).containsEntry("r", RegionHealth.UP);
      }

      // one for connectionsReceived()'s own redis-cli, none for the ten probes
      assertThat(connectionsReceived() - before).isEqualTo(1);
    }
  }

  @Test
  void aKeptRedisConnectionTheServerClosedIsReplacedWithinTheProbe() throws Exception {
    try (RegionProber prober = redis.prober(TIMEOUT)) {
      prober.probe();
      redisCli("client", "kill", "type", "normal", "skipme", "yes");

      assertThat(prober.probe()).containsEntry("r", RegionHealth.UP);
    }
  }

  private static long connectionsReceived() throws Exception {
    for (String line : redisCli("info", "stats").split("\r?\n")) {
      if (line.startsWith("total_connections_received:")) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
      }
    }
    throw new AssertionError("no total_connections_received in INFO stats");
  }

  private static String redisCli(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1"));
    command.addAll(List.of("-p", Integer.toString(redis.address.port())));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("redis-cli %s: %s", command, out).isZero();
    return out;
  }

  private Endpoint blackHole() throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    List<Socket> held = new CopyOnWriteArrayList<>();
    Thread acceptor =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    while (true) {
                      held.add(server.accept());
                    }
                  } catch (IOException closed) {
                    // the test is over
                  }
                });
    closeAfter.add(
        () -> {
          server.close();
          acceptor.join();
          for (Socket s : held) {
            s.close();
          }
        });
    return new Endpoint("127.0.0.1", server.getLocalPort());
  }

  private static Endpoint closedPort() {
    return new Endpoint("127.0.0.1", TestRedis.freePort());
  }
}
