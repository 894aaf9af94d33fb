package io.summit.dr.lab.objects;

import io.summit.dr.replication.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A TCP link to a server that a test can cut (every connection closed, new ones refused). */
final class CuttableLink implements AutoCloseable {
  private final ServerSocket listener;
  private final Endpoint target;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile boolean cut;

  CuttableLink(Endpoint target) throws IOException {
    this.target = target;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(this::accept);
  }

  Endpoint address() {
    return new Endpoint("127.0.0.1", listener.getLocalPort());
  }

  void cut() {
    cut = true;
    for (Socket s : open) {
      closeQuietly(s);
    }
    open.clear();
  }

  void heal() {
    cut = false;
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket in = listener.accept();
        if (cut) {
          in.close();
          continue;
        }
        Socket out = new Socket(target.host(), target.port());
        open.add(in);
        open.add(out);
        Thread.ofVirtual().start(() -> pipe(in, out));
        Thread.ofVirtual().start(() -> pipe(out, in));
      } catch (IOException e) {
        // Listener closed, or the target refused: the client sees the connection drop.
      }
    }
  }

  private static void pipe(Socket from, Socket to) {
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      in.transferTo(out);
    } catch (IOException e) {
      // Closed by the other side or by cut().
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
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
    cut();
    listener.close();
  }
}
