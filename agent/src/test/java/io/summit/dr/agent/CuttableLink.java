package io.summit.dr.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP link to one etcd member that can be cut the way the lab's WAN links are: once cut, it keeps
 * every connection open and forwards nothing, so requests through it hang until they time out.
 */
final class CuttableLink implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress upstream;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean cut;

  private CuttableLink(ServerSocket server, InetSocketAddress upstream) {
    this.server = server;
    this.upstream = upstream;
  }

  /** A link from a free loopback port to the member at {@code member} (http://host:port). */
  static CuttableLink to(URI member) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    CuttableLink link =
        new CuttableLink(server, new InetSocketAddress(member.getHost(), member.getPort()));
    Thread.ofVirtual().start(link::acceptLoop);
    return link;
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** From now on bytes in both directions are read and dropped; connections stay open. */
  void cut() {
    cut = true;
  }

  private void acceptLoop() {
    try {
      while (true) {
        Socket in = server.accept();
        Socket out = new Socket(upstream.getAddress(), upstream.getPort());
        sockets.add(in);
        sockets.add(out);
        Thread.ofVirtual().start(() -> pump(in, out));
        Thread.ofVirtual().start(() -> pump(out, in));
      }
    } catch (IOException e) {
      // closed
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16384];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (!cut) {
          out.write(buffer, 0, n);
          out.flush();
        }
      }
    } catch (IOException e) {
      // one side closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
