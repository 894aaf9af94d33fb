package io.summit.dr.router;

import io.summit.dr.routing.Endpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A backend that answers with raw bytes, for what {@link TestBackend} (the JDK's server) cannot
 * send: responses delimited by the connection's end, 1xx before the answer, trailers, malformed or
 * oversized heads, heads that arrive in pieces. Each request (head, and the body by Content-Length
 * or chunked) is recorded; {@link #script} maps the request to the answer.
 */
final class ScriptedBackend implements AutoCloseable {
  /** An answer: pieces written with a flush and a short pause between them; then close or not. */
  record Answer(List<String> pieces, boolean close) {
    static Answer of(String response) {
      return new Answer(List.of(response), false);
    }

    static Answer closing(String response) {
      return new Answer(List.of(response), true);
    }
  }

  private final ServerSocket server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  final List<String> requests = new CopyOnWriteArrayList<>();

  /** Connections that carried a request other than a health probe. */
  final AtomicInteger connections = new AtomicInteger();

  volatile Function<String, Answer> script =
      r -> Answer.of("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

  ScriptedBackend() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    executor.execute(this::accept);
  }

  Endpoint endpoint() {
    return new Endpoint("127.0.0.1", server.getLocalPort());
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        executor.execute(() -> serve(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      s.setTcpNoDelay(true);
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      boolean counted = false;
      while (true) {
        String request = readRequest(in);
        if (request == null) {
          return;
        }
        if (request.startsWith("GET /readyz")) {
          out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
          out.flush();
          continue;
        }
        if (!counted) {
          counted = true;
          connections.incrementAndGet();
        }
        requests.add(request);
        Answer a = script.apply(request);
        for (int i = 0; i < a.pieces().size(); i++) {
          if (i > 0) {
            Thread.sleep(20);
          }
          out.write(ascii(a.pieces().get(i)));
          out.flush();
        }
        if (a.close()) {
          return;
        }
      }
    } catch (IOException e) {
      // the router closed the connection
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static @Nullable String readRequest(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      head.write(c);
      byte[] b = head.toByteArray();
      int n = b.length;
      if (n >= 4 && b[n - 4] == '\r' && b[n - 3] == '\n' && b[n - 2] == '\r' && b[n - 1] == '\n') {
        break;
      }
    }
    if (c == -1) {
      return null;
    }
    String h = head.toString(StandardCharsets.ISO_8859_1);
    String lower = h.toLowerCase(Locale.ROOT);
    StringBuilder body = new StringBuilder();
    int cl = lower.indexOf("\r\ncontent-length:");
    if (cl >= 0) {
      int end = lower.indexOf("\r\n", cl + 2);
      int n = Integer.parseInt(h.substring(cl + 17, end).trim());
      body.append(new String(in.readNBytes(n), StandardCharsets.ISO_8859_1));
    } else if (lower.contains("\r\ntransfer-encoding: chunked")) {
      // the raw chunked body: chunks, the last chunk, trailer fields, the empty line
      while (true) {
        String line = readLine(in);
        body.append(line);
        int size = Integer.parseInt(line.split("[;\\r]", 2)[0].trim(), 16);
        if (size == 0) {
          String trailer;
          do {
            trailer = readLine(in);
            body.append(trailer);
          } while (!trailer.equals("\r\n"));
          break;
        }
        body.append(new String(in.readNBytes(size + 2), StandardCharsets.ISO_8859_1));
      }
    }
    return h + body;
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      line.append((char) c);
      if (c == '\n') {
        break;
      }
    }
    return line.toString();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    executor.shutdownNow();
  }
}
