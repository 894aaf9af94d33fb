package io.summit.dr.lab.wan;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The state of the WAN between two regions, shared by every connection crossing it: its one-way
 * latency and jitter, and whether it is cut. A cut link forwards nothing in either direction but
 * keeps its connections open, as a real partition does: peers see silence, not a reset, and the
 * bytes in flight arrive when the link is restored.
 */
public final class LinkState {
  private final String a;
  private final String b;
  private final ReentrantLock lock = new ReentrantLock();
  // run once when the link is next restored (connections and deliveries waiting for it)
  private final List<Runnable> onRestore = new ArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  // accepted connections not yet connected to their target because the link is cut
  private final AtomicInteger waiting = new AtomicInteger();
  private volatile boolean cut;
  private volatile long latencyNanos;
  private volatile long jitterNanos;

  LinkState(String a, String b, long latencyMillis, long jitterMillis) {
    this.a = a;
    this.b = b;
    this.latencyNanos = latencyMillis * 1_000_000L;
    this.jitterNanos = jitterMillis * 1_000_000L;
  }

  public String a() {
    return a;
  }

  public String b() {
    return b;
  }

  public boolean isCut() {
    return cut;
  }

  public long latencyMillis() {
    return latencyNanos / 1_000_000L;
  }

  public long jitterMillis() {
    return jitterNanos / 1_000_000L;
  }

  AtomicInteger connections() {
    return connections;
  }

  AtomicInteger waiting() {
    return waiting;
  }

  void cut() {
    cut = true;
  }

  void restore() {
    List<Runnable> waiting;
    lock.lock();
    try {
      cut = false;
      waiting = List.copyOf(onRestore);
      onRestore.clear();
    } finally {
      lock.unlock();
    }
    waiting.forEach(Runnable::run);
  }

  void setLatency(long millis, long jitterMillis) {
    latencyNanos = millis * 1_000_000L;
    jitterNanos = jitterMillis * 1_000_000L;
  }

  /** The delay a chunk sent now takes to cross the link. */
  long delayNanos() {
    long jitter = jitterNanos;
    return latencyNanos + (jitter > 0 ? ThreadLocalRandom.current().nextLong(jitter + 1) : 0);
  }

  /** Runs {@code action} now if the link is up, else once it is restored. */
  void whenUp(Runnable action) {
    lock.lock();
    try {
      if (cut) {
        onRestore.add(action);
        return;
      }
    } finally {
      lock.unlock();
    }
    action.run();
  }
}
