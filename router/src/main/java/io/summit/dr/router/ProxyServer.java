package io.summit.dr.router;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.summit.dr.routing.Instance;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** The proxy's Netty server: event loops, the listening socket, one upstream pool per loop. */
final class ProxyServer implements AutoCloseable {
  private final Proxy proxy;
  private final Transport transport = Transport.best();
  private final EventLoopGroup group;
  private final Map<EventLoop, UpstreamPool> pools = new ConcurrentHashMap<>();
  private final Channel server;

  /** Binds the listen address; throws {@link IllegalStateException} if that fails. */
  ProxyServer(Proxy proxy) {
    this.proxy = proxy;
    this.group =
        new MultiThreadIoEventLoopGroup(proxy.config().ioThreads(), transport.ioHandlerFactory());
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(transport.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    UpstreamPool pool = pools.computeIfAbsent(ch.eventLoop(), this::newPool);
                    ch.pipeline().addLast(new FrontendHandler(proxy, pool));
                  }

                  private UpstreamPool newPool(EventLoop loop) {
                    return new UpstreamPool(loop, transport, proxy.config());
                  }
                });
    try {
      server = b.bind(proxy.config().listen()).syncUninterruptibly().channel();
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw new IllegalStateException(
          "listen: cannot bind " + proxy.config().listen() + ": " + e.getMessage(), e);
    }
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  String transportName() {
    return transport.name();
  }

  /** Closes the pooled connections of instances that left their region. */
  void retire(List<Instance> removed) {
    for (UpstreamPool pool : pools.values()) {
      pool.loop().execute(() -> removed.forEach(pool::closeIdle));
    }
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    for (UpstreamPool pool : pools.values()) {
      pool.loop().execute(pool::closeAll);
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
