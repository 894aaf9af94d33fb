package io.summit.dr.orchestrator.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * An orchestrator replica as a client sees it, on an ephemeral port: a leader that answers from
 * canned documents (written with the server's own records and JSON settings), a follower that
 * redirects to a leader, a replica that answers 503, or a dead one (a port nobody listens on). It
 * records every request it got, with its body.
 */
final class FakeReplica implements AutoCloseable {
  static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  /** One request as received. */
  record Received(String method, String path, String body) {}

  /** One canned answer. */
  record Reply(int status, String body) {}

  private final HttpServer server;
  private final Map<String, Reply> replies = new ConcurrentHashMap<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private volatile Behaviour behaviour = new Behaviour.Lead();

  /** What the replica does with a request. */
  sealed interface Behaviour {
    /** Answers from the canned replies; 404 for anything else. */
    record Lead() implements Behaviour {}

    /** Redirects every request (or, with {@code readsToo} false, only non-GET ones) to a URI. */
    record Follow(URI leader, int status, boolean readsToo) implements Behaviour {}

    /** Answers 503 with an error body. */
    record Unavailable(String error) implements Behaviour {}

    /** Takes the request and never answers (until closed). */
    record Silent() implements Behaviour {}
  }

  private FakeReplica() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
  }

  static FakeReplica leader() {
    return new FakeReplica();
  }

  static FakeReplica follower(FakeReplica leader) {
    FakeReplica f = new FakeReplica();
    f.behaviour = new Behaviour.Follow(leader.uri(), 307, true);
    return f;
  }

  static FakeReplica unavailable(String error) {
    FakeReplica f = new FakeReplica();
    f.behaviour = new Behaviour.Unavailable(error);
    return f;
  }

  /** The address of a replica that does not run: a port that was bound, then released. */
  static URI dead() {
    FakeReplica f = new FakeReplica();
    URI uri = f.uri();
    f.close();
    return uri;
  }

  FakeReplica behave(Behaviour b) {
    this.behaviour = b;
    return this;
  }

  /** Answers {@code METHOD path} (path with its query, if any) with {@code body} as JSON. */
  FakeReplica reply(String method, String path, int status, Object body) {
    try {
      String text = body instanceof String s ? s : JSON.writeValueAsString(body);
      replies.put(method + " " + path, new Reply(status, text));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String path = x.getRequestURI().toString();
      received.add(new Received(x.getRequestMethod(), path, body));
      Behaviour b = behaviour;
      if (b instanceof Behaviour.Silent) {
        try {
          Thread.sleep(java.time.Duration.ofMinutes(1));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      } else if (b instanceof Behaviour.Unavailable u) {
        send(x, 503, JSON.writeValueAsString(Map.of("error", u.error())));
      } else if (b instanceof Behaviour.Follow f
          && (f.readsToo() || !x.getRequestMethod().equals("GET"))) {
        x.getResponseHeaders().set("Location", f.leader().resolve(path).toString());
        x.sendResponseHeaders(f.status(), -1);
      } else {
        answer(x, path);
      }
    }
  }

  private void answer(HttpExchange x, String path) throws IOException {
    Reply r =
        replies.getOrDefault(
            x.getRequestMethod() + " " + path,
            new Reply(404, "{\"error\": \"" + path + ": no such resource\"}"));
    send(x, r.status(), r.body());
  }

  private static void send(HttpExchange x, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    x.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
