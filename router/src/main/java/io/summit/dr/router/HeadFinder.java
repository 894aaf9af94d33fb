package io.summit.dr.router;

import io.netty.buffer.ByteBuf;

/**
 * Finds where an HTTP/1.x head ends (the first empty line) in bytes that arrive in pieces. It
 * resumes where the previous call stopped, so a head that trickles in byte by byte is scanned once,
 * and it gives up at the size limits of {@link HttpHead}: a request line over {@link
 * HttpHead#MAX_START_LINE} bytes (414), a head over {@link HttpHead#MAX_HEAD} bytes (431). Empty
 * lines before a request line are skipped (RFC 9112 section 2.2). Not thread-safe.
 */
final class HeadFinder {
  private final boolean request;
  private int scanned;
  private int lineStart;
  private boolean startLineSeen;

  HeadFinder(boolean request) {
    this.request = request;
  }

  /**
   * The length of the head at {@code buf}'s reader index, or -1 while it is incomplete. Skipped
   * empty lines are consumed from {@code buf}. After a head was found the finder is ready for the
   * next one.
   *
   * @throws HttpHead.MalformedException (414 or 431) when the head is too large
   */
  int find(ByteBuf buf) throws HttpHead.MalformedException {
    if (request && scanned == 0) {
      while (buf.isReadable()) {
        byte c = buf.getByte(buf.readerIndex());
        if (c != '\r' && c != '\n') {
          break;
        }
        buf.skipBytes(1);
      }
    }
    int base = buf.readerIndex();
    int end = buf.writerIndex();
    int from = base + scanned;
    while (true) {
      int lf = buf.indexOf(from, end, (byte) '\n');
      if (lf < 0) {
        scanned = end - base;
        check(scanned);
        return -1;
      }
      int ls = base + lineStart;
      if (lf == ls || (lf == ls + 1 && buf.getByte(ls) == '\r')) {
        if (startLineSeen) {
          reset();
          return lf + 1 - base;
        }
        // An empty line where a status line belongs: a malformed head.
        throw new HttpHead.MalformedException(400, "empty start line");
      }
      startLineSeen = true;
      lineStart = lf + 1 - base;
      from = lf + 1;
      check(lf + 1 - base);
    }
  }

  private void check(int length) throws HttpHead.MalformedException {
    if (!startLineSeen && length > HttpHead.MAX_START_LINE) {
      throw new HttpHead.MalformedException(
          request ? 414 : 502,
          (request ? "request" : "status") + " line longer than " + HttpHead.MAX_START_LINE);
    }
    if (length > HttpHead.MAX_HEAD) {
      throw new HttpHead.MalformedException(
          request ? 431 : 502, "head larger than " + HttpHead.MAX_HEAD + " bytes");
    }
  }

  /** Forgets a partly scanned head. */
  void reset() {
    scanned = 0;
    lineStart = 0;
    startLineSeen = false;
  }
}
