package io.summit.dr.lab.wan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.access.AccessDirectory;
import io.summit.dr.access.AccessList;
import io.summit.dr.access.Principal;
import io.summit.dr.access.Role;
import io.summit.dr.lab.process.LabException;
import io.summit.dr.replication.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WAN daemon in this JVM between two locations, relaying to an echo server: latency, order,
 * volume, a cut that holds bytes and connections, closes, and a by-source route that refuses a
 * process it cannot place; a zone link with its own latency; a region endpoint relaying to one of
 * two servers and moved between them; who may move an endpoint.
 */
class WanDaemonTest {
  private static final long LATENCY_MILLIS = 40;
  private static final long ZONE_LATENCY_MILLIS = 1;
  private static final String ZONE_A = "us-west-2a";
  private static final String ZONE_B = "us-west-2b";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

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
  private int zonePort;
  private int endpointPort;
  private int adminPort;
  // the two targets of region endpoint "db": each greets a connection with its tag, then echoes
  private TaggedServer first;
  private TaggedServer second;

  @TempDir Path dir;

  @BeforeEach
  void start() throws IOException {
    echo = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(this::serveEcho);
    first = new TaggedServer('A');
    second = new TaggedServer('B');
    int[] ports = freePorts(5);
    adminPort = ports[0];
    routePort = ports[1];
    bySourcePort = ports[2];
    zonePort = ports[3];
    endpointPort = ports[4];
    wan = WanDaemon.start(spec(adminPort, endpointPort));
    admin = new WanClient(new Endpoint("127.0.0.1", adminPort));
  }

  private WanSpec spec(int adminPort, int endpointPort) {
    return new WanSpec(
        "127.0.0.1",
        adminPort,
        LATENCY_MILLIS,
        0,
        List.of("west", "east"),
        List.of(new WanSpec.Source("west", SOURCE_ARGUMENT)),
        List.of(
            new WanSpec.Route("west", "east", "echo", routePort, "127.0.0.1", echo.getLocalPort()),
            new WanSpec.Route(
                WanSpec.BY_SOURCE,
                "east",
                "echo-by-source",
                bySourcePort,
                "127.0.0.1",
                echo.getLocalPort()),
            // a standby in zone b replicating from zone a
            new WanSpec.Route(
                ZONE_B, ZONE_A, "echo-zone", zonePort, "127.0.0.1", echo.getLocalPort())),
        List.of(new WanSpec.ZoneLink(ZONE_A, ZONE_B, ZONE_LATENCY_MILLIS)),
        List.of(
            new WanSpec.RegionEndpoint(
                "db",
                "127.0.0.1",
                endpointPort,
                List.of(first.address().toString(), second.address().toString()))));
  }

