package io.summit.dr.router;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP/1.x request or response head (start line and header fields), parsed only as far as the
 * proxy needs it: method, target and version; status code; the framing headers ({@code
 * Content-Length}, {@code Transfer-Encoding}); {@code Connection}, {@code Host}, {@code Expect};
 * where each header line is, so that the head can be forwarded as it came minus the hop-by-hop
 * fields ({@link Headers}).
 *
 * <p>Why not Netty's HTTP codec: a proxy with it decodes every head into header objects ({@code
 * String}/{@code AsciiString} names and values, a hash map) and encodes it again, on both sides of
 * every exchange; profiles of the router showed those four passes as the largest part of its own
 * CPU time. A proxy needs only a handful of fields and otherwise forwards the bytes it received, as
 * HAProxy-class proxies do: this parser records offsets into the head's bytes and interprets only
 * the fields above. It is strict where leniency lets a proxy and a server disagree about message
 * boundaries (request smuggling): a single SP between the parts of the request line, no whitespace
 * between a field name and its colon, no obs-fold continuation lines, no control characters, one
 * {@code Content-Length} of digits only, never both {@code Content-Length} and {@code
 * Transfer-Encoding} in a request, {@code chunked} only as the last transfer coding, and (RFC 9112
 * section 3.2) exactly one {@code Host} in an HTTP/1.1 request. Lines may end in CRLF or a bare LF;
 * the forwarded head always uses CRLF.
 *
 * <p>Offsets index {@link #bytes()}, which holds exactly the head including its final empty line.
 * Not thread-safe; immutable after parsing.
 */
final class HttpHead {
  /** Most bytes of a request line; a longer one gets 414. */
  static final int MAX_START_LINE = 8 * 1024;

  /** Most bytes of a whole head (start line, fields, empty line); a larger one gets 431. */
  static final int MAX_HEAD = 16 * 1024;

  /** Header kinds the proxy interprets; any other name is {@link #OTHER}. */
  static final byte OTHER = 0;

  static final byte CONNECTION = 1;
  static final byte KEEP_ALIVE = 2;
  static final byte PROXY_CONNECTION = 3;
  static final byte TE = 4;
  static final byte TRAILER = 5;
  static final byte UPGRADE = 6;
  static final byte CONTENT_LENGTH = 7;
  static final byte TRANSFER_ENCODING = 8;
  static final byte HOST = 9;
  static final byte EXPECT = 10;
  static final byte CONTENT_TYPE = 11;
  static final byte X_FORWARDED_FOR = 12;
  static final byte FORWARDED_BY = 13;

  private static final byte[][] NAMES = {
    new byte[0],
    ascii("connection"),
    ascii("keep-alive"),
    ascii("proxy-connection"),
    ascii("te"),
    ascii("trailer"),
    ascii("upgrade"),
    ascii("content-length"),
    ascii("transfer-encoding"),
    ascii("host"),
    ascii("expect"),
    ascii("content-type"),
    ascii("x-forwarded-for"),
    ascii(Exchange.HOP_HEADER),
  };

  /** tchar of RFC 9110 section 5.6.2. */
  private static final boolean[] TCHAR = new boolean[256];

  static {
    for (char c = '0'; c <= '9'; c++) {
      TCHAR[c] = true;
    }
    for (char c = 'a'; c <= 'z'; c++) {
      TCHAR[c] = true;
      TCHAR[c - 'a' + 'A'] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TCHAR[c] = true;
    }
  }

  private static final String[] METHODS = {
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE"
  };

  /** A head that cannot be forwarded; {@link #status} is the answer a client gets for it. */
  static final class MalformedException extends Exception {
    private static final long serialVersionUID = 1L;

    final int status;

    MalformedException(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  private final byte[] bytes;
  private final boolean request;

  private String method = "";
  private int targetEnd;
  private int minorVersion;
  private int status;
  private int startLineEnd;

  /**
   * Per field: name start, name end (the colon), value start, value end (trimmed), kind. Offsets
   * fit in a char: a head is at most {@link #MAX_HEAD} bytes.
   */
  private char[] fields = new char[5 * 8];

  private int count;
  private long contentLength = -1;
  private boolean transferEncoding;
  private boolean chunked;
  private boolean close;
  private boolean keepAlive;
  private @Nullable List<String> connectionOptions;
  private boolean expectContinue;
  private boolean expectOther;
  private int hosts;
  private boolean forwardedBy;

  private HttpHead(byte[] bytes, boolean request) {
    this.bytes = bytes;
    this.request = request;
  }

  /**
   * Parses a request head; {@code bytes} is exactly the head, as {@link HeadFinder} delimited it.
   *
   * @throws MalformedException with 400, 414, 431, 501 or 505
   */
  static HttpHead parseRequest(byte[] bytes) throws MalformedException {
    if (bytes.length > MAX_HEAD) {
      throw new MalformedException(431, "head larger than " + MAX_HEAD + " bytes");
    }
    HttpHead h = new HttpHead(bytes, true);
    int p = h.parseRequestLine();
    h.parseFields(p);
    h.checkRequestFraming();
    return h;
  }

  /**
   * Parses a response head; {@code bytes} is exactly the head, as {@link HeadFinder} delimited it.
   *
   * @throws MalformedException when the response cannot be forwarded (the instance failed)
   */
  static HttpHead parseResponse(byte[] bytes) throws MalformedException {
    if (bytes.length > MAX_HEAD) {
      throw new MalformedException(502, "head larger than " + MAX_HEAD + " bytes");
    }
    HttpHead h = new HttpHead(bytes, false);
    int p = h.parseStatusLine();
    h.parseFields(p);
    return h;
  }

  private static MalformedException bad(String message) {
    return new MalformedException(400, message);
  }

  private int parseRequestLine() throws MalformedException {
    byte[] b = bytes;
    int n = b.length;
    int i = 0;
    while (i < n && TCHAR[b[i] & 0xff]) {
      i++;
    }
    if (i == 0 || i >= n || b[i] != ' ') {
      throw bad("malformed request line");
    }
    method = method(b, i);
    int targetStart = ++i;
    // request-target: no spaces or controls; bytes over 0x7f are let through as nginx does (raw
    // UTF-8 from lax clients), they cannot move a message boundary
    while (i < n && (b[i] > ' ' || b[i] < 0) && b[i] != 0x7f) {
      i++;
    }
    if (i == targetStart || i >= n || b[i] != ' ') {
      throw bad("malformed request line");
    }
    targetEnd = i++;
    i = parseVersion(i, true);
    startLineEnd = i;
    int next = lineEnd(i);
    if (next < 0) {
      throw bad("malformed request line");
    }
    if (startLineEnd > MAX_START_LINE) {
      throw new MalformedException(414, "request line longer than " + MAX_START_LINE + " bytes");
    }
    if ("CONNECT".equals(method)) {
      throw new MalformedException(501, "CONNECT is not supported");
    }
    return next;
  }

  private int parseStatusLine() throws MalformedException {
    byte[] b = bytes;
    int i = parseVersion(0, false);
    if (i + 4 > b.length || b[i] != ' ') {
      throw bad("malformed status line");
    }
    int code = 0;
    for (int k = 1; k <= 3; k++) {
      int d = b[i + k] - '0';
      if (d < 0 || d > 9) {
        throw bad("malformed status line");
      }
      code = code * 10 + d;
    }
    status = code;
    i += 4;
    if (i < b.length && b[i] == ' ') {
      i++;
      while (i < b.length && isFieldByte(b[i])) {
        i++;
      }
    }
    startLineEnd = i;
    int next = lineEnd(i);
    if (next < 0) {
      throw bad("malformed status line");
    }
    return next;
  }

  /** Parses HTTP/1.0 or HTTP/1.1 at {@code i}; returns the index after it. */
  private int parseVersion(int i, boolean forRequest) throws MalformedException {
    byte[] b = bytes;
    if (i + 8 > b.length
        || b[i] != 'H'
        || b[i + 1] != 'T'
        || b[i + 2] != 'T'
        || b[i + 3] != 'P'
        || b[i + 4] != '/'
        || !isDigit(b[i + 5])
        || b[i + 6] != '.'
        || !isDigit(b[i + 7])) {
      throw bad(forRequest ? "malformed request line" : "malformed status line");
    }
    if (b[i + 5] != '1' || (b[i + 7] != '0' && b[i + 7] != '1')) {
      throw new MalformedException(
          forRequest ? 505 : 502, "HTTP version not supported (expected: HTTP/1.0 or HTTP/1.1)");
    }
    minorVersion = b[i + 7] - '0';
    return i + 8;
  }

  /** The index after the CRLF or LF at {@code i}, or -1 when there is none. */
  private int lineEnd(int i) {
    byte[] b = bytes;
    if (i < b.length && b[i] == '\n') {
      return i + 1;
    }
    if (i + 1 < b.length && b[i] == '\r' && b[i + 1] == '\n') {
      return i + 2;
    }
    return -1;
  }

  private void parseFields(int from) throws MalformedException {
    byte[] b = bytes;
    int n = b.length;
    int p = from;
    while (true) {
      if (p >= n) {
        throw bad("head without an empty line");
      }
      int end = lineEnd(p);
      if (end >= 0) {
        if (end != n) {
          throw bad("bytes after the head");
        }
        return;
      }
      if (b[p] == ' ' || b[p] == '\t') {
        throw bad("obsolete line folding");
      }
      int nameStart = p;
      while (p < n && TCHAR[b[p] & 0xff]) {
        p++;
      }
      if (p == nameStart || p >= n || b[p] != ':') {
        throw bad("malformed header field");
      }
      int nameEnd = p++;
      while (p < n && (b[p] == ' ' || b[p] == '\t')) {
        p++;
      }
      int valueStart = p;
      while (p < n && isFieldByte(b[p])) {
        p++;
      }
      int valueEnd = p;
      while (valueEnd > valueStart && (b[valueEnd - 1] == ' ' || b[valueEnd - 1] == '\t')) {
        valueEnd--;
      }
      int next = lineEnd(p);
      if (next < 0) {
        throw bad("invalid character in header field");
      }
      byte kind = kind(b, nameStart, nameEnd - nameStart);
      add(nameStart, nameEnd, valueStart, valueEnd, kind);
      if (kind != OTHER) {
        interpret(kind, valueStart, valueEnd);
      }
      p = next;
    }
  }

  private void add(int nameStart, int nameEnd, int valueStart, int valueEnd, byte kind) {
    int at = count * 5;
    if (at + 5 > fields.length) {
      fields = Arrays.copyOf(fields, fields.length * 2);
    }
    fields[at] = (char) nameStart;
    fields[at + 1] = (char) nameEnd;
    fields[at + 2] = (char) valueStart;
    fields[at + 3] = (char) valueEnd;
    fields[at + 4] = (char) kind;
    count++;
  }

  private void interpret(byte kind, int start, int end) throws MalformedException {
    switch (kind) {
      case CONTENT_LENGTH -> {
        if (contentLength >= 0) {
          throw bad("more than one Content-Length");
        }
        contentLength = parseLength(start, end);
      }
      case TRANSFER_ENCODING -> {
        transferEncoding = true;
        int t = start;
        while (t < end) {
          int comma = indexOf(',', t, end);
          int s = t;
          int e = comma;
          while (s < e && (bytes[s] == ' ' || bytes[s] == '\t')) {
            s++;
          }
          while (e > s && (bytes[e - 1] == ' ' || bytes[e - 1] == '\t')) {
            e--;
          }
          if (s < e) {
            if (chunked) {
              throw bad("chunked is not the last transfer coding");
            }
            chunked = equalsIgnoreCase(s, e, "chunked");
          }
          t = comma + 1;
        }
      }
      case CONNECTION -> {
        int t = start;
        while (t < end) {
          int comma = indexOf(',', t, end);
          int s = t;
          int e = comma;
          while (s < e && (bytes[s] == ' ' || bytes[s] == '\t')) {
            s++;
          }
          while (e > s && (bytes[e - 1] == ' ' || bytes[e - 1] == '\t')) {
            e--;
          }
          if (equalsIgnoreCase(s, e, "close")) {
            close = true;
          } else if (equalsIgnoreCase(s, e, "keep-alive")) {
            keepAlive = true;
          } else if (s < e) {
            if (connectionOptions == null) {
              connectionOptions = new ArrayList<>(2);
            }
            connectionOptions.add(
                new String(bytes, s, e - s, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT));
          }
          t = comma + 1;
        }
      }
      case EXPECT -> {
        if (equalsIgnoreCase(start, end, "100-continue")) {
          expectContinue = true;
        } else {
          expectOther = true;
        }
      }
      case HOST -> hosts++;
      case FORWARDED_BY -> forwardedBy = true;
      default -> {}
    }
  }

  private long parseLength(int start, int end) throws MalformedException {
    if (start == end || end - start > 18) {
      throw bad("invalid Content-Length");
    }
    long v = 0;
    for (int i = start; i < end; i++) {
      int d = bytes[i] - '0';
      if (d < 0 || d > 9) {
        throw bad("invalid Content-Length");
      }
      v = v * 10 + d;
    }
    return v;
  }

  private void checkRequestFraming() throws MalformedException {
    if (transferEncoding) {
      if (contentLength >= 0) {
        throw bad("both Content-Length and Transfer-Encoding");
      }
      if (minorVersion == 0) {
        throw bad("Transfer-Encoding in an HTTP/1.0 request");
      }
      if (!chunked) {
        throw bad("Transfer-Encoding without chunked as the last coding");
      }
    }
    if (hosts > 1 || (hosts == 0 && minorVersion == 1)) {
      throw bad(hosts > 1 ? "more than one Host" : "no Host");
    }
  }

  private int indexOf(char c, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == c) {
        return i;
      }
    }
    return to;
  }

  private boolean equalsIgnoreCase(int start, int end, String lower) {
    if (end - start != lower.length()) {
      return false;
    }
    for (int i = 0; i < lower.length(); i++) {
      if ((bytes[start + i] | 0x20) != lower.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Which known header a field name is ({@link #OTHER} for the rest). */
  static byte kind(byte[] b, int start, int length) {
    byte candidate =
        switch (length) {
          case 2 -> TE;
          case 4 -> HOST;
          case 6 -> EXPECT;
          case 7 -> (b[start] | 0x20) == 't' ? TRAILER : UPGRADE;
          case 10 -> (b[start] | 0x20) == 'c' ? CONNECTION : KEEP_ALIVE;
          case 12 -> CONTENT_TYPE;
          case 14 -> CONTENT_LENGTH;
          case 15 -> X_FORWARDED_FOR;
          case 16 -> PROXY_CONNECTION;
          case 17 -> TRANSFER_ENCODING;
          case 24 -> FORWARDED_BY;
          default -> OTHER;
        };
    return candidate != OTHER && nameEquals(b, start, length, NAMES[candidate]) ? candidate : OTHER;
  }

  /** Whether a field name equals {@code lower} (lower case) ignoring case. */
  static boolean nameEquals(byte[] b, int start, int length, byte[] lower) {
    if (length != lower.length) {
      return false;
    }
    // Names are tchars, where only letters change under | 0x20 into another tchar.
    for (int i = 0; i < length; i++) {
      if ((b[start + i] | 0x20) != lower[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }

  /** Field content and reason phrase: visible characters, obs-text, SP and HTAB. */
  private static boolean isFieldByte(byte c) {
    return c >= ' ' ? c != 0x7f : c < 0 || c == '\t';
  }

  private static String method(byte[] b, int length) {
    for (String m : METHODS) {
      if (m.length() == length) {
        boolean same = true;
        for (int i = 0; i < length; i++) {
          if (b[i] != m.charAt(i)) {
            same = false;
            break;
          }
        }
        if (same) {
          return m;
        }
      }
    }
    return new String(b, 0, length, StandardCharsets.ISO_8859_1);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  byte[] bytes() {
    return bytes;
  }

  boolean isRequest() {
    return request;
  }

  String method() {
    return method;
  }

  /** The request target as sent (origin form: path and query). */
  String target() {
    int start = method.length() + 1;
    return new String(bytes, start, targetEnd - start, StandardCharsets.ISO_8859_1);
  }

  /** End of the request target: the request line up to here is "METHOD SP target". */
  int targetEnd() {
    return targetEnd;
  }

  boolean http10() {
    return minorVersion == 0;
  }

  int status() {
    return status;
  }

  /** End of the start line (before its CRLF); a status line's code starts at 9. */
  int startLineEnd() {
    return startLineEnd;
  }

  int fieldCount() {
    return count;
  }

  int nameStart(int i) {
    return fields[i * 5];
  }

  int nameEnd(int i) {
    return fields[i * 5 + 1];
  }

  int valueStart(int i) {
    return fields[i * 5 + 2];
  }

  int valueEnd(int i) {
    return fields[i * 5 + 3];
  }

  byte kind(int i) {
    return (byte) fields[i * 5 + 4];
  }

  /** The first value of a known header, or null. */
  @Nullable String value(byte kind) {
    for (int i = 0; i < count; i++) {
      if (kind(i) == kind) {
        return new String(
            bytes, valueStart(i), valueEnd(i) - valueStart(i), StandardCharsets.ISO_8859_1);
      }
    }
    return null;
  }

  /** The first value of a header by its lower-case name (trimmed), or null. */
  @Nullable String value(String lowerName) {
    for (int i = 0; i < count; i++) {
      if (equalsIgnoreCase(nameStart(i), nameEnd(i), lowerName)) {
        return new String(
                bytes, valueStart(i), valueEnd(i) - valueStart(i), StandardCharsets.ISO_8859_1)
            .trim();
      }
    }
    return null;
  }

  /** Content-Length, or -1 when absent. */
  long contentLength() {
    return contentLength;
  }

  boolean hasTransferEncoding() {
    return transferEncoding;
  }

  /** Whether chunked is the last transfer coding. */
  boolean chunked() {
    return chunked;
  }

  /** Whether a request has a body: chunked or a positive Content-Length. */
  boolean hasBody() {
    return chunked || contentLength > 0;
  }

  /** Whether the connection stays open after this message, by its version and Connection. */
  boolean keepAlive() {
    return minorVersion == 1 ? !close : keepAlive && !close;
  }

  /** Lower-case field names listed in Connection (other than close and keep-alive), or null. */
  @Nullable List<String> connectionOptions() {
    return connectionOptions;
  }

  /** {@code Expect: 100-continue} in an HTTP/1.1 request. */
  boolean expectsContinue() {
    return expectContinue && !expectOther && minorVersion == 1;
  }

  /** An expectation other than 100-continue in an HTTP/1.1 request (answered with 417). */
  boolean hasUnsupportedExpectation() {
    return expectOther && minorVersion == 1;
  }

  /** Whether the request carries the gateways' forwarded-write marker. */
  boolean forwardedBy() {
    return forwardedBy;
  }

  /** A response with both framings: Transfer-Encoding wins, Content-Length is not forwarded. */
  boolean dropsContentLength() {
    return !request && transferEncoding && contentLength >= 0;
  }
}
