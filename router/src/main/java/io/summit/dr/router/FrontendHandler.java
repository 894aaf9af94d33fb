package io.summit.dr.router;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import org.jspecify.annotations.Nullable;

/**
 * A client connection: runs its requests one at a time through an {@link Exchange}. Pipelined
 * requests wait in a queue (reading stops when it grows); the rest of a request body the response
 * did not wait for is read and dropped, so the connection can stay open.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {
  private static final int MAX_QUEUED = 64;

  private final Proxy proxy;
  private final UpstreamPool pool;
  private final ArrayDeque<Object> queued = new ArrayDeque<>();
  private @Nullable ChannelHandlerContext ctx;
  private @Nullable Exchange exchange;
  private boolean draining;
  private @Nullable String clientAddress;

  FrontendHandler(Proxy proxy, UpstreamPool pool) {
    this.proxy = proxy;
    this.pool = pool;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext context) {
    ctx = context;
  }

  @Override
  public void channelActive(ChannelHandlerContext context) {
    clientAddress = Headers.clientAddress(context.channel());
    context.fireChannelActive();
  }

  /** The client's address for X-Forwarded-For, or null. */
  @Nullable String clientAddress() {
    return clientAddress;
  }

  @Override
  public void channelRead(ChannelHandlerContext context, Object msg) {
    Exchange e = exchange;
    if (!queued.isEmpty() || (e != null && e.requestComplete())) {
      queued.add(msg);
      if (queued.size() > MAX_QUEUED) {
        context.channel().config().setAutoRead(false);
      }
      return;
    }
    dispatch(context, msg);
  }

  private void dispatch(ChannelHandlerContext context, Object msg) {
    if (draining) {
      draining = !(msg instanceof LastHttpContent);
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest request) {
      if (request.decoderResult().isFailure()) {
        ReferenceCountUtil.release(msg);
        badRequest(context, String.valueOf(request.decoderResult().cause()));
        return;
      }
      Exchange e = new Exchange(proxy, this, context.channel(), pool, request);
      exchange = e;
      e.start();
    }
    if (msg instanceof HttpContent content) {
      Exchange e = exchange;
      if (e == null) {
        content.release();
      } else {
        e.onRequestContent(content);
      }
    } else if (!(msg instanceof HttpObject)) {
      ReferenceCountUtil.release(msg);
    }
  }

  /** Called by the exchange once its response is written (not necessarily flushed). */
  void exchangeEnded(Exchange e, boolean keepAlive) {
    ChannelHandlerContext context = ctx;
    if (exchange != e || context == null) {
      return;
    }
    exchange = null;
    if (!keepAlive) {
      context.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    draining = !e.requestComplete();
    if (!context.channel().config().isAutoRead()) {
      context.channel().config().setAutoRead(true);
    }
    while (!queued.isEmpty() && (exchange == null || !exchange.requestComplete())) {
      dispatch(context, queued.poll());
    }
  }

  private void badRequest(ChannelHandlerContext context, String why) {
    String message = "bad request: " + why.replace('"', '\'').replace('\\', '/');
    byte[] body = ("{\"error\":\"" + message + "\"}\n").getBytes(StandardCharsets.UTF_8);
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST, Unpooled.wrappedBuffer(body));
    r.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    proxy.metrics().badRequest();
    context.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext context) {
    Exchange e = exchange;
    if (e != null) {
      e.flushUpstream();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext context) {
    Exchange e = exchange;
    if (e != null) {
      e.onClientWritabilityChanged();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext context) {
    Exchange e = exchange;
    exchange = null;
    if (e != null) {
      e.onClientClosed();
    }
    Object m;
    while ((m = queued.poll()) != null) {
      ReferenceCountUtil.release(m);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
    context.close();
  }
}
