package io.summit.dr.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The proxy's header rules (RFC 9110 section 7.6.1), applied while copying a parsed {@link
 * HttpHead} into the head that is forwarded: hop-by-hop fields ({@code Connection} and the fields
 * it names, {@code Keep-Alive}, {@code Proxy-Connection}, {@code TE}, {@code Trailer}, {@code
 * Upgrade}) are dropped, the body framing ({@code Content-Length}, {@code Transfer-Encoding}) is
 * kept, and keep-alive is decided separately on each side. Upstream requests are always HTTP/1.1
 * keep-alive. Every other field is copied byte for byte, in order.
 */
final class Headers {
  private static final byte[] HTTP_11 = ascii("HTTP/1.1");
  private static final byte[] CRLF = ascii("\r\n");
  private static final byte[] X_FORWARDED_FOR = ascii("x-forwarded-for: ");
  private static final byte[] FORWARDED_BY = ascii(Exchange.HOP_HEADER + ": ");
  private static final byte[] COMMA = ascii(", ");
  private static final byte[] CHUNKED = ascii("transfer-encoding: chunked\r\n");
  private static final byte[] CLOSE = ascii("connection: close\r\n");
  private static final byte[] KEEP_ALIVE = ascii("connection: keep-alive\r\n");

  private Headers() {}

  /**
   * The head to send upstream for a client request: HTTP/1.1, hop-by-hop fields and {@code Expect:
   * 100-continue} (answered by the proxy) removed, {@code X-Forwarded-For} appended to, the gateway
   * marker set to {@code hopRegion} or removed when that is null.
   *
   * @param clientAddress the client's address in ASCII, or null to leave X-Forwarded-For alone
   */
  static ByteBuf request(
      ByteBufAllocator alloc,
      HttpHead h,
      byte @Nullable [] clientAddress,
      byte @Nullable [] hopRegion) {
    byte[] b = h.bytes();
    ByteBuf out = alloc.directBuffer(b.length + 64 + (clientAddress == null ? 0 : 64));
    out.writeBytes(b, 0, h.targetEnd());
    out.writeByte(' ').writeBytes(HTTP_11).writeBytes(CRLF);
    List<String> options = h.connectionOptions();
    boolean dropExpect = h.expectsContinue();
    int xff = 0;
    for (int i = 0; i < h.fieldCount(); i++) {
      byte kind = h.kind(i);
      switch (kind) {
        case HttpHead.X_FORWARDED_FOR -> {
          if (clientAddress != null) {
            xff++;
            continue;
          }
        }
        case HttpHead.EXPECT -> {
          if (dropExpect) {
            continue;
          }
        }
        case HttpHead.OTHER,
            HttpHead.HOST,
            HttpHead.CONTENT_TYPE,
            HttpHead.CONTENT_LENGTH,
            HttpHead.TRANSFER_ENCODING -> {}
        default -> {
          continue; // hop-by-hop, or the gateway marker (set below)
        }
      }
      if (options != null
          && kind != HttpHead.CONTENT_LENGTH
          && kind != HttpHead.TRANSFER_ENCODING
          && isListed(h, i, options)) {
        continue;
      }
      copyField(h, i, out);
    }
    if (clientAddress != null) {
      out.writeBytes(X_FORWARDED_FOR);
      if (xff > 0) {
        for (int i = 0; i < h.fieldCount(); i++) {
          if (h.kind(i) == HttpHead.X_FORWARDED_FOR) {
            out.writeBytes(b, h.valueStart(i), h.valueEnd(i) - h.valueStart(i));
            out.writeBytes(COMMA);
          }
        }
      }
      out.writeBytes(clientAddress).writeBytes(CRLF);
    }
    if (hopRegion != null) {
      out.writeBytes(FORWARDED_BY).writeBytes(hopRegion).writeBytes(CRLF);
    }
    out.writeBytes(CRLF);
    return out;
  }

  /**
   * The head to send to the client for an upstream response.
   *
   * @param keepAlive whether the client connection stays open after this response
   * @param http10 whether the client spoke HTTP/1.0 (keep-alive must then be explicit)
   * @param dropTransferEncoding the body is sent to an HTTP/1.0 client without its chunk framing
   * @param addChunked the body, delimited upstream by the connection's end, is sent chunked
   * @param extra room to reserve for body bytes appended to the head
   */
  static ByteBuf response(
      ByteBufAllocator alloc,
      HttpHead h,
      boolean keepAlive,
      boolean http10,
      boolean dropTransferEncoding,
      boolean addChunked,
      int extra) {
    byte[] b = h.bytes();
    ByteBuf out = alloc.directBuffer(b.length + 64 + extra);
    out.writeBytes(HTTP_11).writeBytes(b, 8, h.startLineEnd() - 8).writeBytes(CRLF);
    List<String> options = h.connectionOptions();
    boolean dropLength = h.dropsContentLength();
    for (int i = 0; i < h.fieldCount(); i++) {
      byte kind = h.kind(i);
      switch (kind) {
        case HttpHead.CONTENT_LENGTH -> {
          if (dropLength) {
            continue;
          }
        }
        case HttpHead.TRANSFER_ENCODING -> {
          if (dropTransferEncoding) {
            continue;
          }
        }
        case HttpHead.CONNECTION,
            HttpHead.KEEP_ALIVE,
            HttpHead.PROXY_CONNECTION,
            HttpHead.TE,
            HttpHead.TRAILER,
            HttpHead.UPGRADE -> {
          continue;
        }
        default -> {}
      }
      if (options != null
          && kind != HttpHead.CONTENT_LENGTH
          && kind != HttpHead.TRANSFER_ENCODING
          && isListed(h, i, options)) {
        continue;
      }
      copyField(h, i, out);
    }
    if (addChunked) {
      out.writeBytes(CHUNKED);
    }
    if (!keepAlive) {
      out.writeBytes(CLOSE);
    } else if (http10) {
      out.writeBytes(KEEP_ALIVE);
    }
    out.writeBytes(CRLF);
    return out;
  }

  private static void copyField(HttpHead h, int i, ByteBuf out) {
    int start = h.nameStart(i);
    out.writeBytes(h.bytes(), start, h.valueEnd(i) - start).writeBytes(CRLF);
  }

  private static boolean isListed(HttpHead h, int i, List<String> options) {
    byte[] b = h.bytes();
    int start = h.nameStart(i);
    int length = h.nameEnd(i) - start;
    for (String o : options) {
      if (o.length() == length && HttpHead.nameEquals(b, start, length, ascii(o))) {
        return true;
      }
    }
    return false;
  }

  /** The address of a client as X-Forwarded-For names it (ASCII), or null when it has none. */
  static byte @Nullable [] clientAddress(Channel client) {
    SocketAddress remote = client.remoteAddress();
    if (remote instanceof InetSocketAddress inet) {
      String a =
          inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
      return a.getBytes(StandardCharsets.ISO_8859_1);
    }
    return null;
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
