package io.summit.dr.lab.wan;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Carries one direction of one connection across a link. A reader thread stamps each chunk with the
 * time it may arrive (now + the link's delay, never earlier than the chunk before it, so bytes stay
 * in order) and a writer thread delivers it then. Latency therefore delays the stream without
 * limiting its throughput, as a long network path does.
 */
final class Forwarder {
  private record Chunk(byte[] bytes, long dueNanos) {}

  private static final Chunk END = new Chunk(new byte[0], 0);

  private final Socket in;
  private final Socket out;
  private final LinkState link;
  private final Runnable onClose;
  private final LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>(1024);

  Forwarder(Socket in, Socket out, LinkState link, Runnable onClose) {
    this.in = in;
    this.out = out;
    this.link = link;
    this.onClose = onClose;
  }

  void start(String name) {
    Thread.ofVirtual().name(name + "-read").start(this::read);
    Thread.ofVirtual().name(name + "-write").start(this::write);
  }

  private void read() {
    // 16 KiB: most reads are a message or two (etcd's raft, HTTP, SQL); a larger buffer per
    // direction of every connection only made the daemon's young collections promote more.
    byte[] buffer = new byte[16 * 1024];
    long lastDue = 0;
    try {
      InputStream input = in.getInputStream();
      while (true) {
        link.awaitUp();
        int n = input.read(buffer);
        if (n < 0) {
          break;
        }
        long due = Math.max(lastDue, System.nanoTime() + link.delayNanos());
        lastDue = due;
        queue.put(new Chunk(Arrays.copyOf(buffer, n), due));
      }
    } catch (IOException e) {
      // The connection closed or was reset: end this direction.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    queue.offer(END);
  }

  private void write() {
    try {
      OutputStream output = out.getOutputStream();
      while (true) {
        Chunk chunk = queue.take();
        if (chunk == END) {
          break;
        }
        long wait;
        while ((wait = chunk.dueNanos() - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
        link.awaitUp();
        output.write(chunk.bytes());
        output.flush();
      }
    } catch (IOException e) {
      // The peer went away: close both sides below.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    onClose.run();
  }
}