  @AfterEach
  void stop() throws IOException {
    wan.close();
    echo.close();
    first.close();
    second.close();
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

  @Test
  void aZoneLinkHasItsOwnLatencyIsCutAndRestoredAndHealsToItsOwnLatency() throws Exception {
    assertThat(link(ZONE_A, ZONE_B).get("latency_ms").asLong()).isEqualTo(ZONE_LATENCY_MILLIS);
    try (Socket s = connect(zonePort)) {
      long fastest = fastestRoundTripMillis(s);
      assertThat(fastest)
          .isGreaterThanOrEqualTo(2 * ZONE_LATENCY_MILLIS)
          .isLessThan(LATENCY_MILLIS);

      // cut (named either way round): the zone route's bytes wait; restored: they arrive
      admin.cut(ZONE_B, ZONE_A);
      assertThat(link(ZONE_A, ZONE_B).get("cut").asBoolean()).isTrue();
      assertThat(link("east", "west").get("cut").asBoolean()).isFalse();
      s.getOutputStream().write("held".getBytes());
      s.setSoTimeout(500);
      assertThatNothingArrives(s);
      admin.restore(ZONE_A, ZONE_B);
      s.setSoTimeout(10_000);
      assertThat(readExactly(s.getInputStream(), 4)).isEqualTo("held".getBytes());

      // slowed, then healed: back to the zone link's latency, not the WAN's
      admin.latency(ZONE_A, ZONE_B, Duration.ofMillis(2 * LATENCY_MILLIS));
      assertThat(fastestRoundTripMillis(s)).isGreaterThanOrEqualTo(4 * LATENCY_MILLIS);
      admin.cut(ZONE_A, ZONE_B);
      admin.heal();
      assertThat(link(ZONE_A, ZONE_B).get("latency_ms").asLong()).isEqualTo(ZONE_LATENCY_MILLIS);
      assertThat(link(ZONE_A, ZONE_B).get("cut").asBoolean()).isFalse();
      assertThat(link("east", "west").get("latency_ms").asLong()).isEqualTo(LATENCY_MILLIS);
      assertThat(fastestRoundTripMillis(s)).isLessThan(LATENCY_MILLIS);
    }
  }

  @Test
  void anEndpointRelaysToItsFirstTargetAndAMoveClosesTheConnectionsToTheTargetBefore()
      throws Exception {
    Socket old = connect(endpointPort);
    assertThat(old.getInputStream().read()).isEqualTo('A');
    assertThat(endpoint("db").get("target").asText()).isEqualTo(first.address().toString());
    assertThat(endpoint("db").get("connections").asInt()).isEqualTo(1);
    assertThat(endpoint("db").get("listen").asText()).isEqualTo("127.0.0.1:" + endpointPort);
    assertThat(endpoint("db").get("targets")).hasSize(2);
    assertThat(link("east", "west").get("connections").asInt()).isZero();

    JsonNode moved = JSON.readTree(admin.moveEndpoint("db", second.address()));

    assertThat(moved.get("target").asText()).isEqualTo(second.address().toString());
    // both sides of the connection to the first target are closed
    old.setSoTimeout(5_000);
    assertThat(readOrReset(old)).isEqualTo(-1);
    old.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> first.ended.get() == 1);
    try (Socket s = connect(endpointPort)) {
      assertThat(s.getInputStream().read()).isEqualTo('B');
      assertThat(endpoint("db").get("connections").asInt()).isEqualTo(1);
      // the same target again: nothing closed
      admin.moveEndpoint("db", second.address());
      s.getOutputStream().write("still".getBytes());
      assertThat(readExactly(s.getInputStream(), 5)).isEqualTo("still".getBytes());
    }
    assertThat(first.accepted.get()).isEqualTo(1);
    assertThat(second.accepted.get()).isEqualTo(1);
  }

  @Test
  void aMoveToAnUnknownEndpointOrAnotherTargetOrWithoutATargetIsRefusedAndChangesNothing()
      throws Exception {
    try (Socket s = connect(endpointPort)) {
      assertThat(s.getInputStream().read()).isEqualTo('A');
      String to = "{\"target\":\"" + second.address() + "\"}";

      HttpResponse<String> unknown = put("/v1/endpoints/nope", to, null);
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(error(unknown)).contains("endpoint: 'nope'").contains("[db]");

      HttpResponse<String> other = put("/v1/endpoints/db", "{\"target\":\"127.0.0.1:1\"}", null);
      assertThat(other.statusCode()).isEqualTo(400);
      assertThat(error(other))
          .contains("target: '127.0.0.1:1'")
          .contains(first.address().toString());

      for (String malformed : List.of("not json", "{}", "{\"target\":5}", "[]", "")) {
        HttpResponse<String> bad = put("/v1/endpoints/db", malformed, null);
        assertThat(bad.statusCode()).as(malformed).isEqualTo(400);
        assertThat(error(bad)).as(malformed).containsAnyOf("body:", "target:");
      }
      assertThatThrownBy(() -> admin.moveEndpoint("nope", second.address()))
          .isInstanceOf(LabException.class)
          .hasMessageContaining("endpoint: 'nope'");

      assertThat(endpoint("db").get("target").asText()).isEqualTo(first.address().toString());
      s.getOutputStream().write("open".getBytes());
      assertThat(readExactly(s.getInputStream(), 4)).isEqualTo("open".getBytes());
    }
    assertThat(second.accepted.get()).isZero();
  }

