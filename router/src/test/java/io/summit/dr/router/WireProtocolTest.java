package io.summit.dr.router;

import static io.summit.dr.router.RouterTestKit.EAST;
import static io.summit.dr.router.RouterTestKit.WEST;
import static io.summit.dr.router.RouterTestKit.edge;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The router's HTTP/1.1 on the wire, with raw sockets on both sides: framing (Content-Length,
 * chunked, connection-delimited), pipelining, Expect, HTTP/1.0 clients, malformed requests and
 * responses, heads that arrive in pieces, upstream keep-alive.
 */
class WireProtocolTest {
  private final ScriptedBackend backend = start();

  private static ScriptedBackend start() {
    try {
      return new ScriptedBackend();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void stop() {
    backend.close();
  }

  private Router router() {
    return Router.start(edge(Map.of(WEST, List.of(backend.endpoint()))));
  }

  /** Writes {@code request} and reads until the router closes the connection. */
  private static String exchange(Router router, String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", router.address().getPort())) {
      s.setSoTimeout(5000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  /** Reads from {@code in} until {@code marker} has arrived; returns what was read. */
  private static String readUntil(InputStream in, String marker) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (!out.toString(StandardCharsets.ISO_8859_1).contains(marker)) {
      int c = in.read();
      if (c == -1) {
        break;
      }
      out.write(c);
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  private static String echoPathAndBody(String request) {
    String path = request.substring(request.indexOf(' ') + 1, request.indexOf(" HTTP/"));
    String body = request.substring(request.indexOf("\r\n\r\n") + 4);
    String answer = path + ":" + body;
    return "HTTP/1.1 200 OK\r\nContent-Length: " + answer.length() + "\r\n\r\n" + answer;
  }

  @Test
  void chunkedRequestBodiesAreForwardedWithTheirFraming() throws Exception {
    try (Router router = router()) {
      String body = "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n";
      String response =
          exchange(
              router,
              "POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
                  + "Connection: close\r\n\r\n"
                  + body);

      assertThat(response).startsWith("HTTP/1.1 200 OK\r\n").contains("connection: close");
      assertThat(backend.requests).hasSize(1);
      String forwarded = backend.requests.get(0);
      assertThat(forwarded)
          .startsWith("POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n")
          .contains("x-forwarded-for: 127.0.0.1\r\n")
          .doesNotContainIgnoringCase("connection:")
          .endsWith("\r\n\r\n" + body);
    }
  }

  @Test
  void pipelinedRequestsWithBodiesAreAnsweredInOrder() throws Exception {
    backend.script = r -> ScriptedBackend.Answer.of(echoPathAndBody(r));
    try (Router router = router()) {
      String response =
          exchange(
              router,
              "POST /1 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
                  + "GET /2 HTTP/1.1\r\nHost: a\r\n\r\n"
                  + "POST /3 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                  + "2\r\nde\r\n0\r\n\r\n"
                  + "GET /4 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");

      assertThat(response.split("HTTP/1.1 200 OK", -1)).hasSize(5);
      assertThat(response)
          .containsSubsequence("/1:abc", "/2:", "/3:2\r\nde\r\n0\r\n\r\n", "/4:")
          .endsWith("/4:");
      assertThat(backend.connections.get()).isEqualTo(1);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"io_uring", "epoll", "nio"})
  void everyTransportProxiesPipelinedChunkedAndStreamedExchanges(String transport)
      throws Exception {
    backend.script = r -> ScriptedBackend.Answer.of(echoPathAndBody(r));
    String big = "x".repeat(300_000);
    String previous = System.getProperty(Transport.PROPERTY);
    System.setProperty(Transport.PROPERTY, transport);
    try (Router router = router()) {
      assertThat(router.transportName()).isIn(transport, "epoll", "nio");
      String response =
          exchange(
              router,
              "POST /1 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                  + "3\r\nabc\r\n0\r\n\r\n"
                  + "POST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: "
                  + big.length()
                  + "\r\n\r\n"
                  + big
                  + "GET /3 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");

      assertThat(response.split("HTTP/1.1 200 OK", -1)).hasSize(4);
      assertThat(response).containsSubsequence("/1:3\r\nabc\r\n0\r\n\r\n", "/2:" + big, "/3:");
    } finally {
      if (previous == null) {
        System.clearProperty(Transport.PROPERTY);
      } else {
        System.setProperty(Transport.PROPERTY, previous);
      }
    }
  }

  @Test
  void expectContinueIsAnsweredByTheRouter() throws Exception {
    backend.script = r -> ScriptedBackend.Answer.of(echoPathAndBody(r));
    try (Router router = router();
        Socket s = new Socket("127.0.0.1", router.address().getPort())) {
      s.setSoTimeout(5000);
      s.getOutputStream()
          .write(
              "PUT /e HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"
                  .getBytes(StandardCharsets.ISO_8859_1));
      assertThat(readUntil(s.getInputStream(), "\r\n\r\n"))
          .isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");

      s.getOutputStream().write("hello".getBytes(StandardCharsets.ISO_8859_1));

      assertThat(readUntil(s.getInputStream(), "/e:hello")).startsWith("HTTP/1.1 200 OK");
      assertThat(backend.requests.get(0)).doesNotContainIgnoringCase("expect");
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "both framings | POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 2\\r\\n"
            + "Transfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n | 400 Bad Request",
        "no host | GET / HTTP/1.1\\r\\n\\r\\n | 400 Bad Request",
        "header with a space before the colon | GET / HTTP/1.1\\r\\nHost : a\\r\\n\\r\\n"
            + " | 400 Bad Request",
        "HTTP/2.0 | GET / HTTP/2.0\\r\\nHost: a\\r\\n\\r\\n | 505 HTTP Version Not Supported",
        "bad chunk | POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n"
            + "zz\\r\\n | 400 Bad Request",
        "unsupported expectation | PUT / HTTP/1.1\\r\\nHost: a\\r\\nExpect: tea\\r\\n\\r\\n"
            + " | 417 Expectation Failed",
        "CONNECT | CONNECT a:443 HTTP/1.1\\r\\nHost: a:443\\r\\n\\r\\n | 501 Not Implemented",
      })
  void malformedRequestsGetAnErrorAndTheConnectionCloses(String what, String request, String status)
      throws Exception {
    try (Router router = router()) {
      String response = exchange(router, request.replace("\\r", "\r").replace("\\n", "\n"));

      assertThat(response)
          .as(what)
          .startsWith("HTTP/1.1 " + status + "\r\n")
          .contains("connection: close\r\n");
      assertThat(backend.requests).isEmpty();
    }
  }

  @Test
  void oversizedRequestHeadsGet414Or431() throws Exception {
    try (Router router = router()) {
      String longLine =
          exchange(router, "GET /" + "a".repeat(HttpHead.MAX_START_LINE) + " HTTP/1.1\r\n\r\n");
      String bigHead =
          exchange(
              router,
              "GET / HTTP/1.1\r\nHost: a\r\n"
                  + ("X-Filler: " + "b".repeat(100) + "\r\n").repeat(150)
                  + "\r\n");

      assertThat(longLine).startsWith("HTTP/1.1 414 ");
      assertThat(bigHead).startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n");
      assertThat(backend.requests).isEmpty();
    }
  }

  @Test
  void http10ClientsGetKeepAliveOnlyWhenTheyAskForIt() throws Exception {
    try (Router router = router()) {
      String plain = exchange(router, "GET / HTTP/1.0\r\n\r\n");
      assertThat(plain).startsWith("HTTP/1.1 200 OK\r\n").contains("connection: close\r\n");
      assertThat(backend.requests.get(0)).startsWith("GET / HTTP/1.1\r\n");

      try (Socket s = new Socket("127.0.0.1", router.address().getPort())) {
        s.setSoTimeout(5000);
        byte[] request =
            "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 2; i++) {
          s.getOutputStream().write(request);
          assertThat(readUntil(s.getInputStream(), "ok"))
              .startsWith("HTTP/1.1 200 OK\r\n")
              .contains("connection: keep-alive\r\n");
        }
      }
    }
  }

  @Test
  void aBodyDelimitedByTheConnectionsEndIsChunkedForHttp11AndPassedToHttp10() throws Exception {
    backend.script =
        r ->
            ScriptedBackend.Answer.closing(
                "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil close");
    try (Router router = router()) {
      String http11 = exchange(router, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
      String http10 = exchange(router, "GET / HTTP/1.0\r\n\r\n");

      assertThat(http11)
          .startsWith("HTTP/1.1 200 OK\r\n")
          .contains("transfer-encoding: chunked\r\n")
          .endsWith("\r\n\r\nb\r\nuntil close\r\n0\r\n\r\n");
      assertThat(http10)
          .doesNotContainIgnoringCase("transfer-encoding")
          .endsWith("\r\n\r\nuntil close");
    }
  }

  @Test
  void chunkedResponsesPassAsTheyAreToHttp11AndWithoutFramingToHttp10() throws Exception {
    String chunked = "4\r\nwiki\r\n5;x=y\r\npedia\r\n0\r\nX-Checksum: 1\r\n\r\n";
    backend.script =
        r ->
            ScriptedBackend.Answer.of(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n"
                    + chunked);
    try (Router router = router()) {
      String http11 = exchange(router, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
      String http10 = exchange(router, "GET / HTTP/1.0\r\n\r\n");

      assertThat(http11).endsWith("\r\n\r\n" + chunked).doesNotContain("Trailer:");
      assertThat(http10)
          .doesNotContainIgnoringCase("transfer-encoding")
          .contains("connection: close\r\n")
          .endsWith("\r\n\r\nwikipedia");
    }
  }

  @Test
  void informationalResponsesAreDropped() throws Exception {
    backend.script =
        r ->
            ScriptedBackend.Answer.of(
                "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
                    + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    try (Router router = router()) {
      String response = exchange(router, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");

      assertThat(response).startsWith("HTTP/1.1 200 OK\r\n").doesNotContain("103").endsWith("ok");
    }
  }

  @Test
  void aResponseThatArrivesInPiecesIsReassembledAndItsConnectionReused() throws Exception {
    backend.script =
        r ->
            new ScriptedBackend.Answer(
                List.of("HTTP/1.1 200 O", "K\r\nContent-Le", "ngth: 5\r\nX-A: b\r\n\r\nhel", "lo"),
                false);
    try (Router router = router();
        Socket s = new Socket("127.0.0.1", router.address().getPort())) {
      s.setSoTimeout(5000);
      for (int i = 0; i < 3; i++) {
        s.getOutputStream()
            .write("GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(readUntil(s.getInputStream(), "hello"))
            .isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello");
      }
      assertThat(backend.connections.get()).isEqualTo(1);
    }
  }

  @Test
  void headAnd204AnswersHaveNoBody() throws Exception {
    backend.script =
        r ->
            ScriptedBackend.Answer.of(
                r.startsWith("HEAD")
                    ? "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"
                    : "HTTP/1.1 204 No Content\r\n\r\n");
    try (Router router = router()) {
      String response =
          exchange(
              router,
              "HEAD / HTTP/1.1\r\nHost: a\r\n\r\n"
                  + "DELETE /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");

      assertThat(response)
          .isEqualTo(
              "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"
                  + "HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n");
    }
  }

  @Test
  void anUpstreamThatClosesAfterItsAnswerIsNotReused() throws Exception {
    backend.script =
        r ->
            ScriptedBackend.Answer.closing(
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
    try (Router router = router()) {
      String response =
          exchange(
              router,
              "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");

      assertThat(response.split("HTTP/1.1 200 OK", -1)).hasSize(3);
      assertThat(response.indexOf("connection: close"))
          .isGreaterThan(response.lastIndexOf("200 OK"));
      assertThat(backend.connections.get()).isEqualTo(2);
    }
  }

  @Test
  void malformedOrOversizedResponsesAre502ForWrites() throws Exception {
    try (Router router = router()) {
      backend.script =
          r -> ScriptedBackend.Answer.of("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\nok");
      String malformed =
          exchange(
              router,
              "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      backend.script =
          r ->
              ScriptedBackend.Answer.of(
                  "HTTP/1.1 200 OK\r\n"
                      + ("X-Filler: " + "b".repeat(100) + "\r\n").repeat(200)
                      + "Content-Length: 2\r\n\r\nok");
      String oversized =
          exchange(
              router,
              "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

      assertThat(malformed).startsWith("HTTP/1.1 502 Bad Gateway\r\n");
      assertThat(oversized).startsWith("HTTP/1.1 502 Bad Gateway\r\n");
    }
  }

  @Test
  void aChunkedGraphqlBodyIsClassifiedFromItsDataAndForwardedWithItsFraming() throws Exception {
    try (ScriptedBackend east = new ScriptedBackend();
        Router router =
            Router.start(
                edge(Map.of(WEST, List.of(backend.endpoint()), EAST, List.of(east.endpoint()))))) {
      router.table().setDrained(WEST, true); // reads go east, writes stay west
      String query = "{\"query\":\"{ a }\"}";
      String mutation = "{\"query\":\"mutation { b }\"}";
      for (String body : List.of(query, mutation)) {
        String first = body.substring(0, 5);
        String rest = body.substring(5);
        String chunked =
            Integer.toHexString(first.length())
                + "\r\n"
                + first
                + "\r\n"
                + Integer.toHexString(rest.length())
                + ";x=1\r\n"
                + rest
                + "\r\n0\r\n\r\n";
        String response =
            exchange(
                router,
                "POST /graphql HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                    + chunked);

        assertThat(response).startsWith("HTTP/1.1 200 OK\r\n");
        ScriptedBackend served = body.equals(query) ? east : backend;
        assertThat(served.requests).hasSize(1);
        assertThat(served.requests.get(0)).endsWith("\r\n\r\n" + chunked);
      }
    }
  }

  @Test
  void aReadWhoseInstanceAnswersGarbageIsRetriedElsewhere() throws Exception {
    backend.script = r -> ScriptedBackend.Answer.closing("HTTP/1.1 2");
    try (ScriptedBackend good = new ScriptedBackend();
        Router router =
            Router.start(
                edge(Map.of(WEST, List.of(backend.endpoint()), EAST, List.of(good.endpoint()))))) {
      for (int i = 0; i < 5; i++) {
        String response =
            exchange(router, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 200 OK\r\n").endsWith("ok");
      }
      assertThat(good.requests).hasSize(5);
    }
  }
}
