package io.summit.dr.orchestrator;

import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreAdapter;
import io.summit.dr.replication.StoreObservation;
import io.summit.dr.replication.StoreResult;
import io.summit.dr.replication.StoreRole;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Store nodes as a table a test sets (role, reachable, lag), for orchestrator logic that does not
 * need real servers (the lab tests cover the real adapters). Operations change the table and are
 * recorded in {@link #operations}.
 */
final class FakeStores implements Stores {
  /** One node's state. */
  static final class Node {
    volatile StoreRole role;
    volatile boolean reachable = true;
    volatile double lagSeconds;
    volatile boolean fenceFails;

    /** How long its fence takes before it answers (a loaded server). */
    volatile java.time.Duration fenceTakes = java.time.Duration.ZERO;

    volatile boolean streaming = true;

    /** Runs at the next observation of this node (then cleared): a fault at an exact moment. */
    volatile @org.jspecify.annotations.Nullable Runnable onNextObserve;

    /** How old the replica's lag figures are when observed (a silent link makes them old). */
    volatile java.time.Duration lagAge = java.time.Duration.ZERO;

    Node(StoreRole role) {
      this.role = role;
    }
  }

  final Map<String, Node> nodes = new ConcurrentHashMap<>();
  final List<String> operations = Collections.synchronizedList(new ArrayList<>());
  private final Clock clock;

  FakeStores(Clock clock) {
    this.clock = clock;
  }

  Node node(String store, String region) {
    return nodes.computeIfAbsent(store + "@" + region, k -> new Node(StoreRole.UNKNOWN));
  }

  @Override
  public StoreAdapter adapter(String store, String region) {
    Node n = node(store, region);
    String id = store + "@" + region;
    return new StoreAdapter() {
      @Override
      public String id() {
        return id;
      }

      @Override
      public StoreObservation observe() {
        Runnable hook = n.onNextObserve;
        n.onNextObserve = null;
        if (hook != null) {
          hook.run();
        }
        if (!n.reachable) {
          return StoreObservation.unreachable(id + ": down", clock.instant());
        }
        boolean replica = n.role == StoreRole.REPLICA;
        return new StoreObservation(
            true,
            n.role,
            replica ? 100L : null,
            replica ? n.lagSeconds : null,
            "0/1",
            null,
            clock.instant(),
            replica && n.streaming,
            replica ? clock.instant().minus(n.lagAge) : null);
      }

      private StoreResult act(String op, StoreRole to) {
        operations.add(op + " " + id);
        if (!n.reachable) {
          return new StoreResult.Retry(id + ": unreachable");
        }
        if (n.role == to) {
          return new StoreResult.AlreadyDone(id + ": " + to);
        }
        n.role = to;
        return new StoreResult.Applied(id + ": " + to);
      }

      @Override
      public StoreResult promote() {
        return act("promote", StoreRole.PRIMARY);
      }

      @Override
      public StoreResult fence() {
        if (!n.fenceTakes.isZero()) {
          try {
            Thread.sleep(n.fenceTakes); // the server's answer, late
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new StoreResult.Retry(id + ": interrupted");
          }
        }
        if (n.fenceFails) {
          operations.add("fence " + id);
          return new StoreResult.Fatal(id + ": fence refused (test)");
        }
        return act("fence", StoreRole.FENCED);
      }

      @Override
      public StoreResult unfence() {
        return act("unfence", StoreRole.PRIMARY);
      }

      @Override
      public StoreResult recordTerm(long term) {
        if (!n.reachable || n.role != StoreRole.PRIMARY) {
          return new StoreResult.Retry(id + ": cannot record term");
        }
        operations.add("term " + term + " " + id);
        return new StoreResult.Applied(id + ": term " + term);
      }

      @Override
      public StoreResult rejoin(Endpoint newPrimary) {
        return act("rejoin", StoreRole.REPLICA);
      }

      @Override
      public StoreResult verifyWrite() {
        return n.reachable && n.role == StoreRole.PRIMARY
            ? new StoreResult.Applied(id + ": wrote")
            : new StoreResult.Retry(id + ": cannot write");
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public Endpoint replicationSource(String store, String replicaRegion, String primaryRegion) {
    return new Endpoint("127.0.0.1", 1);
  }

  @Override
  public Endpoint clientEndpoint(String store, String region) {
    return new Endpoint("127.0.0.1", region.equals("us-west-2") ? 10 : 20);
  }
}
