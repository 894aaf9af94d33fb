package io.summit.dr.orchestrator.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A real HTTP server on 127.0.0.1 standing in for PagerDuty, Slack or a webhook: it records every
 * request it gets and answers with the statuses it was told to, in order (then 202), or holds every
 * request until {@link #release()} (a receiver that accepts and never answers).
 */
public final class LocalReceiver implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One request as it arrived. */
  public record Request(long atNanos, Map<String, List<String>> headers, JsonNode body) {
    public @Nullable String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }
  }

  /** A status to answer with, and the Retry-After header to send with it (or null). */
  public record Answer(int status, @Nullable String retryAfter) {}

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Deque<Answer> answers = new ArrayDeque<>();
  private final CountDownLatch held = new CountDownLatch(1);
  private volatile boolean hold;

  private LocalReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/",
        x -> {
          byte[] in = x.getRequestBody().readAllBytes();
          requests.add(
              new Request(
                  System.nanoTime(),
                  Map.copyOf(x.getRequestHeaders()),
                  JSON.readTree(new String(in, StandardCharsets.UTF_8))));
          if (hold) {
            try {
              held.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          Answer a;
          synchronized (answers) {
            a = answers.isEmpty() ? new Answer(202, null) : answers.removeFirst();
          }
          if (a.retryAfter() != null) {
            x.getResponseHeaders().add("Retry-After", a.retryAfter());
          }
          byte[] out = ("{\"status\":\"" + a.status() + "\"}").getBytes(StandardCharsets.UTF_8);
          x.sendResponseHeaders(a.status(), out.length);
          x.getResponseBody().write(out);
          x.close();
        });
    server.start();
  }

  /** A receiver that answers 202 to everything. */
  public static LocalReceiver accepting() {
    return new LocalReceiver();
  }

  /** A receiver that answers {@code statuses} in order, then 202. */
  public static LocalReceiver answering(Answer... statuses) {
    LocalReceiver r = new LocalReceiver();
    synchronized (r.answers) {
      r.answers.addAll(List.of(statuses));
    }
    return r;
  }

  /** A receiver that takes every request and answers none until {@link #release()}. */
  public static LocalReceiver silent() {
    LocalReceiver r = new LocalReceiver();
    r.hold = true;
    return r;
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/events";
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  public void release() {
    held.countDown();
  }

  @Override
  public void close() {
    release();
    server.stop(0);
  }
}
