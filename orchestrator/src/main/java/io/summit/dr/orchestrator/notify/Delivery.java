package io.summit.dr.orchestrator.notify;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One receiver's queue and the thread that empties it, in order, with retries (Failsafe): a 429 or
 * 5xx answer, or none within the timeout, is tried again after a growing delay (a {@code
 * Retry-After} of up to {@link #RETRY_AFTER_MAX} is honoured); any other 4xx is not. The queue is
 * bounded: when a receiver stays down that long, the oldest notice waiting is dropped (counted and
 * logged) rather than the orchestrator's memory. Nothing here blocks the caller of {@link #offer}.
 */
final class Delivery implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Delivery.class);

  /** Notices a receiver may have waiting. */
  static final int QUEUE = 1000;

  /** The longest {@code Retry-After} honoured; a longer one waits this long. */
  static final Duration RETRY_AFTER_MAX = Duration.ofSeconds(30);

  /** What became of one notice. */
  record Outcome(String receiver, Notice notice, boolean delivered, int attempts, String detail) {}

  private final String name;
  private final URI uri;
  private final Map<String, String> headers;
  private final Function<Notice, String> body;
  private final Duration timeout;
  private final HttpClient http;
  private final RetryPolicy<HttpResponse<String>> retry;
  private final java.util.function.Consumer<Outcome> report;
  private final BlockingDeque<Notice> queue = new LinkedBlockingDeque<>(QUEUE);
  private final AtomicLong dropped = new AtomicLong();
  private final Thread worker;

  Delivery(
      String name,
      URI uri,
      Map<String, String> headers,
      Function<Notice, String> body,
      Duration timeout,
      int retries,
      HttpClient http,
      java.util.function.Consumer<Outcome> report) {
    this.name = name;
    this.uri = uri;
    this.headers = Map.copyOf(headers);
    this.body = body;
    this.timeout = timeout;
    this.http = http;
    this.report = report;
    this.retry =
        RetryPolicy.<HttpResponse<String>>builder()
            .handle(IOException.class)
            .handleResultIf(r -> retryable(r.statusCode()))
            .withBackoff(Duration.ofMillis(250), Duration.ofSeconds(15))
            .withDelayFn(c -> retryAfter(c.getLastResult()))
            .withMaxRetries(retries)
            .build();
    this.worker = Thread.ofVirtual().name("notify-" + name).start(this::run);
  }

  String name() {
    return name;
  }

  /** Queues {@code n}; drops the oldest waiting notice when the queue is full. */
  void offer(Notice n) {
    while (!queue.offerLast(n)) {
      Notice old = queue.pollFirst();
      if (old != null) {
        long d = dropped.incrementAndGet();
        log.warn(
            "notify {}: queue full ({} waiting), dropped event {} {} ({} dropped so far)",
            name,
            QUEUE,
            old.eventId(),
            old.type(),
            d);
      }
    }
  }

  long dropped() {
    return dropped.get();
  }

  private void run() {
    while (!Thread.currentThread().isInterrupted()) {
      Notice n;
      try {
        n = queue.takeFirst();
      } catch (InterruptedException e) {
        return;
      }
      report.accept(send(n));
    }
  }

  Outcome send(Notice n) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("User-Agent", "summit-dr")
            .POST(HttpRequest.BodyPublishers.ofString(body.apply(n)));
    headers.forEach(request::header);
    HttpRequest built = request.build();
    int[] attempts = {0};
    try {
      HttpResponse<String> r =
          Failsafe.with(retry)
              .get(
                  () -> {
                    attempts[0]++;
                    return http.send(built, HttpResponse.BodyHandlers.ofString());
                  });
      boolean ok = r.statusCode() / 100 == 2;
      return new Outcome(
          name, n, ok, attempts[0], "HTTP " + r.statusCode() + (ok ? "" : ": " + clip(r.body())));
    } catch (FailsafeException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return new Outcome(name, n, false, attempts[0], String.valueOf(cause));
    }
  }

  static boolean retryable(int status) {
    return status == 429 || status >= 500;
  }

  /** The answer's {@code Retry-After} in seconds, at most {@link #RETRY_AFTER_MAX}; else none. */
  static Duration retryAfter(@Nullable HttpResponse<String> last) {
    if (last == null) {
      return Duration.ofMillis(-1);
    }
    return last.headers()
        .firstValue("Retry-After")
        .flatMap(
            v -> {
              try {
                long s = Long.parseLong(v.strip());
                return java.util.Optional.of(s < 0 ? Duration.ofMillis(-1) : Duration.ofSeconds(s));
              } catch (NumberFormatException e) {
                return java.util.Optional.empty(); // an HTTP date: the backoff's delay instead
              }
            })
        .map(d -> d.compareTo(RETRY_AFTER_MAX) > 0 ? RETRY_AFTER_MAX : d)
        .orElse(Duration.ofMillis(-1));
  }

  private static String clip(String s) {
    String one = s.strip().replaceAll("\\s+", " ");
    return one.length() <= 200 ? one : one.substring(0, 200) + "…";
  }

  @Override
  public void close() {
    worker.interrupt();
  }
}
