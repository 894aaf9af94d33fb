package io.summit.dr.lab.wan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.summit.dr.replication.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The WAN daemon in this JVM between two locations, relaying to an echo server: latency, order,
 * volume, a cut that holds bytes and connections, closes, and a by-source route that refuses a
 * process it cannot place.
 */
class WanDaemonTest {
  private static final long LATENCY_MILLIS = 40;

  // a process whose command line holds this argument is in location "west"
  private static final String SOURCE_ARGUMENT =
      "--name=wan-test-source-" + ProcessHandle.current().pid();

  private ServerSocket echo;
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger ended = new AtomicInteger();
  private WanDaemon wan;
  private WanClient admin;
  private int routePort;
  private int bySourcePort;

  @BeforeEach
  void start() throws IOException {
    echo = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(this::serveEcho);
    int adminPort = freePort();
    routePort = freePort();
    bySourcePort = freePort();
    WanSpec spec =
        new WanSpec(
            "127.0.0.1",
            adminPort,
            LATENCY_MILLIS,
            0,
            List.of("west", "east"),
            List.of(new WanSpec.Source("west", SOURCE_ARGUMENT)),
            List.of(
                new WanSpec.Route(
                    "west", "east", "echo", routePort, "127.0.0.1", echo.getLocalPort()),
                new WanSpec.Route(
                    WanSpec.BY_SOURCE,
                    "east",
                    "echo-by-source",
                    bySourcePort,
                    "127.0.0.1",
                    echo.getLocalPort())));
    wan = WanDaemon.start(spec);
    admin = new WanClient(new Endpoint("127.0.0.1", adminPort));
  }

  @AfterEach
  void stop() throws IOException {
    wan.close();
    echo.close();
  }

