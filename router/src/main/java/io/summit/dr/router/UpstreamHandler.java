package io.summit.dr.router;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;

/**
 * The last handler of an upstream connection: hands what arrives to the exchange that owns the
 * connection, or, while the connection is idle in the pool, closes it on unexpected data.
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
    if (e == null) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    e.onUpstreamMessage(msg);
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
      e.onUpstreamFailure(Exchange.Failure.CLOSED);
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
