package io.summit.dr.router;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.summit.dr.routing.Instance;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Idle keep-alive connections to the instances, one pool per event loop: a client connection and
 * the upstream connection serving it share a thread, so nothing here is locked. Every method must
 * be called on {@link #loop()}. Most recently used connections are reused first; a connection idle
 * for longer than the idle timeout is closed instead of reused (so that the backend's own
 * keep-alive timeout does not close it under a request), and one the backend closed is dropped.
 */
final class UpstreamPool {
  private static final int MAX_IDLE_PER_INSTANCE = 256;

  private final EventLoop loop;
  private final Bootstrap bootstrap;
  private final Map<Instance, ArrayDeque<Channel>> idle = new HashMap<>();
  private final long idleNanos;
  private final ResponseTimeouts timeouts;
  private final ResponseTimeouts readAttemptTimeouts;

  UpstreamPool(EventLoop loop, Transport transport, RouterConfig config) {
    this.loop = loop;
    this.idleNanos = config.upstreamIdleTimeout().toNanos();
    this.timeouts = new ResponseTimeouts(loop, config.responseTimeout());
    this.readAttemptTimeouts =
        new ResponseTimeouts(
            loop, min(config.routing().readAttemptTimeout(), config.responseTimeout()));
    this.bootstrap =
        new Bootstrap()
            .group(loop)
            .channel(transport.clientChannel())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new UpstreamHandler());
                  }
                });
  }

  EventLoop loop() {
    return loop;
  }

  /** Response timeouts of every attempt but the first of a retryable read. */
  ResponseTimeouts timeouts() {
    return timeouts;
  }

  /**
   * Response timeouts of a retryable read's first attempt: {@code routing.read_attempt_timeout}.
   */
  ResponseTimeouts readAttemptTimeouts() {
    return readAttemptTimeouts;
  }

  private static java.time.Duration min(java.time.Duration a, java.time.Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** An idle open connection to {@code instance}, or null; {@code now}: the clock. */
  @Nullable Channel poll(Instance instance, long now) {
    ArrayDeque<Channel> q = idle.get(instance);
    if (q == null) {
      return null;
    }
    Channel ch;
    while ((ch = q.pollLast()) != null) {
      if (ch.isActive() && now - handler(ch).idleSince() < idleNanos) {
        return ch;
      }
      ch.close();
    }
    return null;
  }

  ChannelFuture connect(Instance instance) {
    return bootstrap.connect(
        new InetSocketAddress(instance.endpoint().host(), instance.endpoint().port()));
  }

  /**
   * Returns a connection after a complete exchange; closes it if it cannot be reused. {@code now}:
   * the clock, the start of its idle time.
   */
  void offer(Instance instance, Channel ch, long now) {
    if (instance.isRetired() || !ch.isActive()) {
      ch.close();
      return;
    }
    ArrayDeque<Channel> q = idle.computeIfAbsent(instance, i -> new ArrayDeque<>());
    if (q.size() >= MAX_IDLE_PER_INSTANCE) {
      ch.close();
      return;
    }
    if (!ch.config().isAutoRead()) {
      ch.config().setAutoRead(true);
    }
    handler(ch).idleSince(now);
    q.addLast(ch);
  }

  static UpstreamHandler handler(Channel ch) {
    return (UpstreamHandler) ch.pipeline().last();
  }

  /** Closes the idle connections of an instance that left its region. */
  void closeIdle(Instance instance) {
    ArrayDeque<Channel> q = idle.remove(instance);
    if (q != null) {
      q.forEach(Channel::close);
    }
  }

  void closeAll() {
    timeouts.close();
    readAttemptTimeouts.close();
    idle.values().forEach(q -> q.forEach(Channel::close));
    idle.clear();
  }
}
