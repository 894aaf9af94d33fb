package io.summit.dr.lab.wan;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.router.Transport;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One connection across a link: the accepted client's channel, the target's channel, and a {@link
 * Pipe} per direction. Everything runs on the client channel's event loop (the target's channel is
 * registered on the same one), so none of it needs locking.
 *
 * <p>Semantics (those of a long network path that can be cut):
 *
 * <ul>
 *   <li>each chunk read is delivered {@code delay} after it was read, never before the chunk before
 *       it, so latency delays a stream without limiting its throughput;
 *   <li>a cut link forwards nothing and reads nothing more, but keeps both connections open: the
 *       bytes in flight arrive when it is restored, as a partition's peers see silence, not a
 *       reset;
 *   <li>a connection accepted while the link is cut is connected to its target only once the link
 *       is restored, and dropped if its client gives up first (as SYN retries would end);
 *   <li>when one side closes, what it sent before is still delivered, then both are closed;
 *   <li>{@link #drop()} closes both at once, from any thread, dropping what is queued.
 * </ul>
 */
final class Relay {
  /** Stop reading a side while this much of its data waits to be delivered. */
  private static final int HIGH_WATER_BYTES = 1 << 20;

  private static final int CONNECT_TIMEOUT_MILLIS = 2_000;

  private final Channel client;
  private final LinkState link;
  private final Transport transport;
  private final Endpoint destination;
  // the live relays of a route that tracks them (one whose target moves), which this one leaves
  // when closed; null for a route with a fixed target
  private final @Nullable Set<Relay> live;
  private final Pipe up;
  private final Pipe down;
  private @Nullable Channel target;
  private boolean connected;
  private boolean waiting;
  private boolean closed;

  Relay(
      Channel client,
      LinkState link,
      Transport transport,
      Endpoint destination,
      @Nullable Set<Relay> live) {
    this.client = client;
    this.link = link;
    this.transport = transport;
    this.destination = destination;
    this.live = live;
    this.up = new Pipe(client);
    this.down = new Pipe(null);
    up.partner = down;
    down.partner = up;
  }

  /** Starts reading the client and connects to the target once the link is up. */
  void open() {
    client.pipeline().addLast(up);
    client.config().setAutoRead(true);
    if (link.isCut()) {
      waiting = true;
      link.waiting().incrementAndGet();
    }
    link.whenUp(() -> client.eventLoop().execute(this::connect));
  }

  private void stopWaiting() {
    if (waiting) {
      waiting = false;
      link.waiting().decrementAndGet();
    }
  }

  private void connect() {
    stopWaiting();
    if (closed || !client.isActive()) {
      close();
      return;
    }
    ChannelFuture f =
        new Bootstrap()
            .group(client.eventLoop())
            .channel(transport.clientChannel())
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.AUTO_READ, false)
            .handler(down)
            .connect(destination.host(), destination.port());
    target = f.channel();
    f.addListener(
        done -> {
          if (!done.isSuccess() || closed) {
            close();
            return;
          }
          Channel t = f.channel();
          connected = true;
          link.connections().incrementAndGet();
          down.source = t;
          down.sink = client;
          up.sink = t;
          t.config().setAutoRead(true);
          up.drain();
        });
  }

  /** The address this relay connects its client to. */
  Endpoint destination() {
    return destination;
  }

  /**
   * Closes both sides now, from any thread (on the relay's event loop); data still queued in either
   * direction is dropped. The future completes once both closes are issued.
   */
  Future<?> drop() {
    return client.eventLoop().submit(this::close);
  }

  /** Closes both sides once; data still queued in either direction is dropped. */
  private void close() {
    if (closed) {
      return;
    }
    closed = true;
    Set<Relay> tracked = live;
    if (tracked != null) {
      tracked.remove(this);
    }
    stopWaiting();
    if (connected) {
      link.connections().decrementAndGet();
    }
    up.release();
    down.release();
    client.close();
    Channel t = target;
    if (t != null) {
      t.close();
    }
  }

  private record Chunk(ByteBuf bytes, long dueNanos) {}

  /** One direction: reads its source channel, delivers each chunk to the sink when it is due. */
  private final class Pipe extends ChannelInboundHandlerAdapter {
    private final ArrayDeque<Chunk> queue = new ArrayDeque<>();
    private @Nullable Channel source;
    private @Nullable Channel sink;
    private @Nullable Pipe partner;
    private long queuedBytes;
    private long lastDue;
    private boolean sourceEnded;
    private boolean drainScheduled;
    private boolean waitingForLink;

    Pipe(@Nullable Channel source) {
      this.source = source;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof ByteBuf bytes) || closed) {
        ReferenceCountUtil.release(msg);
        return;
      }
      long due = Math.max(lastDue, System.nanoTime() + link.delayNanos());
      lastDue = due;
      queue.add(new Chunk(bytes, due));
      queuedBytes += bytes.readableBytes();
      if (queuedBytes >= HIGH_WATER_BYTES || link.isCut()) {
        ctx.channel().config().setAutoRead(false);
      }
      drain();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      sourceEnded = true;
      drain();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // A reset or a failed read ends this direction, as end of stream does.
      sourceEnded = true;
      drain();
    }

    /** This side's writability changed: it is the other direction's sink. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      Pipe p = partner;
      if (p != null) {
        p.drain();
      }
    }

    /** Delivers what is due, schedules the next delivery, and reads more when there is room. */
    void drain() {
      if (closed) {
        return;
      }
      Channel out = sink;
      if (out == null) {
        if (sourceEnded) {
          close(); // the client gave up before the target was connected
        }
        return;
      }
      if (link.isCut()) {
        if (!waitingForLink) {
          waitingForLink = true;
          link.whenUp(
              () ->
                  client
                      .eventLoop()
                      .execute(
                          () -> {
                            waitingForLink = false;
                            drain();
                          }));
        }
        return;
      }
      long now = System.nanoTime();
      boolean wrote = false;
      while (!queue.isEmpty() && out.isWritable()) {
        Chunk next = queue.peek();
        if (next.dueNanos() > now) {
          schedule(next.dueNanos() - now);
          break;
        }
        queue.poll();
        queuedBytes -= next.bytes().readableBytes();
        out.write(next.bytes(), out.voidPromise());
        wrote = true;
      }
      if (wrote) {
        out.flush();
      }
      if (queue.isEmpty() && sourceEnded) {
        close();
        return;
      }
      Channel in = source;
      if (in != null && !sourceEnded && queuedBytes < HIGH_WATER_BYTES && out.isWritable()) {
        in.config().setAutoRead(true);
      }
    }

    private void schedule(long delayNanos) {
      if (drainScheduled) {
        return;
      }
      drainScheduled = true;
      client
          .eventLoop()
          .schedule(
              () -> {
                drainScheduled = false;
                drain();
              },
              delayNanos,
              TimeUnit.NANOSECONDS);
    }

    void release() {
      Chunk c;
      while ((c = queue.poll()) != null) {
        ReferenceCountUtil.release(c.bytes());
      }
      queuedBytes = 0;
    }
  }
}
