package io.summit.dr.workload.service;

import com.sun.net.httpserver.HttpServer;
import io.summit.dr.replication.Endpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;

/**
 * The orchestrator's discovery endpoint as the service sees it ({@code GET /v1/endpoints}, with the
 * long poll), serving documents a test publishes; 503 until the first. The orchestrator itself is
 * tested on its own; here only the contract matters.
 */
final class FakeDiscovery implements AutoCloseable {
  private final HttpServer server;
  private String document = "";
  private long version;
  private @Nullable URI redirectTo;
  private int requests;

  FakeDiscovery() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/v1/endpoints",
        x -> {
          String q = x.getRequestURI().getQuery();
          long after = -1;
          if (q != null && q.startsWith("version=")) {
            after =
                Long.parseLong(q.substring(8, q.indexOf('&') < 0 ? q.length() : q.indexOf('&')));
          }
          String body;
          synchronized (this) {
            requests++;
            URI leader = redirectTo;
            if (leader != null) {
              x.getResponseHeaders().set("Location", leader.resolve(x.getRequestURI()).toString());
              x.sendResponseHeaders(307, -1);
              x.close();
              return;
            }
            long deadline = System.currentTimeMillis() + 2000;
            while (version <= after && System.currentTimeMillis() < deadline) {
              try {
                wait(100);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
              }
            }
            body = document;
          }
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          x.sendResponseHeaders(body.isEmpty() ? 503 : 200, bytes.length == 0 ? -1 : bytes.length);
          try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
          }
        });
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private long term;

  /** Publishes the next version under writer {@code term} (kept for later versions). */
  synchronized void publish(String writer, TestNode west, TestNode east, long newTerm) {
    term = newTerm;
    publish(writer, west, east);
  }

  /** Publishes the next version: {@code writer} writes, each region reads its own node. */
  synchronized void publish(String writer, TestNode west, TestNode east) {
    publish(version + 1, writer, west.postgres, west.redis, east.postgres, east.redis);
  }

  /**
   * Publishes {@code newVersion} (which may be below the last, as a replica that lost its state
   * would) with the given nodes.
   */
  synchronized void publish(
      long newVersion,
      String writer,
      Endpoint westPostgres,
      Endpoint westRedis,
      Endpoint eastPostgres,
      Endpoint eastRedis) {
    version = newVersion;
    boolean west = writer.equals("us-west-2");
    document =
        """
        {"version": %d, "writer_region": "%s", "term": %d, "stores": {
          "postgres": {"writer": "%s", "readers": {"us-west-2": "%s", "us-east-1": "%s"}},
          "redis": {"writer": "%s", "readers": {"us-west-2": "%s", "us-east-1": "%s"}}}}
        """
            .formatted(
                version,
                writer,
                term,
                west ? westPostgres : eastPostgres,
                westPostgres,
                eastPostgres,
                west ? westRedis : eastRedis,
                westRedis,
                eastRedis);
    notifyAll();
  }

  /** From now on answers every request with a 307 to {@code leader} (as a follower would). */
  synchronized void redirectTo(URI leader) {
    redirectTo = leader;
  }

  /** How many requests this replica has received. */
  synchronized int requests() {
    return requests;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
