package io.summit.dr.routing;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A region as the router sees it: its instances (replaced as a whole), whether an operator drained
 * it, and the smoothed round-trip time (EWMA of probe and live-request samples).
 *
 * <p>Thread-safe: the instance list is copy-on-write, the RTT is updated by compare-and-set.
 */
public final class RegionState {
  private static final long NO_SAMPLE = Double.doubleToRawLongBits(Double.NaN);

  private final String name;
  private final List<String> zones;
  private final int index;
  private final double alpha;
  private final AtomicLong rttMillisBits = new AtomicLong(NO_SAMPLE);
  private volatile List<Instance> instances = List.of();
  private volatile boolean drained;

  RegionState(String name, List<String> zones, int index, double alpha) {
    this.name = name;
    this.zones = List.copyOf(zones);
    this.index = index;
    this.alpha = alpha;
  }

  public String name() {
    return name;
  }

  /** The region's availability zones in the topology (empty when it has none). */
  public List<String> zones() {
    return zones;
  }

  /** Position of the region in the router's region list (stable; used to index metrics). */
  public int index() {
    return index;
  }

  public List<Instance> instances() {
    return instances;
  }

  void setInstances(List<Instance> value) {
    instances = List.copyOf(value);
  }

  public boolean isDrained() {
    return drained;
  }

  void setDrained(boolean value) {
    drained = value;
  }

  /** The smoothed RTT in milliseconds, or null before the first sample. */
  public @Nullable Double rttMillis() {
    double v = Double.longBitsToDouble(rttMillisBits.get());
    return Double.isNaN(v) ? null : v;
  }

  /** Folds one RTT sample into the moving average: {@code rtt = alpha*sample + (1-alpha)*rtt}. */
  public void recordRtt(double sampleMillis) {
    while (true) {
      long bits = rttMillisBits.get();
      double old = Double.longBitsToDouble(bits);
      double next = Double.isNaN(old) ? sampleMillis : alpha * sampleMillis + (1 - alpha) * old;
      if (rttMillisBits.compareAndSet(bits, Double.doubleToRawLongBits(next))) {
        return;
      }
    }
  }

  /** Instances that may take requests now. */
  public int availableCount() {
    int n = 0;
    for (Instance i : instances) {
      if (i.isAvailable()) {
        n++;
      }
    }
    return n;
  }

  /** Instances currently ejected by outlier detection. */
  public int ejectedCount() {
    int n = 0;
    for (Instance i : instances) {
      if (i.isEjected()) {
        n++;
      }
    }
    return n;
  }

  /**
   * Whether at least {@code fraction} of the instances are available (and there is at least one).
   * Draining does not make a region unhealthy; it takes it out of read selection.
   */
  public boolean isHealthy(double fraction) {
    List<Instance> all = instances;
    return !all.isEmpty() && availableCount() >= fraction * all.size() - 1e-9;
  }

  @Override
  public String toString() {
    return name
        + "(instances="
        + instances.size()
        + ", available="
        + availableCount()
        + ", drained="
        + drained
        + ", rttMillis="
        + rttMillis()
        + ")";
  }
}
