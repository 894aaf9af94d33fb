package io.summit.dr.router;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.summit.dr.routing.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An instance of a service, in-process: answers every path with its name (header {@code x-backend}
 * and body), echoes request bodies on POST /echo, answers the health path with {@link
 * #healthStatus} and everything else with {@link #status}. {@link #latencyMillis} emulates a
 * distant region. {@link #close()} kills it: listener and connections closed at once.
 */
final class TestBackend implements AutoCloseable {
  final String name;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  final AtomicInteger requests = new AtomicInteger();
  final Map<String, String> lastHeaders = new ConcurrentHashMap<>();
  volatile int status = 200;
  volatile int healthStatus = 200;
  volatile long latencyMillis;
  volatile long requestDelayMillis;
  volatile boolean closeConnections;

  private TestBackend(String name) throws IOException {
    this.name = name;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  static TestBackend start(String name) {
    try {
      return new TestBackend(name);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  Endpoint endpoint() {
    return new Endpoint("127.0.0.1", server.getAddress().getPort());
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body;
      try (InputStream in = ex.getRequestBody()) {
        body = in.readAllBytes();
      }
      boolean health = ex.getRequestURI().getPath().equals("/readyz");
      emulateDistance(health ? latencyMillis : latencyMillis + requestDelayMillis);
      int code = health ? healthStatus : status;
      if (!health) {
        requests.incrementAndGet();
        lastHeaders.clear();
        ex.getRequestHeaders().forEach((k, v) -> lastHeaders.put(k.toLowerCase(), v.get(0)));
      }
      byte[] out =
          ex.getRequestURI().getPath().equals("/echo")
              ? body
              : (name + "\n").getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("x-backend", name);
      if (closeConnections) {
        ex.getResponseHeaders().set("Connection", "close");
      }
      ex.sendResponseHeaders(code, "HEAD".equals(ex.getRequestMethod()) ? -1 : out.length);
      if (!"HEAD".equals(ex.getRequestMethod())) {
        try (OutputStream o = ex.getResponseBody()) {
          o.write(out);
        }
      }
    }
  }

  private static void emulateDistance(long ms) {
    if (ms > 0) {
      try {
        // Simulated latency or slowness of this backend, not a test waiting for something.
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
