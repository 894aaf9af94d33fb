package io.summit.dr.orchestrator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP link on a free loopback port to {@code target} that a test cuts at once: the listener and
 * every connection close together, as a process's do when it dies (its peers see the connections
 * go, nothing more is sent). A replica whose etcd connection is cut this way cannot revoke its
 * lease: the lease expires as a crashed replica's would.
 */
final class CuttableLink implements AutoCloseable {
  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  private CuttableLink(ServerSocket listener, InetSocketAddress target) {
    this.listener = listener;
    this.target = target;
  }

  static CuttableLink to(InetSocketAddress target) throws IOException {
    CuttableLink link =
        new CuttableLink(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), target);
    Thread.ofVirtual().name("link-accept").start(link::accept);
    return link;
  }

  /** The link's own address, {@code http://127.0.0.1:PORT}. */
  String url() {
    return "http://127.0.0.1:" + listener.getLocalPort();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket in = listener.accept();
        Socket out = new Socket(target.getAddress(), target.getPort());
        sockets.add(in);
        sockets.add(out);
        pump(in, out);
        pump(out, in);
      } catch (IOException e) {
        // cut, or the target refused: the caller sees its connection closed
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread.ofVirtual()
        .start(
            () -> {
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
              } catch (IOException e) {
                // one side closed or the link was cut
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            });
  }

  /** Closes the listener and every connection through it. */
  void cut() {
    closeQuietly(listener);
    sockets.forEach(CuttableLink::closeQuietly);
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    cut();
  }
}
