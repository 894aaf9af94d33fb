package io.summit.dr.router;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The proxy's header rules (RFC 9110 section 7.6.1): hop-by-hop headers are not forwarded, the body
 * framing ({@code Content-Length}, {@code Transfer-Encoding}) is, and keep-alive is decided
 * separately on each side. Upstream requests are always HTTP/1.1 keep-alive.
 */
final class Headers {
  private static final List<CharSequence> HOP_BY_HOP =
      List.of(
          HttpHeaderNames.CONNECTION,
          HttpHeaderNames.KEEP_ALIVE,
          HttpHeaderNames.PROXY_CONNECTION,
          HttpHeaderNames.TE,
          HttpHeaderNames.TRAILER,
          HttpHeaderNames.UPGRADE);

  private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");

  private Headers() {}

  /** Makes a client request fit to send upstream. */
  static void prepareRequest(HttpRequest request, @Nullable String clientAddress) {
    HttpHeaders h = request.headers();
    stripHopByHop(h);
    request.setProtocolVersion(HttpVersion.HTTP_1_1);
    if (clientAddress != null) {
      String prior = h.get(X_FORWARDED_FOR);
      h.set(X_FORWARDED_FOR, prior == null ? clientAddress : prior + ", " + clientAddress);
    }
  }

  /** The address of a client as X-Forwarded-For names it, or null when it has none. */
  static @Nullable String clientAddress(Channel client) {
    SocketAddress remote = client.remoteAddress();
    if (remote instanceof InetSocketAddress inet) {
      return inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
    }
    return null;
  }

  /**
   * Makes an upstream response fit for the client and returns whether the client connection stays
   * open afterwards.
   */
  static boolean prepareResponse(HttpResponse r, boolean keepAlive, boolean http10, boolean head) {
    HttpHeaders h = r.headers();
    stripHopByHop(h);
    r.setProtocolVersion(HttpVersion.HTTP_1_1);
    int code = r.status().code();
    boolean bodyless = head || code == 204 || code == 304;
    boolean chunked = HttpUtil.isTransferEncodingChunked(r);
    boolean sized = h.contains(HttpHeaderNames.CONTENT_LENGTH);
    boolean open = keepAlive;
    if (http10) {
      if (chunked) {
        h.remove(HttpHeaderNames.TRANSFER_ENCODING);
        open = false;
      } else if (!sized && !bodyless) {
        open = false;
      }
    } else if (!bodyless && !chunked && !sized) {
      // A body delimited by the upstream closing its connection: re-frame it for the client.
      HttpUtil.setTransferEncodingChunked(r, true);
    }
    if (!open) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (http10) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    return open;
  }

  private static void stripHopByHop(HttpHeaders h) {
    String connection = h.get(HttpHeaderNames.CONNECTION);
    if (connection != null) {
      for (String token : connection.split(",")) {
        String name = token.trim();
        if (!name.isEmpty()
            && !HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(name)
            && !HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name)) {
          h.remove(name);
        }
      }
    }
    for (CharSequence name : HOP_BY_HOP) {
      h.remove(name);
    }
  }
}
