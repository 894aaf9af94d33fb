package io.summit.dr.stores.neo4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's applier: pulls the primary's outbox after its own sequence number (a long poll: the
 * primary answers as soon as it commits, or after a second), applies each batch with its sequence
 * number in one transaction ({@link Graph#apply}), and keeps the lag it measured. As the sequence
 * number is read from the graph before every pull, a restart of either side or a cut link resumes
 * exactly after the last applied change: no gap, no duplicate. One thread; {@link #close} stops it
 * and waits for it.
 */
final class Applier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Applier.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int LIMIT = 1000;

  /**
   * The lag last measured: {@code upstreamHead - applied} transactions; seconds since the oldest
   * change not yet applied was committed (0 when caught up); measured at {@code measuredAt}.
   */
  record Lag(
      long applied,
      long upstreamHead,
      double seconds,
      @Nullable Instant measuredAt,
      boolean streaming,
      @Nullable String error) {
    long transactions() {
      return Math.max(0, upstreamHead - applied);
    }
  }

  private final Graph graph;
  private final String upstream;
  private final InstantSource clock;
  private final HttpClient http;
  private final AtomicReference<Lag> lag;
  private final Thread thread;
  private volatile boolean running = true;

  Applier(Graph graph, String upstream, InstantSource clock) {
    this.graph = graph;
    this.upstream = upstream;
    this.clock = clock;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    this.lag = new AtomicReference<>(new Lag(graph.seq(), 0, 0, null, false, "not pulled yet"));
    this.thread = Thread.ofPlatform().name("neo4j-applier").daemon().unstarted(this::run);
  }

  Applier start() {
    thread.start();
    return this;
  }

  Lag lag() {
    return lag.get();
  }

  String upstream() {
    return upstream;
  }

  private void run() {
    while (running) {
      try {
        pull();
      } catch (IOException | RuntimeException e) {
        Lag l = lag.get();
        lag.set(
            new Lag(
                graph.seq(), l.upstreamHead(), l.seconds(), l.measuredAt(), false, e.toString()));
        LOG.warn("neo4j applier: pull from {} failed ({}); retrying", upstream, e.toString());
        LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void pull() throws IOException, InterruptedException {
    long after = graph.seq();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://"
                            + upstream
                            + "/v1/changes?after="
                            + after
                            + "&limit="
                            + LIMIT
                            + "&waitMs=1000"))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Instant at = clock.instant();
    if (r.statusCode() != 200) {
      throw new IOException("upstream answered " + r.statusCode() + ": " + r.body());
    }
    JsonNode body = JSON.readTree(r.body());
    List<OutboxEntry> entries = new ArrayList<>();
    for (JsonNode e : body.path("entries")) {
      entries.add(
          new OutboxEntry(e.get("seq").asLong(), e.get("at").asLong(), e.get("ops").asText()));
    }
    if (!running) {
      return;
    }
    graph.apply(entries);
    long head = body.path("head").asLong();
    long applied = graph.seq();
    double seconds =
        applied >= head || entries.isEmpty()
            ? 0
            : Math.max(0, at.toEpochMilli() - entries.get(entries.size() - 1).at()) / 1000.0;
    lag.set(new Lag(applied, head, seconds, at, true, null));
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
