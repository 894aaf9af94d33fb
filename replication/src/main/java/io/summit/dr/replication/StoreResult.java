package io.summit.dr.replication;

/**
 * The outcome of a store operation. {@link AlreadyDone} means the target state held before the
 * call, so a retried operation reports it instead of acting twice.
 */
public sealed interface StoreResult {
  String detail();

  /** The operation changed the store and the target state now holds. */
  record Applied(String detail) implements StoreResult {}

  /** The target state already held; nothing was changed. */
  record AlreadyDone(String detail) implements StoreResult {}

  /** The operation did not reach its target state but may on a later attempt. */
  record Retry(String detail) implements StoreResult {}

  /** The operation cannot succeed as asked (wrong role, missing prerequisite). */
  record Fatal(String detail) implements StoreResult {}

  default boolean succeeded() {
    return this instanceof Applied || this instanceof AlreadyDone;
  }
}
