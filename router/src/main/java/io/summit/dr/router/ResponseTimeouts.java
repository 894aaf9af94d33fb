package io.summit.dr.router;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The response timeouts of the exchanges of one event loop. Every exchange waits the same time, so
 * deadlines are armed in increasing order: a FIFO queue checked by a periodic tick replaces a
 * scheduled task (and its priority-queue insert and removal) per request. A timeout fires between
 * its deadline and one tick later. Disarmed entries leave the queue when they reach its head, or in
 * a sweep when it grows large (a response head that takes long keeps those behind it queued).
 * Confined to its event loop.
 */
final class ResponseTimeouts {
  private static final int SWEEP_SIZE = 1 << 16;

  private record Armed(Exchange exchange, long deadline) {}

  private final ArrayDeque<Armed> queue = new ArrayDeque<>();
  private final long timeoutNanos;
  private final ScheduledFuture<?> tick;

  ResponseTimeouts(EventLoop loop, Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
    long period = Math.clamp(timeoutNanos / 10, 1_000_000L, 100_000_000L);
    this.tick = loop.scheduleAtFixedRate(this::expire, period, period, TimeUnit.NANOSECONDS);
  }

  /** Arms a timeout for {@code exchange}; returns its deadline, the key of {@link #expire}. */
  long arm(Exchange exchange) {
    long deadline = System.nanoTime() + timeoutNanos;
    if (queue.size() >= SWEEP_SIZE) {
      queue.removeIf(a -> !a.exchange().isArmed(a.deadline()));
    }
    queue.addLast(new Armed(exchange, deadline));
    return deadline;
  }

  private void expire() {
    long now = System.nanoTime();
    Armed a;
    while ((a = queue.peekFirst()) != null) {
      if (a.exchange().isArmed(a.deadline())) {
        if (now - a.deadline() < 0) {
          return;
        }
        queue.pollFirst();
        a.exchange().onUpstreamFailure(Exchange.Failure.TIMEOUT);
      } else {
        queue.pollFirst();
      }
    }
  }

  void close() {
    tick.cancel(false);
    queue.clear();
  }
}
