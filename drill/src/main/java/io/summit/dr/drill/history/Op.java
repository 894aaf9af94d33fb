package io.summit.dr.drill.history;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One completed operation of a history: its invocation and its single completion.
 *
 * @param process the client process; a process runs one operation at a time, and takes a new id
 *     after an {@code info}
 * @param f what the operation does
 * @param key the entity id or register key
 * @param value for a write the value written; for an {@code ok} read the value read (null: the key
 *     held nothing)
 * @param invokeNanos when it was invoked (monotonic nanos, on the drill's clock)
 * @param completeNanos when its completion was seen; for an {@code info}, when the client gave up
 *     (the operation may take effect at any time after its invocation)
 * @param type {@link Type#OK}, {@link Type#FAIL} or {@link Type#INFO}
 * @param term the writer term the service routed it with, where known
 * @param region the writer region that acknowledged a write, or the region that served a read
 * @param client where the client stood: {@code edge} (through the global router) or a region
 *     (calling that region's service directly)
 * @param error why it failed or is unknown
 * @param zone the availability zone of the instance that answered (its {@code X-Summit-Zone}
 *     header), whatever the answer; null when no answer named one
 */
public record Op(
    long index,
    long process,
    F f,
    String key,
    @Nullable Long value,
    long invokeNanos,
    Instant invokeWall,
    long completeNanos,
    Type type,
    @Nullable Long term,
    @Nullable String region,
    String client,
    @Nullable String error,
    @Nullable String zone) {

  /** The completion kinds (an invocation is implied by every op). */
  public enum Type {
    OK,
    FAIL,
    INFO
  }

  /**
   * What an operation does: an entity insert or read, a register overwrite, a strong register read
   * (at the writer's primary) or a local one (at the serving region's own node).
   */
  public enum F {
    WRITE,
    READ,
    REGISTER_WRITE,
    REGISTER_READ,
    REGISTER_READ_LOCAL;

    public boolean isWrite() {
      return this == WRITE || this == REGISTER_WRITE;
    }

    public boolean isRegister() {
      return this != WRITE && this != READ;
    }
  }

  public Op {
    if (completeNanos < invokeNanos) {
      throw new IllegalArgumentException(
          "op " + index + ": completes before it is invoked (expected: complete >= invoke)");
    }
  }

  public boolean ok() {
    return type == Type.OK;
  }

  /** A short text for a violation's window. */
  public String describe(long t0Nanos) {
    return String.format(
        java.util.Locale.ROOT,
        "#%d p%d %s %s %s=%s [%+.3fs, %+.3fs] %s%s%s%s",
        index,
        process,
        client,
        f.name().toLowerCase(java.util.Locale.ROOT),
        key,
        value,
        (invokeNanos - t0Nanos) / 1e9,
        (completeNanos - t0Nanos) / 1e9,
        type.name().toLowerCase(java.util.Locale.ROOT),
        term == null ? "" : " term " + term,
        region == null ? "" : " by " + region,
        zone == null ? "" : " in " + zone);
  }
}
