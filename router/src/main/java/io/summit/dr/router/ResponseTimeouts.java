package io.summit.dr.router;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The response timeouts of the exchanges of one event loop. Every exchange waits the same time, so
 * deadlines are armed in increasing order: an intrusive doubly-linked list (the links are fields of
 * {@link Exchange}) checked by a periodic tick replaces a scheduled task (and its priority-queue
 * insert and removal) per request. Arming appends, disarming unlinks, both O(1) and without
 * allocation, and an answered exchange leaves the list at once (a queue of entries that leave only
 * when they reach its head kept every exchange of the last tick reachable, for the young GC to
 * copy). A timeout fires between its deadline and one tick later. Confined to its event loop.
 */
final class ResponseTimeouts {
  private final long timeoutNanos;
  private final ScheduledFuture<?> tick;
  private @Nullable Exchange head;
  private @Nullable Exchange tail;

  ResponseTimeouts(EventLoop loop, Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
    long period = Math.clamp(timeoutNanos / 10, 1_000_000L, 100_000_000L);
    this.tick = loop.scheduleAtFixedRate(this::expire, period, period, TimeUnit.NANOSECONDS);
  }

  /** Arms (or re-arms) the timeout of {@code e}, from {@code now} (the clock). */
  void arm(Exchange e, long now) {
    disarm(e);
    e.timeoutDeadline = now + timeoutNanos;
    e.timeoutArmed = true;
    Exchange t = tail;
    e.timeoutPrev = t;
    e.timeoutNext = null;
    if (t == null) {
      head = e;
    } else {
      t.timeoutNext = e;
    }
    tail = e;
  }

  /** Disarms the timeout of {@code e}, if armed. */
  void disarm(Exchange e) {
    if (!e.timeoutArmed) {
      return;
    }
    e.timeoutArmed = false;
    Exchange prev = e.timeoutPrev;
    Exchange next = e.timeoutNext;
    if (prev == null) {
      head = next;
    } else {
      prev.timeoutNext = next;
    }
    if (next == null) {
      tail = prev;
    } else {
      next.timeoutPrev = prev;
    }
    e.timeoutPrev = null;
    e.timeoutNext = null;
  }

  private void expire() {
    long now = System.nanoTime();
    Exchange e;
    while ((e = head) != null && now - e.timeoutDeadline >= 0) {
      disarm(e);
      e.onUpstreamFailure(Exchange.Failure.TIMEOUT);
    }
  }

  void close() {
    tick.cancel(false);
    Exchange e;
    while ((e = head) != null) {
      disarm(e);
    }
  }
}
