package io.summit.dr.lab.wan;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A listening port on one side of a link, forwarding each connection to the other side: the link of
 * the route's own pair of locations, or for a {@link WanSpec#BY_SOURCE} route the link the chooser
 * picks for each connection.
 */
final class Route implements AutoCloseable {
  /** The link a new connection crosses; null refuses the connection. */
  interface LinkChooser {
    @org.jspecify.annotations.Nullable
    LinkState linkFor(Socket client);
  }

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Route.class);

  private final WanSpec.Route spec;
  private final LinkChooser chooser;
  private final ServerSocket server;

  Route(WanSpec.Route spec, LinkChooser chooser) throws IOException {
    this.spec = spec;
    this.chooser = chooser;
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(
        new InetSocketAddress(InetAddress.getByName(spec.targetHost()), spec.listenPort()), 128);
  }

  void start() {
    Thread.ofVirtual().name("wan-accept-" + spec.listenPort()).start(this::acceptLoop);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Thread.ofVirtual().start(() -> connect(client));
      } catch (IOException e) {
        if (server.isClosed()) {
          return;
        }
      }
    }
  }

  private void connect(Socket client) {
    LinkState link = chooser.linkFor(client);
    if (link == null) {
      LOG.warn(
          "wan: {} refused a connection from port {}: its process is in no known location",
          spec.name(),
          client.getPort());
      closeQuietly(client);
      return;
    }
    try {
      // A connection opened during a partition waits for the link, as a SYN would be retried;
      // one its client gives up on meanwhile is dropped, as the SYN retries would end.
      byte[] early = waitForLink(client, link);
      if (early == null) {
        closeQuietly(client);
        return;
      }
      Socket target = new Socket();
      target.connect(new InetSocketAddress(spec.targetHost(), spec.targetPort()), 2_000);
      if (early.length > 0) {
        target.getOutputStream().write(early);
      }
      client.setTcpNoDelay(true);
      target.setTcpNoDelay(true);
      link.connections().incrementAndGet();
      AtomicBoolean closed = new AtomicBoolean();
      Runnable close =
          () -> {
            if (closed.compareAndSet(false, true)) {
              link.connections().decrementAndGet();
              closeQuietly(client);
              closeQuietly(target);
            }
          };
      String name = link.a() + "<->" + link.b() + ":" + spec.name();
      new Forwarder(client, target, link, close).start(name + "-up");
      new Forwarder(target, client, link, close).start(name + "-down");
    } catch (IOException e) {
      closeQuietly(client);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly(client);
    }
  }

  /**
   * Waits while the link is cut, watching the client: returns the bytes it sent meanwhile (to be
   * sent first once connected), or null when it closed the connection.
   */
  private static byte @org.jspecify.annotations.Nullable [] waitForLink(
      Socket client, LinkState link) throws IOException, InterruptedException {
    if (!link.isCut()) {
      return new byte[0];
    }
    java.io.ByteArrayOutputStream early = new java.io.ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    client.setSoTimeout(100);
    try {
      while (link.isCut()) {
        try {
          int n = client.getInputStream().read(buffer);
          if (n < 0) {
            return null;
          }
          early.write(buffer, 0, n);
        } catch (java.net.SocketTimeoutException e) {
          // Still there, still cut: look again.
        }
      }
    } catch (IOException e) {
      return null; // reset by the client
    } finally {
      client.setSoTimeout(0);
    }
    link.awaitUp();
    return early.toByteArray();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // Already closed.
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
