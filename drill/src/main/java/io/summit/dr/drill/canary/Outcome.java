package io.summit.dr.drill.canary;

import org.jspecify.annotations.Nullable;

/**
 * One canary request as the client saw it: when it was issued and answered (monotonic nanos, on the
 * canary's clock), the status (0 when no response came: refused, reset, timed out), and for a write
 * the region whose stores acknowledged it.
 *
 * @param writerRegion for an acknowledged write, the writer region the service wrote to
 * @param servedRegion the region of the instance that answered
 * @param dataClass for pinned traffic (a request carrying a tenant of a data class), the class's
 *     name; null for every other request
 * @param zone the availability zone of the instance that answered, from its {@code X-Summit-Zone}
 *     header; null when no answer came or it named none
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
    @Nullable String error,
    @Nullable String dataClass,
    @Nullable String zone) {

  /** The response header naming the zone of the instance that answered. */
  public static final String ZONE_HEADER = "X-Summit-Zone";

  /** What the router answers, in its body, when it refuses a request for data residency. */
  public static final String RESIDENCY_REFUSAL = "(data residency)";

  /** A request answered by no instance in a known zone. */
  public Outcome(
      Kind kind,
      long seq,
      String id,
      long issuedNanos,
      long doneNanos,
      int status,
      @Nullable String writerRegion,
      @Nullable String servedRegion,
      @Nullable String error,
      @Nullable String dataClass) {
    this(
        kind,
        seq,
        id,
        issuedNanos,
        doneNanos,
        status,
        writerRegion,
        servedRegion,
        error,
        dataClass,
        null);
  }

  /** An unpinned request. */
  public Outcome(
      Kind kind,
      long seq,
      String id,
      long issuedNanos,
      long doneNanos,
      int status,
      @Nullable String writerRegion,
      @Nullable String servedRegion,
      @Nullable String error) {
    this(kind, seq, id, issuedNanos, doneNanos, status, writerRegion, servedRegion, error, null);
  }

  /** A write (POST) or a read (GET of a seeded record). */
  public enum Kind {
    WRITE,
    READ
  }

  /** A write is acknowledged by a 201; a read succeeds with a 200 carrying the expected record. */
  public boolean ok() {
    return error == null && (kind == Kind.WRITE ? status == 201 : status == 200);
  }

  /**
   * A 503 whose body says the router refused the request for data residency: none of its class's
   * regions could serve it, and it was not served elsewhere. Expected while those regions are down;
   * the request surely had no effect.
   */
  public boolean refusedByResidency() {
    return status == 503 && error != null && error.contains(RESIDENCY_REFUSAL);
  }
}
