package io.summit.dr.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BodyFramerTest {
  private static final String CHUNKED =
      "5;name=\"v\"\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: 1\r\nX-Other:  two\r\n\r\n";
  private static final String NEXT = "GET / HTTP/1.1\r\n";

  /**
   * Feeds {@code input} in pieces of {@code piece} bytes; returns data and where the body ended.
   */
  private static Object[] feed(BodyFramer f, String input, int piece) throws Exception {
    ByteBuf buf = Unpooled.copiedBuffer(input, StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    BodyFramer.DataSink sink =
        (b, index, length) -> {
          byte[] d = new byte[length];
          b.getBytes(index, d);
          data.writeBytes(d);
        };
    int at = 0;
    int end = -1;
    while (at < input.length() && end < 0) {
      int to = Math.min(input.length(), at + piece);
      int e = f.consume(buf, at, to, sink);
      if (f.isComplete()) {
        end = e;
      }
      at = e;
    }
    buf.release();
    return new Object[] {data.toString(StandardCharsets.ISO_8859_1), end};
  }

  @ParameterizedTest(name = "pieces of {0}")
  @ValueSource(ints = {1, 2, 3, 7, 1000})
  void chunkedBodyEndsAfterItsTrailersWhateverThePieces(int piece) throws Exception {
    Object[] r = feed(BodyFramer.chunked(), CHUNKED + NEXT, piece);

    assertThat(r[0]).isEqualTo("hello, world");
    assertThat(r[1]).isEqualTo(CHUNKED.length());
  }

  @Test
  void lengthBodyEndsAfterItsBytes() throws Exception {
    Object[] r = feed(BodyFramer.length(5), "hello" + NEXT, 3);
    assertThat(r[0]).isEqualTo("hello");
    assertThat(r[1]).isEqualTo(5);
    assertThat(BodyFramer.length(0).isComplete()).isTrue();
  }

  @Test
  void untilCloseTakesEverything() throws Exception {
    BodyFramer f = BodyFramer.untilClose();
    Object[] r = feed(f, "all of it", 4);
    assertThat(r[0]).isEqualTo("all of it");
    assertThat(f.isComplete()).isFalse();
    assertThat(f.isUntilClose()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "x\r\n",
        "\r\n",
        "5\nhello\r\n0\r\n\r\n",
        "5\r\nhelloX\r\n0\r\n\r\n",
        "5\r\nhello\n0\r\n\r\n",
        "-5\r\nhello\r\n",
        "1234567890abcdef0\r\n",
        "5;a\u0001b\r\nhello\r\n",
        "0\r\nBad Trailer: x\r\n\r\n",
        "0\r\n : x\r\n\r\n",
        "0\r\nX: a\u0000\r\n\r\n",
        "0\r\n\n",
      })
  void rejectsMalformedChunkedBodies(String body) {
    assertThatThrownBy(() -> feed(BodyFramer.chunked(), body, 1))
        .isInstanceOfSatisfying(
            HttpHead.MalformedException.class, e -> assertThat(e.status).isEqualTo(400));
  }

  @Test
  void limitsExtensionsAndTrailers() {
    assertThatThrownBy(
            () ->
                feed(
                    BodyFramer.chunked(),
                    "1;" + "x".repeat(BodyFramer.MAX_LINE) + "\r\na\r\n0\r\n\r\n",
                    100))
        .isInstanceOf(HttpHead.MalformedException.class);
    assertThatThrownBy(
            () ->
                feed(
                    BodyFramer.chunked(),
                    "0\r\n" + "X-A: b\r\n".repeat(HttpHead.MAX_HEAD / 8 + 1) + "\r\n",
                    100))
        .isInstanceOf(HttpHead.MalformedException.class);
  }
}
