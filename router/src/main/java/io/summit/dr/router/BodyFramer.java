package io.summit.dr.router;

import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * Where a message body ends (RFC 9112 section 6): after Content-Length bytes, after the last chunk
 * and its trailer section, or (responses only) when the connection closes. The proxy forwards body
 * bytes as they came, framing included; this class only tells which bytes belong to the body and,
 * for whoever needs the content (GraphQL classification, an HTTP/1.0 client of a chunked response),
 * which of them are data.
 *
 * <p>Chunked framing is parsed strictly (CRLF line ends, hex sizes of at most 15 digits, no control
 * characters in extensions or trailers, at most {@link #MAX_LINE} bytes per size line and {@link
 * HttpHead#MAX_HEAD} bytes of trailers), so that the proxy and the server cannot disagree about
 * where a message ends. Not thread-safe.
 */
final class BodyFramer {
  /** Receives the data bytes of a body (chunk framing removed). */
  interface DataSink {
    void data(ByteBuf buf, int index, int length);
  }

  /** Most bytes of a chunk-size line (size and extensions). */
  static final int MAX_LINE = 4096;

  private static final int LENGTH = 0;
  private static final int UNTIL_CLOSE = 1;
  private static final int SIZE = 2;
  private static final int EXTENSION = 3;
  private static final int SIZE_LF = 4;
  private static final int DATA = 5;
  private static final int DATA_CR = 6;
  private static final int DATA_LF = 7;
  private static final int TRAILER_START = 8;
  private static final int TRAILER_NAME = 9;
  private static final int TRAILER_VALUE = 10;
  private static final int TRAILER_LF = 11;
  private static final int END_LF = 12;
  private static final int DONE = 13;

  private int state;
  private long remaining;
  private int digits;
  private int lineBytes;
  private int trailerBytes;

  private BodyFramer(int state, long remaining) {
    this.state = state;
    this.remaining = remaining;
  }

  /** No body: complete from the start, never changes, so one instance serves all. */
  private static final BodyFramer EMPTY = new BodyFramer(DONE, 0);

  /** A body of {@code length} bytes. */
  static BodyFramer length(long length) {
    return length == 0 ? EMPTY : new BodyFramer(LENGTH, length);
  }

  /** A chunked body. */
  static BodyFramer chunked() {
    return new BodyFramer(SIZE, 0);
  }

  /** A response body that ends when the connection closes. */
  static BodyFramer untilClose() {
    return new BodyFramer(UNTIL_CLOSE, 0);
  }

  boolean isComplete() {
    return state == DONE;
  }

  boolean isUntilClose() {
    return state == UNTIL_CLOSE;
  }

  boolean isChunked() {
    return state >= SIZE;
  }

  /**
   * Consumes body bytes from {@code buf} between {@code from} and {@code to} (reader and writer
   * index are left alone) and returns the index where the body ended, or {@code to} when it goes
   * on. Data bytes are reported to {@code sink}, if any, in order.
   *
   * @throws HttpHead.MalformedException (400) on malformed chunk framing
   */
  int consume(ByteBuf buf, int from, int to, @Nullable DataSink sink)
      throws HttpHead.MalformedException {
    int i = from;
    while (i < to) {
      switch (state) {
        case LENGTH, DATA -> {
          int n = (int) Math.min(remaining, to - i);
          if (sink != null && n > 0) {
            sink.data(buf, i, n);
          }
          i += n;
          remaining -= n;
          if (remaining == 0) {
            state = state == LENGTH ? DONE : DATA_CR;
          }
        }
        case UNTIL_CLOSE -> {
          if (sink != null) {
            sink.data(buf, i, to - i);
          }
          i = to;
        }
        case SIZE -> {
          byte c = buf.getByte(i++);
          lineBytes++;
          int v = hex(c);
          if (v >= 0) {
            if (++digits > 15) {
              throw bad("chunk size too large");
            }
            remaining = remaining * 16 + v;
          } else if (digits == 0) {
            throw bad("malformed chunk size");
          } else if (c == ';' || c == ' ' || c == '\t') {
            state = EXTENSION;
          } else if (c == '\r') {
            state = SIZE_LF;
          } else {
            throw bad("malformed chunk size");
          }
        }
        case EXTENSION -> {
          byte c = buf.getByte(i++);
          if (++lineBytes > MAX_LINE) {
            throw bad("chunk extension too long");
          }
          if (c == '\r') {
            state = SIZE_LF;
          } else if (isControl(c)) {
            throw bad("malformed chunk extension");
          }
        }
        case SIZE_LF -> {
          expect(buf.getByte(i++), '\n');
          lineBytes = 0;
          digits = 0;
          state = remaining == 0 ? TRAILER_START : DATA;
        }
        case DATA_CR -> {
          expect(buf.getByte(i++), '\r');
          state = DATA_LF;
        }
        case DATA_LF -> {
          expect(buf.getByte(i++), '\n');
          state = SIZE;
        }
        case TRAILER_START -> {
          byte c = buf.getByte(i++);
          trailer();
          if (c == '\r') {
            state = END_LF;
          } else if (isTchar(c)) {
            state = TRAILER_NAME;
          } else {
            throw bad("malformed trailer field");
          }
        }
        case TRAILER_NAME -> {
          byte c = buf.getByte(i++);
          trailer();
          if (c == ':') {
            state = TRAILER_VALUE;
          } else if (!isTchar(c)) {
            throw bad("malformed trailer field");
          }
        }
        case TRAILER_VALUE -> {
          byte c = buf.getByte(i++);
          trailer();
          if (c == '\r') {
            state = TRAILER_LF;
          } else if (isControl(c)) {
            throw bad("malformed trailer field");
          }
        }
        case TRAILER_LF -> {
          expect(buf.getByte(i++), '\n');
          trailer();
          state = TRAILER_START;
        }
        case END_LF -> {
          expect(buf.getByte(i++), '\n');
          state = DONE;
          return i;
        }
        case DONE -> {
          return i;
        }
        default -> throw new IllegalStateException("state " + state);
      }
    }
    return i;
  }

  private void trailer() throws HttpHead.MalformedException {
    if (++trailerBytes > HttpHead.MAX_HEAD) {
      throw bad("trailer section too large");
    }
  }

  private static void expect(byte c, char expected) throws HttpHead.MalformedException {
    if (c != expected) {
      throw bad("malformed chunked body");
    }
  }

  private static int hex(byte c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    int l = c | 0x20;
    return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
  }

  private static boolean isControl(byte c) {
    return (c >= 0 && c < ' ' && c != '\t') || c == 0x7f;
  }

  private static boolean isTchar(byte c) {
    return c > ' '
        && c != 0x7f
        && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0; // c > 0: ASCII visible, minus separators
  }

  private static HttpHead.MalformedException bad(String message) {
    return new HttpHead.MalformedException(400, message);
  }
}
