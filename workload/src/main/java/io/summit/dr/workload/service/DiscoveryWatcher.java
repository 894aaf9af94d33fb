package io.summit.dr.workload.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the orchestrator's discovery endpoint: a long poll ({@code GET
 * /v1/endpoints?version=N&wait=25s}) that answers as soon as a version above N is published, so a
 * new writer region reaches the service within one round trip. While the orchestrator cannot be
 * reached it asks again every 200 ms. {@link #refresh} asks once, now, for a request that failed
 * and wonders whether the writer moved.
 *
 * <p>Lifecycle: {@code NEW -> STARTED -> CLOSED}; the poll runs on one virtual thread.
 */
final class DiscoveryWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DiscoveryWatcher.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(25);

  private enum State {
    NEW,
    STARTED,
    CLOSED
  }

  private final URI base;
  private final Consumer<Endpoints> listener;
  private final java.util.function.LongSupplier known;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(1))
          .build();
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private volatile @org.jspecify.annotations.Nullable Thread poller;

  /**
   * @param known the version the listener has now
   * @param listener called with every newer version, on the polling thread (or the caller's, for
   *     {@link #refresh})
   */
  DiscoveryWatcher(
      URI orchestrator, java.util.function.LongSupplier known, Consumer<Endpoints> listener) {
    this.base = orchestrator;
    this.known = known;
    this.listener = listener;
  }

  void start() {
    if (!state.compareAndSet(State.NEW, State.STARTED)) {
      throw new IllegalStateException("discovery watcher: started twice");
    }
    poller = Thread.ofVirtual().name("discovery").start(this::loop);
  }

  private void loop() {
    while (state.get() == State.STARTED) {
      try {
        fetch(known.getAsLong(), WAIT);
      } catch (IOException | RuntimeException e) {
        log.debug("discovery: {}", e.toString());
        LockSupport.parkNanos(200_000_000L);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (LinkageError e) {
        // A broken class path: log it where a person looks, and keep trying (never die silently).
        log.error("discovery: {}", e.toString(), e);
        LockSupport.parkNanos(5_000_000_000L);
      }
    }
  }

  /** Asks once without waiting; true when a newer version came back. */
  boolean refresh() {
    long before = known.getAsLong();
    try {
      fetch(-1, Duration.ZERO);
    } catch (IOException | RuntimeException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    return known.getAsLong() > before;
  }

  private void fetch(long version, Duration wait) throws IOException, InterruptedException {
    String query = version < 0 ? "" : "?version=" + version + "&wait=" + wait.toSeconds() + "s";
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve("/v1/endpoints" + query))
            .timeout(wait.plusSeconds(2))
            .build();
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("discovery: " + r.statusCode() + " " + r.body());
    }
    Endpoints e = Endpoints.parse(JSON.readTree(r.body()));
    if (e.version() > known.getAsLong()) {
      listener.accept(e);
    }
  }

  @Override
  public void close() {
    if (state.getAndSet(State.CLOSED) == State.STARTED) {
      Thread t = poller;
      if (t != null) {
        t.interrupt();
      }
    }
  }
}
