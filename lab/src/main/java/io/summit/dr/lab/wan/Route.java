package io.summit.dr.lab.wan;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.Future;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.router.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * A listening port on one side of a link, relaying each connection to the other side ({@link
 * Relay}): over the link of the route's own pair of locations, or for a {@link WanSpec#BY_SOURCE}
 * route over the link the chooser picks for each connection. A {@link WanSpec.RegionEndpoint}'s
 * route relays to a target that {@link #moveTo} changes; it alone tracks its live relays, so that a
 * move closes those of the target before (a spec's route, with a fixed target, touches nothing
 * shared per connection).
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

  /** How long a move waits for the connections it closes. */
  private static final long DROP_WAIT_MILLIS = 2_000;

  private final String name;
  private final LinkChooser chooser;
  private final @Nullable Executor blocking;
  private final Transport transport;
  private final Channel server;
  // the live relays of a region endpoint's route; null for a spec's route
  private final @Nullable Set<Relay> live;
  // where a new connection goes
  private volatile Endpoint target;

  /**
   * Binds a spec's route: its port on {@code targetHost}, relaying to its fixed target.
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
    this(
        "route " + spec.name(),
        new InetSocketAddress(spec.targetHost(), spec.listenPort()),
        new Endpoint(spec.targetHost(), spec.targetPort()),
        null,
        chooser,
        blocking,
        loops,
        transport);
  }

  /** Binds a region endpoint: relays to its first target over {@code link}, until moved. */
  Route(WanSpec.RegionEndpoint spec, LinkState link, EventLoopGroup loops, Transport transport)
      throws IOException {
    this(
        "endpoint " + spec.name(),
        new InetSocketAddress(spec.host(), spec.listenPort()),
        spec.addresses().get(0),
        ConcurrentHashMap.newKeySet(),
        (client, localPort) -> link,
        null,
        loops,
        transport);
  }

  private Route(
      String name,
      InetSocketAddress listen,
      Endpoint target,
      @Nullable Set<Relay> live,
      LinkChooser chooser,
      @Nullable Executor blocking,
      EventLoopGroup loops,
      Transport transport)
      throws IOException {
    this.name = name;
    this.target = target;
    this.live = live;
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
            .bind(listen)
            .awaitUninterruptibly();
    if (!bound.isSuccess()) {
      throw new IOException(
          "wan: "
              + name
              + " cannot listen on "
              + listen.getHostString()
              + ":"
              + listen.getPort()
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
          name,
          client.remoteAddress().getPort());
      client.close();
      return;
    }
    Endpoint to = target;
    Relay relay = new Relay(client, link, transport, to, live);
    Set<Relay> tracked = live;
    if (tracked != null) {
      tracked.add(relay);
      // 1. this read the target before a move wrote it, 2. the move closed the relays it found,
      // 3. this added its relay after: the move missed it, so it is closed here
      if (!to.equals(target)) {
        relay.drop();
      }
    }
    relay.open();
  }

  /** Where a new connection goes. */
  Endpoint target() {
    return target;
  }

  /**
   * A region endpoint's move: new connections go to {@code next}, and every connection relayed to
   * the target before is closed (both sides) before this returns (waiting 2 s at most). Nothing
   * changes when {@code next} is the target already.
   *
   * @return how many connections were closed
   */
  synchronized int moveTo(Endpoint next) {
    Set<Relay> tracked = live;
    if (tracked == null) {
      throw new IllegalStateException("wan: " + name + " has a fixed target");
    }
    Endpoint before = target;
    if (before.equals(next)) {
      return 0;
    }
    target = next;
    return closeRelaysTo(tracked, before);
  }

  /** Closes the connections relayed to {@code to}, waiting for them; how many they were. */
  private static int closeRelaysTo(Set<Relay> tracked, Endpoint to) {
    List<Future<?>> closing =
        tracked.stream().filter(r -> r.destination().equals(to)).map(Relay::drop).toList();
    closing.forEach(f -> f.awaitUninterruptibly(DROP_WAIT_MILLIS));
    return closing.size();
  }

  @Override
  public void close() {
    server.close().awaitUninterruptibly();
  }
}
