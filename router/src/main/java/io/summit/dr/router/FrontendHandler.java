package io.summit.dr.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * A client connection: parses the bytes it sends into request heads ({@link HeadFinder}, {@link
 * HttpHead}) and bodies ({@link BodyFramer}), and runs its requests one at a time through an {@link
 * Exchange}. Bytes of pipelined requests wait unparsed until the exchange before them ends (reading
 * stops when more than {@link #MAX_PENDING} bytes wait); the rest of a request body the response
 * did not wait for is read and dropped, so the connection can stay open. A malformed request gets
 * its 4xx/5xx answer and the connection is closed.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {
  /** Bytes of pipelined requests buffered before reading stops. */
  static final int MAX_PENDING = 64 * 1024;

  private final Proxy proxy;
  private final UpstreamPool pool;
  private final HeadFinder finder = new HeadFinder(true);
  private @Nullable ChannelHandlerContext ctx;
  private @Nullable ByteBuf cumulation;
  private @Nullable Exchange exchange;

  /** The framing of the body being received: the current exchange's, or one being drained. */
  private @Nullable BodyFramer body;

  private boolean draining;
  private boolean processing;
  private boolean closing;
  private byte @Nullable [] clientAddress;

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

  /** The client's address for X-Forwarded-For (ASCII), or null. */
  byte @Nullable [] clientAddress() {
    return clientAddress;
  }

  @Override
  public void channelRead(ChannelHandlerContext context, Object msg) {
    if (!(msg instanceof ByteBuf in) || closing) {
      ReferenceCountUtil.release(msg);
      return;
    }
    ByteBuf c = cumulation;
    cumulation =
        c == null ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(context.alloc(), c, in);
    process(context);
  }

  /** Parses and dispatches what can be, until an exchange must end before the rest. */
  private void process(ChannelHandlerContext context) {
    processing = true;
    try {
      ByteBuf buf;
      while ((buf = cumulation) != null && buf.isReadable() && !closing) {
        Exchange e = exchange;
        BodyFramer b = body;
        if (b != null && (draining || (e != null && !e.requestComplete()))) {
          int from = buf.readerIndex();
          int end;
          try {
            end = b.consume(buf, from, buf.writerIndex(), e != null && e.classifying() ? e : null);
          } catch (HttpHead.MalformedException m) {
            malformedBody(context, m);
            return;
          }
          buf.readerIndex(end);
          boolean last = b.isComplete();
          if (last) {
            body = null;
          }
          if (draining) {
            draining = !last;
          } else if (e != null) {
            e.onRequestBody(buf.retainedSlice(from, end - from), last);
          }
          continue;
        }
        if (e != null) {
          // The request is in; the next one waits for its response.
          if (buf.readableBytes() > MAX_PENDING) {
            context.channel().config().setAutoRead(false);
          }
          break;
        }
        HttpHead head;
        try {
          int n = finder.find(buf);
          if (n < 0) {
            break;
          }
          byte[] bytes = new byte[n];
          buf.readBytes(bytes);
          head = HttpHead.parseRequest(bytes);
        } catch (HttpHead.MalformedException m) {
          answerAndClose(context, m.status, m.getMessage());
          return;
        }
        if (head.hasUnsupportedExpectation()) {
          answerAndClose(context, 417, "unsupported expectation");
          return;
        }
        if (head.hasBody()) {
          body = head.chunked() ? BodyFramer.chunked() : BodyFramer.length(head.contentLength());
        }
        Exchange next = new Exchange(proxy, this, context.channel(), pool, head);
        exchange = next;
        next.start();
      }
      buf = cumulation;
      if (buf != null && !buf.isReadable()) {
        cumulation = null;
        buf.release();
      } else if (buf != null && buf.refCnt() == 1) {
        // Only when no slice of it is out (forwarded body bytes): discarding moves the bytes.
        buf.discardSomeReadBytes();
      }
    } finally {
      processing = false;
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
      close(context);
      return;
    }
    draining = body != null;
    if (!context.channel().config().isAutoRead()) {
      context.channel().config().setAutoRead(true);
    }
    if (!processing) {
      process(context);
      // Outside a read of this channel (the response ended it): nothing else flushes what the
      // next exchange wrote upstream.
      Exchange next = exchange;
      if (next != null) {
        next.flushUpstream();
      }
    }
  }

  private void malformedBody(ChannelHandlerContext context, HttpHead.MalformedException m) {
    Exchange e = exchange;
    exchange = null;
    if (draining || (e != null && e.abort(m.status))) {
      // The answer is out (or partly out): nothing more can be said on this connection.
      close(context);
      return;
    }
    answerAndClose(context, m.status, m.getMessage());
  }

  private void answerAndClose(ChannelHandlerContext context, int code, @Nullable String why) {
    HttpResponseStatus status = HttpResponseStatus.valueOf(code);
    String message =
        (code == 400
                ? "bad request: "
                : status.reasonPhrase().toLowerCase(java.util.Locale.ROOT) + ": ")
            + String.valueOf(why).replace('"', '\'').replace('\\', '/');
    byte[] body = ("{\"error\":\"" + message + "\"}\n").getBytes(StandardCharsets.UTF_8);
    String head =
        "HTTP/1.1 "
            + code
            + " "
            + status.reasonPhrase()
            + "\r\ncontent-type: application/json\r\ncontent-length: "
            + body.length
            + "\r\nconnection: close\r\n\r\n";
    proxy.metrics().badRequest();
    context.write(Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII)));
    context.write(Unpooled.wrappedBuffer(body));
    close(context);
  }

  private void close(ChannelHandlerContext context) {
    closing = true;
    release();
    context.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
  }

  private void release() {
    ByteBuf c = cumulation;
    cumulation = null;
    if (c != null) {
      c.release();
    }
    body = null;
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
    closing = true;
    if (e != null) {
      e.onClientClosed();
    }
    release();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
    context.close();
  }
}
