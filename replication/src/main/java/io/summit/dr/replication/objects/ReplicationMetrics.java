package io.summit.dr.replication.objects;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One replication direction's figures in the style of S3 Replication Time Control: latency of the
 * last {@value #WINDOW} copies (time from the source version's creation to its copy), operations
 * and bytes pending, the age of the oldest pending version, and when the last pass finished (a
 * stale pass means the figures are old: the link is cut or the peer is down). Thread-safe.
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
      @Nullable Instant lastPassAt,
      @Nullable Instant lastCompletePassStartedAt,
      @Nullable String lastError) {}

  private final String source;
  private final String destination;
  private final long[] latencies = new long[WINDOW];
  private int count;
  private long completed;
  private long failed;
  private long replicas;
  private long pendingOperations;
  private long pendingBytes;
  private @Nullable Instant oldestPending;
  private @Nullable Instant lastPassAt;
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

  synchronized void pending(long operations, long bytes, @Nullable Instant oldest) {
    pendingOperations = operations;
    pendingBytes = bytes;
    oldestPending = oldest;
  }

  synchronized void passEnded(Instant at, Instant startedAt, @Nullable String error) {
    if (error == null) {
      lastPassAt = at;
      lastCompletePassStartedAt = startedAt;
    }
    lastError = error;
  }

  public synchronized Snapshot snapshot(Instant now) {
    long[] window = Arrays.copyOf(latencies, Math.min(count, WINDOW));
    Arrays.sort(window);
    return new Snapshot(
        source,
        destination,
        pendingOperations,
        pendingBytes,
        oldestPending == null ? null : Duration.between(oldestPending, now),
        percentile(window, 0.50),
        percentile(window, 0.99),
        completed,
        failed,
        replicas,
        lastPassAt,
        lastCompletePassStartedAt,
        lastError);
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
