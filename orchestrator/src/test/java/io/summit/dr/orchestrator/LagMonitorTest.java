package io.summit.dr.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreAdapter;
import io.summit.dr.replication.StoreObservation;
import io.summit.dr.replication.StoreResult;
import io.summit.dr.replication.StoreRole;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Finding 2 of issue 12, Redis side: a lag beyond the adapter's 1 s wait is measured. */
class LagMonitorTest {
  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-11-30T12:00:00Z"));
  private final AtomicLong primaryOffset = new AtomicLong(1000);
  private final AtomicLong replicaOffset = new AtomicLong(1000);

  /** A Redis pair as the adapter reports it: past 1 s behind, bytes known, seconds unknown. */
  private final Stores stores =
      new Stores() {
        @Override
        public StoreAdapter adapter(String store, String region) {
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
    public void close() {}
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