  @Test
  void eachWayTakesTheLinksLatencyAndBytesArriveInOrder() throws Exception {
    try (Socket s = connect(routePort)) {
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      long start = System.nanoTime();
      out.write("ping".getBytes());
      assertThat(readExactly(in, 4)).isEqualTo("ping".getBytes());
      long roundTripMillis = (System.nanoTime() - start) / 1_000_000;
      assertThat(roundTripMillis).isGreaterThanOrEqualTo(2 * LATENCY_MILLIS);

      // 4 MiB in 1 KiB writes come back whole and in order (more than the relay buffers per side)
      byte[] block = new byte[1024];
      byte[] expected = new byte[4 << 20];
      for (int i = 0; i < expected.length; i++) {
        expected[i] = (byte) (i * 31 + i / 1024);
      }
      Thread writer =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      for (int off = 0; off < expected.length; off += block.length) {
                        out.write(expected, off, block.length);
                      }
                    } catch (IOException e) {
                      throw new IllegalStateException(e);
                    }
                  });
      assertThat(Arrays.equals(readExactly(in, expected.length), expected)).isTrue();
      writer.join();
    }
  }

  @Test
  void aCutHoldsTheBytesAndTheConnectionAndDeliversThemWhenRestored() throws Exception {
    try (Socket s = connect(routePort)) {
      s.getOutputStream().write("a".getBytes());
      assertThat(readExactly(s.getInputStream(), 1)).isEqualTo("a".getBytes());
      admin.cut("west", "east");
      s.getOutputStream().write("held".getBytes());
      s.setSoTimeout(500);
      assertThatNothingArrives(s);
      admin.restore("west", "east");
      s.setSoTimeout(5_000);
      assertThat(readExactly(s.getInputStream(), 4)).isEqualTo("held".getBytes());
    }
  }

  @Test
  void aConnectionOpenedDuringACutReachesItsTargetOnlyOnceRestored() throws Exception {
    admin.cut("west", "east");
    try (Socket s = connect(routePort)) {
      s.getOutputStream().write("early".getBytes());
      s.setSoTimeout(500);
      assertThatNothingArrives(s);
      assertThat(accepted.get()).isZero();
      admin.restore("west", "east");
      s.setSoTimeout(5_000);
      assertThat(readExactly(s.getInputStream(), 5)).isEqualTo("early".getBytes());
      assertThat(accepted.get()).isEqualTo(1);
    }
  }

  @Test
  void aClientThatGivesUpDuringACutNeverReachesTheTarget() throws Exception {
    admin.cut("west", "east");
    Socket gaveUp = connect(routePort);
    await().atMost(Duration.ofSeconds(5)).until(() -> linkTotal("waiting") == 1);
    gaveUp.close();
    // the relay saw its client leave: nothing waits for the link any more
    await().atMost(Duration.ofSeconds(5)).until(() -> linkTotal("waiting") == 0);
    admin.restore("west", "east");
    // a later connection goes through, and it is the first the target ever accepted
    try (Socket s = connect(routePort)) {
      s.getOutputStream().write("x".getBytes());
      assertThat(readExactly(s.getInputStream(), 1)).isEqualTo("x".getBytes());
    }
    assertThat(accepted.get()).isEqualTo(1);
    assertThat(linkTotal("waiting")).isZero();
  }

  @Test
  void aClosedClientEndsTheTargetConnectionAfterWhatItSent() throws Exception {
    try (Socket s = connect(routePort)) {
      s.getOutputStream().write("bye".getBytes());
      assertThat(readExactly(s.getInputStream(), 3)).isEqualTo("bye".getBytes());
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> ended.get() == 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> linkConnections() == 0);
  }

  @Test
  void aBySourceRouteRefusesAProcessInNoKnownLocation() throws Exception {
    try (Socket s = connect(bySourcePort)) {
      s.setSoTimeout(5_000);
      s.getOutputStream().write("who".getBytes());
      // refused: closed (or reset, as it had unread bytes) without a byte back
      int first;
      try {
        first = s.getInputStream().read();
      } catch (java.net.SocketException reset) {
        first = -1;
      }
      assertThat(first).isEqualTo(-1);
    }
    assertThat(accepted.get()).isZero();
  }

  @Test
  void aBySourceRouteRelaysAProcessItFindsOverThatProcesssLink() throws Exception {
    // a child process named by the source argument: its connection crosses west <-> east
    String script =
        "import socket,sys,time\n"
            + "s=socket.create_connection(('127.0.0.1',int(sys.argv[1])))\n"
            + "t=time.time(); s.sendall(b'hi'); b=s.recv(2)\n"
            + "print(b.decode(), int((time.time()-t)*1000))\n";
    Process p =
        new ProcessBuilder("python3", "-c", script, Integer.toString(bySourcePort), SOURCE_ARGUMENT)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    assertThat(p.waitFor()).as(out).isZero();
    String[] answer = out.split(" ");
    assertThat(answer[0]).isEqualTo("hi");
    assertThat(Long.parseLong(answer[1])).isGreaterThanOrEqualTo(2 * LATENCY_MILLIS);
    assertThat(accepted.get()).isEqualTo(1);
  }

  private int linkConnections() {
    return linkTotal("connections");
  }

  /** A count the admin API gives per link, summed over the links. */
  private int linkTotal(String field) {
    String links = admin.links();
    var m = java.util.regex.Pattern.compile("\"" + field + "\"\\s*:\\s*(\\d+)").matcher(links);
    int total = 0;
    while (m.find()) {
      total += Integer.parseInt(m.group(1));
    }
    return total;
  }

  private static void assertThatNothingArrives(Socket s) throws IOException {
    try {
      int b = s.getInputStream().read();
      throw new AssertionError("a byte arrived over a cut link: " + b);
    } catch (SocketTimeoutException expected) {
      // silence, as a partition gives
    }
  }

  private static Socket connect(int port) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(10_000);
    return s;
  }

  private static byte[] readExactly(InputStream in, int n) throws IOException {
    byte[] bytes = in.readNBytes(n);
    assertThat(bytes).hasSize(n);
    return bytes;
  }

  private void serveEcho() {
    while (!echo.isClosed()) {
      try {
        Socket c = echo.accept();
        accepted.incrementAndGet();
        Thread.ofVirtual()
            .start(
                () -> {
                  try (c) {
                    c.getInputStream().transferTo(c.getOutputStream());
                  } catch (IOException e) {
                    // the relay closed it
                  }
                  ended.incrementAndGet();
                });
      } catch (IOException e) {
        return;
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
