package io.summit.dr.orchestrator.plan;

import java.util.List;

/**
 * The plan journal: every plan's start, each step's start and end, and the plan's end, in order.
 * {@link #append} returns once the entry is durable, so that a step is journaled as started before
 * it acts and as ended before the next one starts; a new orchestrator (after a crash, or a new
 * leader) reads it back to finish an open plan without repeating a finished step. Implementations
 * are thread-safe.
 */
public interface Journal extends AutoCloseable {
  /**
   * Appends {@code entry} durably.
   *
   * @throws JournalException when the entry could not be made durable; the caller must not act as
   *     if it were journaled
   */
  void append(JournalEntry entry);

  /** Every entry, in the order appended. */
  List<JournalEntry> read();

  /** Where the journal lives, for messages: a file path, or a key prefix in etcd. */
  String describe();

  @Override
  void close();
}
