package io.summit.dr.routing;

import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * One backend of a region and its live state: active health (set by the prober), passive ejection
 * (set by the outlier detector), and the number of requests in flight.
 *
 * <p>Thread-safe. The counters are updated by the I/O threads; health and ejection by the health
 * checker; everybody reads.
 */
public final class Instance {
  private final String region;
  private final Endpoint endpoint;
  private final @Nullable String zone;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger consecutiveErrors = new AtomicInteger();
  private volatile boolean up = true;
  private volatile long ejectedUntilNanos;
  private volatile boolean ejected;
  private volatile boolean retired;

  /** A new instance starts up (optimistic): the first failed probes or requests take it out. */
  public Instance(String region, Endpoint endpoint) {
    this(region, endpoint, null);
  }

  /** A new instance in {@code zone} (null: not known). */
  public Instance(String region, Endpoint endpoint, @Nullable String zone) {
    this.region = region;
    this.endpoint = endpoint;
    this.zone = zone;
  }

  public String region() {
    return region;
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  /** The availability zone its registration named, or null. */
  public @Nullable String zone() {
    return zone;
  }

  /** Requests currently sent to this instance and not yet answered. */
  public int inFlight() {
    return inFlight.get();
  }

  public void requestStarted() {
    inFlight.incrementAndGet();
  }

  public void requestEnded() {
    inFlight.decrementAndGet();
  }

  /** Whether the active health check considers the instance up. */
  public boolean isUp() {
    return up;
  }

  /** Set by the active health checker. */
  public void setUp(boolean value) {
    up = value;
  }

  /** Whether passive outlier detection has taken the instance out (until the ejection ends). */
  public boolean isEjected() {
    return ejected;
  }

  /** Monotonic time at which the current ejection ends; meaningful only while ejected. */
  public long ejectedUntilNanos() {
    return ejectedUntilNanos;
  }

  /** Set by outlier detection. */
  public void eject(long untilNanos) {
    ejectedUntilNanos = untilNanos;
    ejected = true;
  }

  /** Ends an ejection (outlier detection). */
  public void restore() {
    ejected = false;
  }

  /** Consecutive errors seen by outlier detection (5xx answers and connection errors). */
  public AtomicInteger consecutiveErrors() {
    return consecutiveErrors;
  }

  /** Whether the instance was removed from its region (its pooled connections are closed). */
  public boolean isRetired() {
    return retired;
  }

  void retire() {
    retired = true;
  }

  /** Whether requests may be sent: up, not ejected, not retired. */
  public boolean isAvailable() {
    return up && !ejected && !retired;
  }

  @Override
  public String toString() {
    return region
        + "/"
        + endpoint
        + (zone == null ? "" : "@" + zone)
        + "(up="
        + up
        + ", ejected="
        + ejected
        + ", inFlight="
        + inFlight
        + ")";
  }
}
