package io.summit.dr.orchestrator.discovery;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.summit.dr.replication.Endpoint;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The "CNAME switch": the writer and reader endpoints of every store, versioned. Applications read
 * it (long-polling for a newer version) and move their connections when the writer region changes.
 * Thread-safe.
 */
public final class Discovery {
  /**
   * What {@code GET /v1/endpoints} returns (JSON fields {@code version, writer_region, stores}).
   */
  public record Snapshot(
      long version,
      @JsonProperty("writer_region") String writerRegion,
      @JsonProperty("term") long term,
      Map<String, StoreEndpoints> stores) {}

  /** One store: its writer, and the reader in each region. */
  public record StoreEndpoints(String writer, Map<String, String> readers) {}

  private final List<String> stores;
  private final List<String> regions;
  private final BiFunction<String, String, Endpoint> address;
  private final Consumer<Snapshot> onPublish;
  private Snapshot current;
  // Long polls in progress, by the version their client has.
  private final java.util.TreeMap<Long, Integer> following = new java.util.TreeMap<>();

  /**
   * @param address where applications reach a store in a region
   */
  public Discovery(
      List<String> stores,
      List<String> regions,
      String writerRegion,
      BiFunction<String, String, Endpoint> address) {
    this(stores, regions, writerRegion, 1, 1, address, s -> {});
  }

  /**
   * Discovery that goes on from a version published before (by this orchestrator before a restart,
   * or by another replica): the next version is {@code version + 1}, never lower.
   *
   * @param onPublish called with each new snapshot before any application can see it (to make the
   *     version durable); when it throws, nothing is published
   */
  public Discovery(
      List<String> stores,
      List<String> regions,
      String writerRegion,
      long version,
      long term,
      BiFunction<String, String, Endpoint> address,
      Consumer<Snapshot> onPublish) {
    this.stores = List.copyOf(stores);
    this.regions = List.copyOf(regions);
    this.address = address;
    this.onPublish = onPublish;
    this.current = build(version, writerRegion, term);
  }

  private Snapshot build(long version, String writer, long term) {
    Map<String, StoreEndpoints> out = new LinkedHashMap<>();
    for (String store : stores) {
      Map<String, String> readers = new LinkedHashMap<>();
      regions.forEach(r -> readers.put(r, address.apply(store, r).toString()));
      out.put(store, new StoreEndpoints(address.apply(store, writer).toString(), readers));
    }
    return new Snapshot(version, writer, term, out);
  }

  public synchronized Snapshot snapshot() {
    return current;
  }

  /** Publishes {@code writerRegion} as the writer of every store; false when it already was. */
  public synchronized boolean publish(String writerRegion) {
    return publish(writerRegion, current.term());
  }

  /**
   * Publishes {@code writerRegion} under writer term {@code term}; false when both are published
   * already.
   */
  public synchronized boolean publish(String writerRegion, long term) {
    if (current.writerRegion().equals(writerRegion) && current.term() == term) {
      return false;
    }
    Snapshot next = build(current.version() + 1, writerRegion, term);
    onPublish.accept(next);
    current = next;
    notifyAll();
    return true;
  }

  /**
   * The snapshot once its version is above {@code version}, or the current one after {@code wait}.
   */
  public synchronized Snapshot await(long version, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (current.version() <= version) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return current;
  }

  /**
   * Counts a client that follows discovery (a long poll that has {@code version}) until {@link
   * #answered}: {@link #awaitAnswered} waits for those behind a new version.
   */
  public synchronized void following(long version) {
    following.merge(version, 1, Integer::sum);
  }

  /** The client counted by {@link #following} with {@code version} has been sent its answer. */
  public synchronized void answered(long version) {
    following.computeIfPresent(version, (v, n) -> n == 1 ? null : n - 1);
    notifyAll();
  }

  /**
   * Waits until every client that was following an older version has been answered (so that the
   * applications move their connections before writes are routed to the new writer), at most {@code
   * max}; returns how many were still unanswered.
   */
  public synchronized int awaitAnswered(Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (true) {
      int behind = following.headMap(current.version()).values().stream().mapToInt(n -> n).sum();
      long left = deadline - System.nanoTime();
      if (behind == 0 || left <= 0) {
        return behind;
      }
      java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }
}
