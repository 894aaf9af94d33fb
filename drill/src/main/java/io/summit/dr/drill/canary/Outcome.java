package io.summit.dr.drill.canary;

import org.jspecify.annotations.Nullable;

/**
 * One canary request as the client saw it: when it was issued and answered (monotonic nanos, on the
 * canary's clock), the status (0 when no response came: refused, reset, timed out), and for a write
 * the region whose stores acknowledged it.
 *
 * @param writerRegion for an acknowledged write, the writer region the service wrote to
 * @param servedRegion the region of the instance that answered
 */
public record Outcome(
    Kind kind,
    long seq,
    String id,
    long issuedNanos,
    long doneNanos,
    int status,
    @Nullable String writerRegion,
    @Nullable String servedRegion,
    @Nullable String error) {

  /** A write (POST) or a read (GET of a seeded record). */
  public enum Kind {
    WRITE,
    READ
  }

  /** A write is acknowledged by a 201; a read succeeds with a 200 carrying the expected record. */
  public boolean ok() {
    return error == null && (kind == Kind.WRITE ? status == 201 : status == 200);
  }
}
