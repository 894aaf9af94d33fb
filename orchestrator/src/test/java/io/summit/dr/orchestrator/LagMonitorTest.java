package io.summit.dr.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreAdapter;
import io.summit.dr.replication.StoreObservation;
import io.summit.dr.replication.StoreResult;
import io.summit.dr.replication.StoreRole;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Finding 2 of issue 12, Redis side: a lag beyond the adapter's 1 s wait is measured. */
class LagMonitorTest {
  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-11-30T12:00:00Z"));
  private final AtomicLong primaryOffset = new AtomicLong(1000);
  private final AtomicLong replicaOffset = new AtomicLong(1000);
  private final AtomicInteger opened = new AtomicInteger();
  private final AtomicInteger closedAdapters = new AtomicInteger();
  private final AtomicBoolean replicaReachable = new AtomicBoolean(true);

  /** A Redis pair as the adapter reports it: past 1 s behind, bytes known, seconds unknown. */
  private final Stores stores =
      new Stores() {
        @Override
        public StoreAdapter adapter(String store, String region) {
          opened.incrementAndGet();
          return new Node(region.equals("us-west-2"));
        }

        @Override
        public Endpoint replicationSource(String store, String replica, String primary) {
          return new Endpoint("127.0.0.1", 1);
        }

        @Override
        public Endpoint clientEndpoint(String store, String region) {
          return new Endpoint("127.0.0.1", 1);
        }
      };

  private final class Node implements StoreAdapter {
    private final boolean primary;

    Node(boolean primary) {
      this.primary = primary;
    }

    @Override
    public String id() {
      return primary ? "redis@us-west-2" : "redis@us-east-1";
    }

    @Override
    public StoreObservation observe() {
      if (!primary && !replicaReachable.get()) {
        return StoreObservation.unreachable("connection refused", now.get());
      }
      if (primary) {
        return new StoreObservation(
            true,
            StoreRole.PRIMARY,
            null,
            null,
            Long.toString(primaryOffset.get()),
            null,
            now.get());
      }
      long bytes = primaryOffset.get() - replicaOffset.get();
      return new StoreObservation(
          true,
          StoreRole.REPLICA,
          bytes,
          bytes == 0 ? 0.0 : null,
          Long.toString(replicaOffset.get()),
          "not caught up within 1000 ms",
          now.get(),
          true,
          now.get());
    }

    @Override
    public StoreResult promote() {
      throw new UnsupportedOperationException();
    }

    @Override
    public StoreResult fence() {
      throw new UnsupportedOperationException();
    }

    @Override
    public StoreResult unfence() {
      throw new UnsupportedOperationException();
    }

    @Override
    public StoreResult recordTerm(long term) {
      throw new UnsupportedOperationException();
    }

    @Override
    public StoreResult rejoin(Endpoint newPrimary) {
      throw new UnsupportedOperationException();
    }

    @Override
    public StoreResult verifyWrite() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
      closedAdapters.incrementAndGet();
    }
  }

  @Test
  void keepsEachNodesAdapterBetweenPassesAndReplacesAnUnreachableNodesOne() {
    LagMonitor lag = new LagMonitor(stores, List.of("redis"), List.of("us-west-2", "us-east-1"));
    lag.pollOnce();
    lag.pollOnce();
    lag.pollOnce();

    // one adapter per node for three passes (the primary's second look uses its own)
    assertThat(opened).hasValue(2);
    assertThat(closedAdapters).hasValue(0);

    replicaReachable.set(false);
    lag.pollOnce();
    lag.pollOnce();

    // the unreachable replica's adapter is closed after each look and built anew for the next
    assertThat(opened).hasValue(3);
    assertThat(closedAdapters).hasValue(2);
    assertThat(lag.last("redis", "us-east-1").orElseThrow().reachable()).isFalse();

    replicaReachable.set(true);
    lag.pollOnce();
    lag.pollOnce();
    assertThat(opened).hasValue(4);
    assertThat(lag.last("redis", "us-east-1").orElseThrow().reachable()).isTrue();

    lag.close();
    assertThat(closedAdapters).hasValue(opened.get());
  }

  @Test
  void redisLagBeyondOneSecondIsMeasuredNotCapped() {
    LagMonitor lag = new LagMonitor(stores, List.of("redis"), List.of("us-west-2", "us-east-1"));
    lag.pollOnce(); // caught up at 12:00:00, offset 1000
    for (int s = 1; s <= 4; s++) {
      // The primary keeps writing; the replica stays at 1000 (a slow or silent link).
      now.set(now.get().plusSeconds(1));
      primaryOffset.addAndGet(500);
      lag.pollOnce();
    }

    StoreObservation known = lag.lastKnown("redis", "us-east-1").orElseThrow();

    assertThat(known.lagBytes()).isEqualTo(2000L);
    assertThat(known.lagSeconds()).isEqualTo(4.0);
    assertThat(known.detail()).contains("lag from the primary's positions");
  }

  @Test
  void aReplicaBehindEveryRememberedPositionHasNoLagFigure() {
    replicaOffset.set(10);
    LagMonitor lag = new LagMonitor(stores, List.of("redis"), List.of("us-west-2", "us-east-1"));
    lag.pollOnce();

    assertThat(lag.lastKnown("redis", "us-east-1").orElseThrow().lagSeconds()).isNull();
  }
}
