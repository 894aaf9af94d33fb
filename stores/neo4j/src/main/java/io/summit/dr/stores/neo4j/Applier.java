package io.summit.dr.stores.neo4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's applier: follows the primary's outbox after its own sequence number (a stream from
 * {@code /v1/changes/stream}: the primary sends each batch as it commits, and an empty one at least
 * every {@link AdminApi#STREAM_HEARTBEAT}), applies each batch with its sequence number in one
 * transaction ({@link Graph#apply}), and keeps the lag it measured. A stream silent for {@link
 * #SILENCE} (a cut link forwards nothing but keeps the connection) is closed and opened again. As
 * each stream starts after the sequence number read from the graph, a restart of either side or a
 * cut link resumes exactly after the last applied change: no gap, no duplicate. One thread and a
 * watchdog; {@link #close} stops both and waits for the first.
 */
final class Applier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Applier.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How long a stream may go without a line before it is taken for a cut link. */
  static final Duration SILENCE = Duration.ofSeconds(3);

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
  private final java.util.concurrent.ScheduledExecutorService watchdog;
  private volatile boolean running = true;
  private volatile @Nullable InputStream current;
  private volatile long lastLineNanos;

  private final UpstreamLink link;

  Applier(Graph graph, String upstream, InstantSource clock, UpstreamLink link) {
    this.graph = graph;
    this.upstream = upstream;
    this.clock = clock;
    this.link = link;
    this.http = link.client(Duration.ofSeconds(2));
    this.lag = new AtomicReference<>(new Lag(graph.seq(), 0, 0, null, false, "not pulled yet"));
    this.thread = Thread.ofPlatform().name("neo4j-applier").daemon().unstarted(this::run);
    this.watchdog =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("neo4j-applier-watchdog").daemon().factory());
  }

  Applier start() {
    thread.start();
    var unused =
        watchdog.scheduleWithFixedDelay(this::closeSilentStream, 500, 500, TimeUnit.MILLISECONDS);
    return this;
  }

  /** Closes the stream when no line came for {@link #SILENCE}: the reader then opens a new one. */
  private void closeSilentStream() {
    InputStream in = current;
    if (in != null && System.nanoTime() - lastLineNanos > SILENCE.toNanos()) {
      LOG.warn("neo4j applier: nothing from {} for {}; reconnecting", upstream, SILENCE);
      closeQuietly(in);
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // closing to unblock the reader; nothing to do if that fails
    }
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
        if (!running) {
          return; // closed: the stream was closed under the reader
        }
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
    HttpResponse<InputStream> r =
        http.send(
            HttpRequest.newBuilder(link.uri(upstream, "/v1/changes/stream?after=" + after))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    InputStream in = r.body();
    if (r.statusCode() != 200) {
      try (in) {
        throw new IOException(
            "upstream answered "
                + r.statusCode()
                + ": "
                + new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    lastLineNanos = System.nanoTime();
    current = in;
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while (running && (line = lines.readLine()) != null) {
        lastLineNanos = System.nanoTime();
        apply(JSON.readTree(line), clock.instant());
      }
    } finally {
      current = null;
    }
    if (running) {
      throw new IOException("the change stream from " + upstream + " ended");
    }
  }

  /** Applies one batch of the stream and records the lag it shows. */
  private void apply(JsonNode body, Instant at) {
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
    watchdog.shutdownNow();
    InputStream in = current;
    if (in != null) {
      closeQuietly(in);
    }
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
