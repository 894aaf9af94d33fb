package io.summit.dr.stores.neo4j;

/**
 * One committed transaction's change: its sequence number (commit order, no gaps), its commit time
 * in epoch milliseconds, and its {@link Ops} as JSON.
 */
public record OutboxEntry(long seq, long at, String ops) {
  public OutboxEntry {
    if (seq < 1) {
      throw new IllegalArgumentException("seq: " + seq + " (expected: >= 1)");
    }
  }
}
