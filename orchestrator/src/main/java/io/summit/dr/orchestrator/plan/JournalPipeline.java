package io.summit.dr.orchestrator.plan;

import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;

/**
 * The journal entries of one plan that were sent and may not be durable yet.
 *
 * <p>A step is idempotent by observed end state, so most entries need not be durable before the
 * plan goes on: a new leader that misses one runs that step again and finds its work done. Sending
 * them without waiting takes one quorum round trip per entry off a failover's critical path. What
 * must be durable first is what decides between rolling back and going on: before a promotion acts,
 * {@link #barrier} waits for every entry sent so far, its own start included; the plan's end waits
 * too. An append that failed (leadership lost, etcd unreachable) is reported by {@link #failure} at
 * the next group and ends the plan. Thread-safe.
 */
final class JournalPipeline {
  private final Journal journal;
  private final Queue<CompletableFuture<Void>> sent = new ConcurrentLinkedQueue<>();

  JournalPipeline(Journal journal) {
    this.journal = journal;
  }

  /** Sends {@code entry}; its place in the journal is taken now. */
  void send(JournalEntry entry) {
    sent.add(journal.appendAsync(entry));
  }

  /** The first failure among the appends that have finished, without waiting for the others. */
  Optional<String> failure() {
    for (CompletableFuture<Void> f : sent) {
      if (f.isCompletedExceptionally()) {
        return Optional.of(reason(f));
      }
    }
    return Optional.empty();
  }

  /**
   * Waits until every entry sent so far is durable.
   *
   * @throws JournalException naming the first entry that could not be made durable
   */
  void barrier() {
    for (CompletableFuture<Void> f : sent) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new JournalException(journal.describe() + ": interrupted at a barrier", e);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof JournalException j
            ? j
            : new JournalException(journal.describe() + ": " + e.getCause(), e);
      }
    }
    sent.removeIf(CompletableFuture::isDone);
  }

  private static String reason(CompletableFuture<Void> f) {
    try {
      f.join();
      return "unknown";
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return String.valueOf(cause.getMessage());
    }
  }
}
