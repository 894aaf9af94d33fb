package io.summit.dr.replication.objects;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One replication direction's figures in the style of S3 Replication Time Control: latency of the
 * last {@value #WINDOW} copies (time from the source version's creation to its copy), operations
 * and bytes pending, the age of the oldest pending version, when both buckets last answered (a
 * stale contact means the figures are old: the link is cut or the peer is down) and when the last
 * complete pass began. Thread-safe.
 */
public final class ReplicationMetrics {
  static final int WINDOW = 4096;

  /** A look at the figures. Latencies in milliseconds; null when nothing was copied yet. */
  public record Snapshot(
      String source,
      String destination,
      long pendingOperations,
      long pendingBytes,
      @Nullable Duration oldestPendingAge,
      @Nullable Long latencyP50Millis,
      @Nullable Long latencyP99Millis,
      long completed,
      long failed,
      long replicas,
      @Nullable Instant lastContactAt,
      @Nullable Instant lastCompletePassStartedAt,
      @Nullable String lastError) {}

  /** What is pending now: operations, bytes, and when the oldest of them was written. */
  record Pending(long operations, long bytes, @Nullable Instant oldest) {
    static final Pending NONE = new Pending(0, 0, null);
  }

  private final String source;
  private final String destination;
  private final long[] latencies = new long[WINDOW];
  private int count;
  private long completed;
  private long failed;
  private long replicas;
  private Supplier<Pending> pending = () -> Pending.NONE;
  // when both buckets last answered (a pass, a batch of events or a heartbeat without error)
  private @Nullable Instant lastContactAt;
  // when the last pass that settled everything began listing: the destination has every version
  // the source held then
  private @Nullable Instant lastCompletePassStartedAt;
  private @Nullable String lastError;

  public ReplicationMetrics(String source, String destination) {
    this.source = source;
    this.destination = destination;
  }

  synchronized void copied(Duration latency) {
    latencies[count % WINDOW] = Math.max(0, latency.toMillis());
    count++;
    completed++;
  }

  synchronized void failed() {
    failed++;
  }

  synchronized void replica() {
    replicas++;
  }

  /** Where the pending figures come from (computed when a snapshot is taken). */
  synchronized void pendingFrom(Supplier<Pending> source) {
    pending = source;
  }

  /** A full pass ended: without error, the destination holds what the source held at start. */
  synchronized void passEnded(Instant at, Instant startedAt, @Nullable String error) {
    if (error == null) {
      lastContactAt = at;
      lastCompletePassStartedAt = startedAt;
    }
    lastError = error;
  }

  /** A batch of events or a heartbeat reached both buckets ({@code error} null) or not. */
  synchronized void contact(Instant at, @Nullable String error) {
    if (error == null) {
      lastContactAt = at;
    }
    lastError = error;
  }

  public synchronized Snapshot snapshot(Instant now) {
    long[] window = Arrays.copyOf(latencies, Math.min(count, WINDOW));
    Arrays.sort(window);
    Pending p = pending.get();
    Instant oldest = p.oldest();
    return new Snapshot(
        source,
        destination,
        p.operations(),
        p.bytes(),
        oldest == null ? null : max(Duration.ZERO, Duration.between(oldest, now)),
        percentile(window, 0.50),
        percentile(window, 0.99),
        completed,
        failed,
        replicas,
        lastContactAt,
        lastCompletePassStartedAt,
        lastError);
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static @Nullable Long percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return null;
    }
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  /** The figures in Prometheus text format, labelled by source and destination region. */
  public static String prometheus(Iterable<Snapshot> snapshots) {
    StringBuilder out = new StringBuilder();
    out.append("# TYPE summit_objects_replication_latency_seconds gauge\n");
    out.append("# TYPE summit_objects_pending_operations gauge\n");
    out.append("# TYPE summit_objects_pending_bytes gauge\n");
    out.append("# TYPE summit_objects_oldest_pending_age_seconds gauge\n");
    out.append("# TYPE summit_objects_replicated_total counter\n");
    out.append("# TYPE summit_objects_failed_total counter\n");
    for (Snapshot s : snapshots) {
      String l = "source=\"" + s.source() + "\",destination=\"" + s.destination() + "\"";
      if (s.latencyP50Millis() != null && s.latencyP99Millis() != null) {
        line(
            out,
            "summit_objects_replication_latency_seconds",
            l + ",quantile=\"0.5\"",
            s.latencyP50Millis() / 1000.0);
        line(
            out,
            "summit_objects_replication_latency_seconds",
            l + ",quantile=\"0.99\"",
            s.latencyP99Millis() / 1000.0);
      }
      line(out, "summit_objects_pending_operations", l, s.pendingOperations());
      line(out, "summit_objects_pending_bytes", l, s.pendingBytes());
      Duration age = s.oldestPendingAge();
      line(
          out,
          "summit_objects_oldest_pending_age_seconds",
          l,
          age == null ? 0 : age.toMillis() / 1000.0);
      line(out, "summit_objects_replicated_total", l, s.completed());
      line(out, "summit_objects_failed_total", l, s.failed());
    }
    return out.toString();
  }

  private static void line(StringBuilder out, String name, String labels, double value) {
    out.append(name).append('{').append(labels).append("} ");
    out.append(String.format(Locale.ROOT, "%s", value)).append('\n');
  }
}
