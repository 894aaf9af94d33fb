package io.summit.dr.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HttpHeadTest {
  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static HttpHead request(String head) throws HttpHead.MalformedException {
    return HttpHead.parseRequest(ascii(head));
  }

  private static String string(ByteBuf b) {
    try {
      return b.toString(StandardCharsets.ISO_8859_1);
    } finally {
      b.release();
    }
  }

  @Test
  void parsesWhatRoutingNeeds() throws Exception {
    HttpHead h =
        request(
            "POST /graphql?x=1 HTTP/1.1\r\nHost: a\r\ncontent-TYPE:  application/json \r\n"
                + "Content-Length: 42\r\nX-Summit-DR-Forwarded-By: us-east-1\r\n\r\n");

    assertThat(h.method()).isEqualTo("POST");
    assertThat(h.target()).isEqualTo("/graphql?x=1");
    assertThat(h.http10()).isFalse();
    assertThat(h.contentLength()).isEqualTo(42);
    assertThat(h.hasBody()).isTrue();
    assertThat(h.chunked()).isFalse();
    assertThat(h.keepAlive()).isTrue();
    assertThat(h.forwardedBy()).isTrue();
    assertThat(h.value(HttpHead.CONTENT_TYPE)).isEqualTo("application/json");
    assertThat(h.fieldCount()).isEqualTo(4);
  }

  @Test
  void readsKeepAliveFromVersionAndConnection() throws Exception {
    assertThat(request("GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n").keepAlive())
        .isFalse();
    assertThat(request("GET / HTTP/1.0\r\n\r\n").keepAlive()).isFalse();
    assertThat(request("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").keepAlive()).isTrue();
    HttpHead h = request("GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, X-Secret\n\n");
    assertThat(h.keepAlive()).isTrue();
    assertThat(h.connectionOptions()).containsExactly("x-secret");
  }

  @Test
  void letsRawUtf8ThroughInTheTarget() throws Exception {
    byte[] head = "GET /caf\u00e9 HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.UTF_8);

    assertThat(HttpHead.parseRequest(head).target().getBytes(StandardCharsets.ISO_8859_1))
        .isEqualTo("/caf\u00e9".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void chunkedMustBeTheLastCoding() throws Exception {
    HttpHead h = request("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n");
    assertThat(h.chunked()).isTrue();
    assertThat(h.hasBody()).isTrue();
    assertThat(h.contentLength()).isEqualTo(-1);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "no space after the method | get/ HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n | 400",
        "two spaces | GET  / HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n | 400",
        "no version | GET /\\r\\nHost: a\\r\\n\\r\\n | 400",
        "HTTP/2.0 | GET / HTTP/2.0\\r\\nHost: a\\r\\n\\r\\n | 505",
        "HTTP/1.2 | GET / HTTP/1.2\\r\\nHost: a\\r\\n\\r\\n | 505",
        "garbage version | GET / HTTX/1.1\\r\\nHost: a\\r\\n\\r\\n | 400",
        "control in target | GET /a\\u0001b HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n | 400",
        "space before colon | GET / HTTP/1.1\\r\\nHost : a\\r\\n\\r\\n | 400",
        "no colon | GET / HTTP/1.1\\r\\nHost a\\r\\n\\r\\n | 400",
        "empty name | GET / HTTP/1.1\\r\\n: a\\r\\nHost: a\\r\\n\\r\\n | 400",
        "obs-fold | GET / HTTP/1.1\\r\\nHost: a\\r\\nX-A: b\\r\\n c\\r\\n\\r\\n | 400",
        "bare CR | GET / HTTP/1.1\\r\\nHost: a\\rX-A: b\\r\\n\\r\\n | 400",
        "NUL in value | GET / HTTP/1.1\\r\\nHost: a\\u0000\\r\\n\\r\\n | 400",
        "two lengths | POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 1\\r\\nContent-Length: 1\\r\\n\\r\\n | 400",
        "length list | POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 1, 1\\r\\n\\r\\n | 400",
        "signed length | POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: +1\\r\\n\\r\\n | 400",
        "huge length | POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 9999999999999999999\\r\\n\\r\\n | 400",
        "length and chunked | POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 3\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n | 400",
        "chunked not last | POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked, gzip\\r\\n\\r\\n | 400",
        "chunked twice | POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n | 400",
        "unknown coding | POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: gzip\\r\\n\\r\\n | 400",
        "chunked in 1.0 | POST / HTTP/1.0\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n | 400",
        "no host | GET / HTTP/1.1\\r\\n\\r\\n | 400",
        "two hosts | GET / HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n | 400",
        "CONNECT | CONNECT a:443 HTTP/1.1\\r\\nHost: a:443\\r\\n\\r\\n | 501",
      })
  void rejectsMalformedRequests(String what, String head, int status) {
    String unescaped =
        head.replace("\\r", "\r")
            .replace("\\n", "\n")
            .replace("\\u0001", "\u0001")
            .replace("\\u0000", "\u0000");

    assertThatThrownBy(() -> request(unescaped))
        .as(what)
        .isInstanceOfSatisfying(
            HttpHead.MalformedException.class, e -> assertThat(e.status).isEqualTo(status));
  }

  @Test
  void parsesResponses() throws Exception {
    HttpHead r =
        HttpHead.parseResponse(
            ascii("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\n"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.contentLength()).isEqualTo(5);
    assertThat(r.keepAlive()).isTrue();

    HttpHead noReason = HttpHead.parseResponse(ascii("HTTP/1.0 204\r\n\r\n"));
    assertThat(noReason.status()).isEqualTo(204);
    assertThat(noReason.keepAlive()).isFalse();

    HttpHead both =
        HttpHead.parseResponse(
            ascii("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"));
    assertThat(both.chunked()).isTrue();
    assertThat(both.dropsContentLength()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "HTTP/1.1 20 OK\r\n\r\n",
        "HTTP/1.1 200OK\r\n\r\n",
        "HTTP/2 200 OK\r\n\r\n",
        "ICY 200 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
      })
  void rejectsMalformedResponses(String head) {
    assertThatThrownBy(() -> HttpHead.parseResponse(ascii(head)))
        .isInstanceOf(HttpHead.MalformedException.class);
  }

  @Test
  void findsPipelinedHeadsAndSkipsEmptyLinesBeforeThem() throws Exception {
    String one = "GET /1 HTTP/1.1\r\nHost: x\r\n\r\n";
    String two = "\r\nGET /2 HTTP/1.1\nHost: x\n\n";
    String three = "GET /3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    ByteBuf buf = Unpooled.copiedBuffer(one + two + three, StandardCharsets.ISO_8859_1);
    HeadFinder f = new HeadFinder(true);
    for (String path : new String[] {"/1", "/2", "/3"}) {
      int n = f.find(buf);
      byte[] b = new byte[n];
      buf.readBytes(b);
      assertThat(request(new String(b, StandardCharsets.ISO_8859_1)).target()).isEqualTo(path);
    }
    assertThat(buf.isReadable()).isFalse();
    buf.release();
  }

  @Test
  void findsAHeadThatArrivesByteByByte() throws Exception {
    byte[] all = ascii("GET /slow HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n\r\nGET");
    HeadFinder f = new HeadFinder(true);
    ByteBuf buf = Unpooled.buffer();
    int found = -1;
    for (int i = 0; i < all.length && found < 0; i++) {
      buf.writeByte(all[i]);
      found = f.find(buf);
    }
    assertThat(found).isEqualTo(all.length - 3);
    buf.release();
  }

  @Test
  void limitsTheRequestLineAndTheHead() {
    HeadFinder lineFinder = new HeadFinder(true);
    ByteBuf longLine =
        Unpooled.copiedBuffer(
            "GET /" + "a".repeat(HttpHead.MAX_START_LINE), StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> lineFinder.find(longLine))
        .isInstanceOfSatisfying(
            HttpHead.MalformedException.class, e -> assertThat(e.status).isEqualTo(414));
    longLine.release();

    HeadFinder headFinder = new HeadFinder(true);
    ByteBuf bigHead =
        Unpooled.copiedBuffer(
            "GET / HTTP/1.1\r\n" + "X-A: b\r\n".repeat(HttpHead.MAX_HEAD / 8),
            StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> headFinder.find(bigHead))
        .isInstanceOfSatisfying(
            HttpHead.MalformedException.class, e -> assertThat(e.status).isEqualTo(431));
    bigHead.release();
  }

  @Test
  void forwardedRequestHeadDropsHopByHopFieldsAndAppendsXForwardedFor() throws Exception {
    HttpHead h =
        request(
            "GET /x?y HTTP/1.0\r\nHost: a\r\nConnection: keep-alive, X-Hop\r\nKeep-Alive: 5\r\n"
                + "X-Hop: 1\r\nTE: trailers\r\nUpgrade: h2c\r\nProxy-Connection: x\r\n"
                + "Trailer: X\r\nX-Forwarded-For: 10.0.0.1\r\nX-Forwarded-For: 10.0.0.2\r\n"
                + "x-summit-dr-forwarded-by: spoofed\r\nX-Keep: yes\r\n\r\n");

    String out =
        string(
            Headers.request(ByteBufAllocator.DEFAULT, h, ascii("127.0.0.9"), ascii("us-east-1")));

    assertThat(out)
        .isEqualTo(
            "GET /x?y HTTP/1.1\r\nHost: a\r\nX-Keep: yes\r\n"
                + "x-forwarded-for: 10.0.0.1, 10.0.0.2, 127.0.0.9\r\n"
                + "x-summit-dr-forwarded-by: us-east-1\r\n\r\n");
  }

  @Test
  void forwardedRequestHeadDropsExpectContinueOnly() throws Exception {
    HttpHead h =
        request("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");

    assertThat(h.expectsContinue()).isTrue();
    assertThat(string(Headers.request(ByteBufAllocator.DEFAULT, h, null, null)))
        .isEqualTo("PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n");
    assertThat(
            request("PUT / HTTP/1.1\r\nHost: a\r\nExpect: teapot\r\n\r\n")
                .hasUnsupportedExpectation())
        .isTrue();
  }

  @Test
  void responseHeadForTheClient() throws Exception {
    HttpHead r =
        HttpHead.parseResponse(
            ascii(
                "HTTP/1.1 200 Fine\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\n"
                    + "Keep-Alive: timeout=5\r\nTransfer-Encoding: chunked\r\nX-Keep: 1\r\n\r\n"));

    assertThat(string(Headers.response(ByteBufAllocator.DEFAULT, r, true, false, false, false, 0)))
        .isEqualTo("HTTP/1.1 200 Fine\r\nTransfer-Encoding: chunked\r\nX-Keep: 1\r\n\r\n");
    assertThat(string(Headers.response(ByteBufAllocator.DEFAULT, r, false, true, true, false, 0)))
        .isEqualTo("HTTP/1.1 200 Fine\r\nX-Keep: 1\r\nconnection: close\r\n\r\n");

    HttpHead closeDelimited = HttpHead.parseResponse(ascii("HTTP/1.0 200 OK\r\nA: b\r\n\r\n"));
    assertThat(
            string(
                Headers.response(
                    ByteBufAllocator.DEFAULT, closeDelimited, true, true, false, false, 0)))
        .isEqualTo("HTTP/1.1 200 OK\r\nA: b\r\nconnection: keep-alive\r\n\r\n");
    assertThat(
            string(
                Headers.response(
                    ByteBufAllocator.DEFAULT, closeDelimited, true, false, false, true, 0)))
        .isEqualTo("HTTP/1.1 200 OK\r\nA: b\r\ntransfer-encoding: chunked\r\n\r\n");
  }
}
