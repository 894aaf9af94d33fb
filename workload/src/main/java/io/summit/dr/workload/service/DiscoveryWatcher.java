package io.summit.dr.workload.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.access.BearerToken;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the orchestrator's discovery endpoint: a long poll ({@code GET
 * /v1/endpoints?version=N&wait=25s}) that answers as soon as a version above N is published, so a
 * new writer region reaches the service within one round trip. {@link #refresh} asks once, now, for
 * a request that failed and wonders whether the writer moved.
 *
 * <p>Replicas: the watcher is given every orchestrator replica's address and polls one at a time.
 * It moves to the next one in the list when the one it polls does not answer, answers anything but
 * 200, or answers with a version below the one this instance holds (a replica that has fallen
 * behind or lost its state: logged, never applied); a redirect (307/308) sends it to the replica
 * the {@code Location} names. When a whole round of replicas has failed in a row it waits 200 ms
 * before the next round. A version is applied only when it is above the one held.
 *
 * <p>Lifecycle: {@code NEW -> STARTED -> CLOSED}; the poll runs on one virtual thread.
 */
final class DiscoveryWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DiscoveryWatcher.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(25);
  private static final long ROUND_PAUSE_NANOS = 200_000_000L;

  /** How long after a refresh ended another one is not sent (see {@link #refresh}). */
  static final Duration REFRESH_GAP = Duration.ofMillis(100);

  private enum State {
    NEW,
    STARTED,
    CLOSED
  }

  private final List<URI> replicas;
  private final Consumer<Endpoints> listener;
  private final LongSupplier known;
  private final HttpClient http;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  // The replica the next request goes to, and how many requests in a row got no usable answer.
  private final AtomicReference<URI> current;
  private final AtomicInteger failuresInARow = new AtomicInteger();
  private volatile @Nullable Thread poller;
  // refresh(): the one on its way (null: none) and when the last one ended (nanoTime), under
  // refreshes
  private final Object refreshes = new Object();
  private @Nullable CompletableFuture<Void> refreshing;
  private long lastRefreshEnded = System.nanoTime() - REFRESH_GAP.toNanos();
  private final @Nullable BearerToken token;

  /**
   * @param replicas every orchestrator replica's API (http://HOST:PORT); the first is asked first
   * @param known the version the listener has now
   * @param listener called with every newer version, on the polling thread (or the caller's, for
   *     {@link #refresh})
   */
  DiscoveryWatcher(List<URI> replicas, LongSupplier known, Consumer<Endpoints> listener) {
    this(replicas, known, listener, null);
  }

  /**
   * @param token sent with every request, when the orchestrator requires one (a viewer's)
   */
  DiscoveryWatcher(
      List<URI> replicas,
      LongSupplier known,
      Consumer<Endpoints> listener,
      @Nullable BearerToken token) {
    this(replicas, known, listener, token, null);
  }

  /**
   * @param token sent with every request, when the orchestrator requires one (a viewer's)
   * @param trust the authorities trusted for {@code https://} replicas ({@code null}: the JDK's)
   */
  DiscoveryWatcher(
      List<URI> replicas,
      LongSupplier known,
      Consumer<Endpoints> listener,
      @Nullable BearerToken token,
      javax.net.ssl.@Nullable SSLContext trust) {
    this.token = token;
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(1));
    if (trust != null) {
      b.sslContext(trust);
    }
    this.http = b.build();
    if (replicas.isEmpty()) {
      throw new IllegalArgumentException(
          "--discovery: empty (expected: at least one orchestrator API, http://HOST:PORT)");
    }
    this.replicas = List.copyOf(replicas);
    this.current = new AtomicReference<>(this.replicas.get(0));
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
        if (!askOnce(known.getAsLong(), WAIT) && roundFailed()) {
          LockSupport.parkNanos(ROUND_PAUSE_NANOS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        log.warn("discovery: {}", e.toString(), e);
        LockSupport.parkNanos(ROUND_PAUSE_NANOS);
      } catch (LinkageError e) {
        // A broken class path: log it where a person looks, and keep trying (never die silently).
        log.error("discovery: {}", e.toString(), e);
        LockSupport.parkNanos(5_000_000_000L);
      }
    }
  }

  private boolean roundFailed() {
    int n = failuresInARow.get();
    return n > 0 && n % replicas.size() == 0;
  }

  /**
   * Asks without waiting, each replica at most once (and its redirects); true when the version the
   * listener holds is newer afterwards than when the call began. Calls made while a refresh is on
   * its way wait for that one instead of asking again, and a call within {@link #REFRESH_GAP} of
   * the last refresh's end asks nothing: every write that fails calls this, and without either a
   * service taking 100 writes a second against a failing writer sent the orchestrator hundreds of
   * requests a second (a zoned lab's cold start: its leader then timed out every discovery request,
   * and the writer region's instances every write).
   */
  boolean refresh() {
    long before = known.getAsLong();
    CompletableFuture<Void> shared;
    boolean mine = false;
    synchronized (refreshes) {
      if (refreshing != null) {
        shared = refreshing;
      } else if (System.nanoTime() - lastRefreshEnded < REFRESH_GAP.toNanos()) {
        return known.getAsLong() > before;
      } else {
        shared = new CompletableFuture<>();
        refreshing = shared;
        mine = true;
      }
    }
    if (mine) {
      try {
        askEveryReplica();
      } finally {
        synchronized (refreshes) {
          refreshing = null;
          lastRefreshEnded = System.nanoTime();
        }
        shared.complete(null);
      }
    } else {
      try {
        shared.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (java.util.concurrent.ExecutionException e) {
        return false; // never: the refresh completes normally
      }
    }
    return known.getAsLong() > before;
  }

  private void askEveryReplica() {
    int tries = replicas.size() * 2;
    try {
      for (int i = 0; i < tries && !askOnce(-1, Duration.ZERO); i++) {
        // askOnce moved on to the next replica
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("discovery: refresh: {}", e.toString());
    }
  }

  /**
   * Asks the current replica once; true when it answered with a version at or above the one held
   * (applied when above), false when the watcher moved on to another replica.
   */
  private HttpRequest signed(HttpRequest.Builder b) {
    BearerToken t = token;
    return (t == null ? b : t.sign(b)).build();
  }

  private boolean askOnce(long version, Duration wait) throws InterruptedException {
    URI target = current.get();
    String query = version < 0 ? "" : "?version=" + version + "&wait=" + wait.toSeconds() + "s";
    HttpResponse<String> r;
    try {
      r =
          http.send(
              signed(
                  HttpRequest.newBuilder(target.resolve("/v1/endpoints" + query))
                      .timeout(wait.plusSeconds(2))),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return moveOn(target, e.toString());
    }
    int status = r.statusCode();
    if (status == 307 || status == 308) {
      return redirected(target, r.headers().firstValue("Location").orElse(null));
    }
    if (status != 200) {
      return moveOn(target, status + " " + r.body());
    }
    return answered(target, r.body());
  }

  private boolean answered(URI target, String body) {
    Endpoints e;
    try {
      e = Endpoints.parse(JSON.readTree(body));
    } catch (IOException | IllegalArgumentException bad) {
      return moveOn(target, "not a discovery document: " + bad.getMessage());
    }
    long held = known.getAsLong();
    if (e.version() < held) {
      log.warn(
          "discovery: {} answered version {} (writer region {}), below version {} held here;"
              + " ignored, asking another replica",
          target,
          e.version(),
          e.writerRegion(),
          held);
      return moveOn(target, "version " + e.version() + " below " + held);
    }
    failuresInARow.set(0);
    if (e.version() > held) {
      listener.accept(e);
    }
    return true;
  }

  private boolean redirected(URI target, @Nullable String location) {
    if (location == null) {
      return moveOn(target, "redirect without a Location");
    }
    URI next = target.resolve(location);
    URI origin = URI.create(next.getScheme() + "://" + next.getRawAuthority());
    log.info("discovery: {} redirects to {}", target, origin);
    failuresInARow.incrementAndGet();
    current.set(origin);
    return false;
  }

  /** Passes {@code target} over for the next replica in the list; always false. */
  private boolean moveOn(URI target, String why) {
    int index = replicas.indexOf(target);
    URI next = replicas.get((index + 1) % replicas.size());
    int failures = failuresInARow.incrementAndGet();
    if (failures == 1) {
      log.info("discovery: {} gave no answer ({}); asking {}", target, why, next);
    } else {
      log.debug("discovery: {} gave no answer ({}); asking {}", target, why, next);
    }
    current.compareAndSet(target, next);
    return false;
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
