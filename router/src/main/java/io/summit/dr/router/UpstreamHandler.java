package io.summit.dr.router;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;

/**
 * The only handler of an upstream connection: hands the bytes that arrive to the exchange that owns
 * the connection (which parses the response), or, while the connection is idle in the pool, closes
 * it on unexpected data.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
  private @Nullable Exchange owner;
  private long idleSince;

  long idleSince() {
    return idleSince;
  }

  void idleSince(long nanos) {
    idleSince = nanos;
  }

  void owner(@Nullable Exchange exchange) {
    owner = exchange;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Exchange e = owner;
    if (e == null || !(msg instanceof ByteBuf in)) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    e.onUpstreamData(in);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    Exchange e = owner;
    if (e != null) {
      e.flushClient();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    Exchange e = owner;
    if (e != null) {
      e.onUpstreamWritabilityChanged();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Exchange e = owner;
    owner = null;
    if (e != null) {
      e.onUpstreamClosed();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Exchange e = owner;
    owner = null;
    ctx.close();
    if (e != null) {
      e.onUpstreamFailure(Exchange.Failure.ERROR);
    }
  }
}
