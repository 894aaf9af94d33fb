package io.summit.dr.orchestrator;

import io.summit.dr.replication.StoreResult;
import java.io.IOException;
import java.util.Optional;

/**
 * Where the platform's writes go: the seam the plan's {@code stop-writes} and {@code route-writes}
 * steps, supervision and {@code verify} act through. The lab's edge router implements it ({@link
 * RouterControl}); on AWS, Route 53 failover records or ARC routing controls do ({@code
 * cloud/aws}'s {@code WriteRouting}).
 *
 * <p>Both actions observe first and answer {@code AlreadyDone} when nothing is to change, so a step
 * that is retried, or resumed by another leader, changes nothing twice. A router that cannot be
 * reached answers {@code Retry}. Implementations are thread-safe.
 */
public interface WriteRouter {

  /**
   * The region writes go to now; empty while writes are stopped.
   *
   * @throws IOException when the router cannot be asked
   */
  Optional<String> writer() throws IOException;

  /**
   * Stops the writes that go to {@code region}; {@code AlreadyDone} when they go elsewhere or
   * nowhere already.
   */
  StoreResult stopWrites(String region);

  /** Sends every write to {@code region}; {@code AlreadyDone} when they go there already. */
  StoreResult routeWrites(String region);

  /** Whether {@link #writeThrough} can be used (the verify step's end-to-end write). */
  default boolean canWriteThrough() {
    return false;
  }

  /**
   * Writes a marker entity through the public entry point and returns the region that took it.
   *
   * @throws IOException when the write is not acknowledged, or {@link #canWriteThrough()} is false
   */
  default String writeThrough(String id) throws IOException {
    throw new IOException("write router: no entry point to write through");
  }
}