  @Test
  void anOperatorMovesAnEndpointButCutsNoLinkAndAViewerMovesNothing() throws Exception {
    AccessDirectory creds =
        AccessDirectory.create(
            dir.resolve("access"),
            List.of(
                new Principal("ann", Role.VIEWER),
                new Principal("oscar", Role.OPERATOR),
                new Principal("ada", Role.ADMIN)));
    int guardedAdmin = freePort();
    wan.close();
    wan =
        WanDaemon.start(
            spec(guardedAdmin, endpointPort), AccessList.read("--access-file", creds.accessList()));
    adminPort = guardedAdmin;
    String to = "{\"target\":\"" + second.address() + "\"}";

    HttpResponse<String> viewer = put("/v1/endpoints/db", to, creds.token("ann"));
    assertThat(viewer.statusCode()).isEqualTo(403);
    assertThat(viewer.body()).contains("(expected: operator or above)");
    WanClient ann = new WanClient(new Endpoint("127.0.0.1", guardedAdmin), creds.token("ann"));
    assertThat(JSON.readTree(ann.endpoints()).get(0).get("target").asText())
        .isEqualTo(first.address().toString());

    assertThat(put("/v1/endpoints/db", to, creds.token("oscar")).statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(ann.endpoints()).get(0).get("target").asText())
        .isEqualTo(second.address().toString());

    WanClient oscar = new WanClient(new Endpoint("127.0.0.1", guardedAdmin), creds.token("oscar"));
    assertThatThrownBy(() -> oscar.cut("west", "east"))
        .isInstanceOf(LabException.class)
        .hasMessageContaining("(expected: admin or above)");
    assertThat(ann.links()).doesNotContain("\"cut\":true");
    new WanClient(new Endpoint("127.0.0.1", guardedAdmin), creds.token("ada")).cut("west", "east");
    assertThat(ann.links()).contains("\"cut\":true");
  }

  @Test
  void anUnknownPathMethodLinkLocationOrLatencyIsRefusedNamingItAndChangesNothing()
      throws Exception {
    HttpResponse<String> missing = call("GET", "/v1/nothing");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(error(missing))
        .startsWith("path: /v1/nothing (expected: ")
        .contains("/v1/links/{a}/{b}/cut", "/v1/endpoints/{name}");

    HttpResponse<String> unknownAction = call("POST", "/v1/links/west/east/sever");
    assertThat(unknownAction.statusCode()).isEqualTo(404);
    assertThat(error(unknownAction)).contains("/v1/links/{a}/{b}/restore");

    HttpResponse<String> wrongMethod = call("GET", "/v1/links/west/east/cut");
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.headers().firstValue("Allow")).contains("POST");
    assertThat(error(wrongMethod))
        .isEqualTo("method: GET /v1/links/west/east/cut (expected: POST)");

    HttpResponse<String> noLink = call("POST", "/v1/links/west/mars/cut");
    assertThat(noLink.statusCode()).isEqualTo(404);
    assertThat(error(noLink)).startsWith("link: no link between 'west' and 'mars'");

    HttpResponse<String> noLocation = call("POST", "/v1/locations/mars/isolate");
    assertThat(noLocation.statusCode()).isEqualTo(404);
    assertThat(error(noLocation)).startsWith("location: 'mars' (expected: one of [west, east])");

    for (String[] bad :
        List.of(
            new String[] {"?ms=soon", "ms: 'soon' (expected: ms=N"},
            new String[] {"", "ms: missing (expected: ms=N"},
            new String[] {"?ms=60001", "ms: 60001 (expected: 0..60000)"})) {
      HttpResponse<String> r = call("POST", "/v1/links/west/east/latency" + bad[0]);
      assertThat(r.statusCode()).as(bad[0]).isEqualTo(400);
      assertThat(error(r)).as(bad[0]).startsWith(bad[1]);
    }

    assertThat(link("east", "west").get("cut").asBoolean()).isFalse();
    assertThat(link("east", "west").get("latency_ms").asLong()).isEqualTo(LATENCY_MILLIS);
    HttpResponse<String> metrics = call("GET", "/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
    assertThat(metrics.body()).contains("summit_lab_wan_link_cut{a=\"east\",b=\"west\"} 0");
  }

  @Test
  void aSpecWrittenBeforeZonesReadsWithoutZoneLinksOrEndpoints() throws Exception {
    String old =
        "{\"host\":\"127.0.0.1\",\"adminPort\":1,\"latencyMillis\":30,\"jitterMillis\":0,"
            + "\"locations\":[\"west\",\"east\"],\"sources\":[],\"routes\":[]}";
    WanSpec read = JSON.readValue(old, WanSpec.class);
    assertThat(read.zoneLinks()).isEmpty();
    assertThat(read.endpoints()).isEmpty();

    WanSpec full = spec(1, 2);
    assertThat(JSON.readValue(JSON.writeValueAsString(full), WanSpec.class)).isEqualTo(full);
  }

