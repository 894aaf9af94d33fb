package io.summit.dr.orchestrator.plan;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The plan journal: every plan's start, each step's start and end, and the plan's end, in order.
 * {@link #append} returns once the entry is durable ({@link #appendAsync} lets a caller wait
 * later), so that a step can be journaled as started before it acts and as ended before the next
 * one starts; a new orchestrator (after a crash, or a new leader) reads it back to finish an open
 * plan without repeating a finished step. Implementations are thread-safe.
 */
public interface Journal extends AutoCloseable {
  /**
   * Appends {@code entry} durably.
   *
   * @throws JournalException when the entry could not be made durable; the caller must not act as
   *     if it were journaled
   */
  void append(JournalEntry entry);

  /**
   * Sends {@code entry} without waiting for it to be durable: the entry takes its place in the
   * order now, and the future completes when it is durable, or exceptionally with a {@link
   * JournalException} when it could not be made so. The default appends synchronously.
   */
  default CompletableFuture<Void> appendAsync(JournalEntry entry) {
    try {
      append(entry);
      return CompletableFuture.completedFuture(null);
    } catch (JournalException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Makes ready what appending {@code entry} needs (its encoding), writing nothing: a warm-up
   * ({@link WarmUp}) calls it so that the first real append of a JVM costs no more than the next.
   * The default does nothing.
   */
  default void prepare(JournalEntry entry) {}

  /** Every entry, in the order appended. */
  List<JournalEntry> read();

  /** Where the journal lives, for messages: a file path, or a key prefix in etcd. */
  String describe();

  @Override
  void close();
}
