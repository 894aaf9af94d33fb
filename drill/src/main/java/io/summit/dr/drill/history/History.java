package io.summit.dr.drill.history;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A recorder of operations: {@link #invoke} when a client starts one, then exactly one of {@link
 * Pending#ok}, {@link Pending#fail} or {@link Pending#info} (a second completion is refused).
 * Operations never completed (the drill stopped first) are taken as {@code info} by {@link #ops}.
 *
 * <p>Thread-safe.
 */
public final class History {
  private final AtomicLong nextIndex = new AtomicLong();
  private final AtomicLong nextProcess = new AtomicLong(1000);
  private final ConcurrentLinkedQueue<Op> done = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Pending> open = new ConcurrentLinkedQueue<>();

  /** A new process id (for a one-shot client, or after an {@code info}). */
  public long newProcess() {
    return nextProcess.incrementAndGet();
  }

  /** Starts an operation now. */
  public Pending invoke(long process, Op.F f, String key, @Nullable Long value, String client) {
    Pending p =
        new Pending(
            nextIndex.incrementAndGet(),
            process,
            f,
            key,
            value,
            System.nanoTime(),
            Instant.now(),
            client);
    open.add(p);
    return p;
  }

  /** An operation under way. */
  public final class Pending {
    private final long index;
    private final long process;
    private final Op.F f;
    private final String key;
    private final @Nullable Long value;
    private final long invokeNanos;
    private final Instant invokeWall;
    private final String client;
    private final AtomicBoolean completed = new AtomicBoolean();
    private volatile @Nullable Op result;

    private Pending(
        long index,
        long process,
        Op.F f,
        String key,
        @Nullable Long value,
        long invokeNanos,
        Instant invokeWall,
        String client) {
      this.index = index;
      this.process = process;
      this.f = f;
      this.key = key;
      this.value = value;
      this.invokeNanos = invokeNanos;
      this.invokeWall = invokeWall;
      this.client = client;
    }

    /** Done; {@code read} is a read's value (a write keeps the value it wrote). */
    public Op ok(@Nullable Long read, @Nullable Long term, @Nullable String region) {
      return ok(read, term, region, null);
    }

    /** Done, answered by an instance in {@code zone} (null: the answer named none). */
    public Op ok(
        @Nullable Long read, @Nullable Long term, @Nullable String region, @Nullable String zone) {
      return complete(Op.Type.OK, f.isWrite() ? value : read, term, region, null, zone);
    }

    /** Definitely did not happen. */
    public Op fail(String error) {
      return fail(error, null);
    }

    /** Definitely did not happen; the answer, if any, came from {@code zone}. */
    public Op fail(String error, @Nullable String zone) {
      return complete(Op.Type.FAIL, value, null, null, error, zone);
    }

    /** Unknown: may have happened, or may yet. */
    public Op info(String error) {
      return info(error, null);
    }

    /** Unknown; the answer, if any, came from {@code zone}. */
    public Op info(String error, @Nullable String zone) {
      return complete(Op.Type.INFO, value, null, null, error, zone);
    }

    public long process() {
      return process;
    }

    private Op complete(
        Op.Type type,
        @Nullable Long v,
        @Nullable Long term,
        @Nullable String region,
        @Nullable String error,
        @Nullable String zone) {
      if (!completed.compareAndSet(false, true)) {
        throw new IllegalStateException("op " + index + ": completed twice");
      }
      Op op =
          new Op(
              index,
              process,
              f,
              key,
              v,
              invokeNanos,
              invokeWall,
              System.nanoTime(),
              type,
              term,
              region,
              client,
              error,
              zone);
      result = op;
      done.add(op);
      open.remove(this);
      return op;
    }

    private Op unfinished(long now) {
      return new Op(
          index,
          process,
          f,
          key,
          value,
          invokeNanos,
          invokeWall,
          Math.max(now, invokeNanos),
          Op.Type.INFO,
          null,
          null,
          client,
          "never completed",
          null);
    }
  }

  /** Every operation so far, in invocation order; those still open as {@code info}. */
  public List<Op> ops() {
    long now = System.nanoTime();
    List<Pending> stillOpen = List.copyOf(open);
    List<Op> all = new ArrayList<>(done);
    java.util.Set<Long> seen = new java.util.HashSet<>();
    all.forEach(o -> seen.add(o.index()));
    for (Pending p : stillOpen) {
      Op r = p.result;
      if (r == null && !p.completed.get()) {
        all.add(p.unfinished(now));
      } else if (r != null && seen.add(r.index())) {
        all.add(r);
      }
    }
    all.sort(Comparator.comparingLong(Op::index));
    return all;
  }
}