  @Test
  void anEndpointNeedsDistinctHostPortTargetsAndAUniqueName() {
    assertThatThrownBy(() -> new WanSpec.RegionEndpoint("db", "127.0.0.1", 1, List.of()))
        .hasMessageContaining("endpoints[db].targets: none");
    assertThatThrownBy(
            () -> new WanSpec.RegionEndpoint("db", "127.0.0.1", 1, List.of("h:1", "h:1")))
        .hasMessageContaining("endpoints[db].targets: 'h:1' twice");
    assertThatThrownBy(() -> new WanSpec.RegionEndpoint("db", "127.0.0.1", 1, List.of("h")))
        .hasMessageContaining("endpoints[db].targets: 'h' (expected: host:port)");
    var db = new WanSpec.RegionEndpoint("db", "127.0.0.1", 1, List.of("h:1"));
    assertThatThrownBy(
            () ->
                new WanSpec(
                    "127.0.0.1",
                    1,
                    30,
                    0,
                    List.of(),
                    List.of(),
                    List.of(),
                    List.of(),
                    List.of(db, db)))
        .hasMessageContaining("endpoints[1].name: duplicate 'db'");
    assertThatThrownBy(
            () ->
                new WanSpec(
                    "127.0.0.1",
                    1,
                    30,
                    0,
                    List.of("west"),
                    List.of(),
                    List.of(),
                    List.of(new WanSpec.ZoneLink("west", ZONE_A, 0)),
                    List.of()))
        .hasMessageContaining("zoneLinks[0]: 'west' is a location");
  }

  /** The fastest of a few one-byte round trips over {@code s}, in whole milliseconds. */
  private static long fastestRoundTripMillis(Socket s) throws IOException {
    long fastest = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      long start = System.nanoTime();
      s.getOutputStream().write('r');
      readExactly(s.getInputStream(), 1);
      fastest = Math.min(fastest, (System.nanoTime() - start) / 1_000_000);
    }
    return fastest;
  }

  private JsonNode link(String a, String b) throws IOException {
    for (JsonNode l : JSON.readTree(admin.links())) {
      if (l.get("a").asText().equals(a) && l.get("b").asText().equals(b)) {
        return l;
      }
    }
    throw new AssertionError("no link " + a + "|" + b + " in " + admin.links());
  }

  private JsonNode endpoint(String name) throws IOException {
    for (JsonNode e : JSON.readTree(admin.endpoints())) {
      if (e.get("name").asText().equals(name)) {
        return e;
      }
    }
    throw new AssertionError("no endpoint " + name + " in " + admin.endpoints());
  }

  private HttpResponse<String> put(
      String path, String body, io.summit.dr.access.@Nullable BearerToken token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
            .PUT(HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(
        (token == null ? b : token.sign(b)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> call(String method, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String error(HttpResponse<String> r) throws IOException {
    return JSON.readTree(r.body()).get("error").asText();
  }

  /** The next byte, or -1 at the end of the stream or when the peer reset the connection. */
  private static int readOrReset(Socket s) throws IOException {
    try {
      return s.getInputStream().read();
    } catch (java.net.SocketException reset) {
      return -1;
    }
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

  /** A server that greets each connection with its one-byte tag, then echoes it. */
  private static final class TaggedServer implements AutoCloseable {
    private final ServerSocket socket;
    private final int tag;
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger ended = new AtomicInteger();

    TaggedServer(char tag) throws IOException {
      this.socket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
      this.tag = tag;
      Thread.ofVirtual().start(this::serve);
    }

    Endpoint address() {
      return new Endpoint("127.0.0.1", socket.getLocalPort());
    }

    private void serve() {
      while (!socket.isClosed()) {
        try {
          Socket c = socket.accept();
          accepted.incrementAndGet();
          Thread.ofVirtual().start(() -> greetAndEcho(c));
        } catch (IOException e) {
          return;
        }
      }
    }

    private void greetAndEcho(Socket c) {
      try (c) {
        c.getOutputStream().write(tag);
        c.getInputStream().transferTo(c.getOutputStream());
      } catch (IOException e) {
        // the relay closed it
      }
      ended.incrementAndGet();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static int freePort() throws IOException {
    return freePorts(1)[0];
  }

  /** {@code n} distinct free ports: all held open while they are picked. */
  private static int[] freePorts(int n) throws IOException {
    ServerSocket[] held = new ServerSocket[n];
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        held[i] = new ServerSocket(0);
        ports[i] = held[i].getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : held) {
        if (s != null) {
          s.close();
        }
      }
    }
  }
}
