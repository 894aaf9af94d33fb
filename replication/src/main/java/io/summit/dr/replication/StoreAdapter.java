package io.summit.dr.replication;

/**
 * Supervises one store node (one region's copy of a data store). Every operation is idempotent and
 * judged by the observed end state: it first observes, returns {@link StoreResult.AlreadyDone} when
 * the target state holds, and otherwise acts and returns {@link StoreResult.Applied}. Errors
 * reaching the store come back as {@link StoreResult.Retry}; a request that cannot succeed (rejoin
 * onto itself) as {@link StoreResult.Fatal}. Implementations are thread-safe.
 *
 * <p>The interface fits stores beyond PostgreSQL and Redis: a Neo4j adapter can promote a replica
 * fed by change capture or snapshots, and a versioned object store can fence a bucket with a
 * deny-write policy and rejoin it by reversing the replication rule.
 */
public interface StoreAdapter extends AutoCloseable {
  /** The store node's id, e.g. {@code postgres@us-east-1}. */
  String id();

  /** Looks at the store: reachable, role, lag, position. Never throws for an unreachable store. */
  StoreObservation observe();

  /** Makes this node the primary of its store. */
  StoreResult promote();

  /** Stops this (old) primary from accepting writes; reads keep working. */
  StoreResult fence();

  /**
   * Undoes {@link #fence()}: a fenced primary takes writes again. {@code AlreadyDone} when the node
   * is an unfenced primary; {@code Fatal} for a replica (promotion, not unfencing, makes a replica
   * writable). Used to roll back a plan that stopped before promotion, and by a region agent that
   * regains its lease while its region is still the writer.
   */
  StoreResult unfence();

  /** Turns this node into a replica of {@code newPrimary}, reached at that address. */
  StoreResult rejoin(Endpoint newPrimary);

  /**
   * Records {@code term} as this primary's writer term ({@link WriterTerm}): from then on it
   * refuses writes that carry an older term. Raising only; {@code AlreadyDone} when it holds that
   * term or a newer one.
   */
  StoreResult recordTerm(long term);

  /** Writes a marker (a row, a key) to prove this node takes writes now. */
  StoreResult verifyWrite();

  @Override
  void close();
}
