package io.summit.dr.lab.wan;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.summit.dr.router.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * A listening port on one side of a link, relaying each connection to the other side ({@link
 * Relay}): over the link of the route's own pair of locations, or for a {@link WanSpec#BY_SOURCE}
 * route over the link the chooser picks for each connection.
 *
 * <p>On Netty's event loops, not a thread per connection and direction: on the 2-core lab machine
 * the daemon used 16-17 % of a core to forward an idle lab's ~1,300 reads a second that way, and
 * under a canary whose requests timed out it held thousands of connections and threads and starved
 * the etcd members' reconnections (see {@link Relay}).
 */
final class Route implements AutoCloseable {
  /** The link a new connection crosses; null refuses the connection. */
  interface LinkChooser {
    @Nullable LinkState linkFor(InetSocketAddress client, int localPort);
  }

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Route.class);

  private final WanSpec.Route spec;
  private final LinkChooser chooser;
  private final @Nullable Executor blocking;
  private final Transport transport;
  private final Channel server;

  /**
   * Binds the route's port.
   *
   * @param blocking where to run a chooser that blocks (it reads {@code /proc}), off the event
   *     loops; null when the chooser answers at once
   */
  Route(
      WanSpec.Route spec,
      LinkChooser chooser,
      @Nullable Executor blocking,
      EventLoopGroup loops,
      Transport transport)
      throws IOException {
    this.spec = spec;
    this.chooser = chooser;
    this.blocking = blocking;
    this.transport = transport;
    var bound =
        new ServerBootstrap()
            .group(loops)
            .channel(transport.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 128)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.AUTO_READ, false)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    accepted(ch);
                  }
                })
            .bind(new InetSocketAddress(spec.targetHost(), spec.listenPort()))
            .awaitUninterruptibly();
    if (!bound.isSuccess()) {
      throw new IOException(
          "wan: route "
              + spec.name()
              + " cannot listen on "
              + spec.targetHost()
              + ":"
              + spec.listenPort()
              + ": "
              + bound.cause().getMessage(),
          bound.cause());
    }
    this.server = bound.channel();
  }

  private void accepted(SocketChannel client) {
    InetSocketAddress from = client.remoteAddress();
    int localPort = client.localAddress().getPort();
    if (blocking == null) {
      admit(client, chooser.linkFor(from, localPort));
      return;
    }
    CompletableFuture.supplyAsync(() -> chooser.linkFor(from, localPort), blocking)
        .whenComplete(
            (link, error) ->
                client.eventLoop().execute(() -> admit(client, error == null ? link : null)));
  }

  private void admit(SocketChannel client, @Nullable LinkState link) {
    if (link == null) {
      LOG.warn(
          "wan: {} refused a connection from port {}: its process is in no known location",
          spec.name(),
          client.remoteAddress().getPort());
      client.close();
      return;
    }
    new Relay(client, link, transport, spec.targetHost(), spec.targetPort()).open();
  }

  @Override
  public void close() {
    server.close().awaitUninterruptibly();
  }
}
