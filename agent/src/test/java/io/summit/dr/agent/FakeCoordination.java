package io.summit.dr.agent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * An in-memory etcd for the agent's unit tests: keys with revisions, leases that never expire by
 * themselves.
 */
final class FakeCoordination implements Coordination {
  private final Map<String, Versioned> keys = new HashMap<>();
  private final Map<String, Long> keyLease = new HashMap<>();
  private final Set<Long> leases = new HashSet<>();
  private final List<CompletableFuture<Renewal>> heldRenewals = new ArrayList<>();
  private long revision;
  private long nextLease = 0x1000;
  boolean unreachable;
  boolean holdRenewals;
  int grants;
  int keepAlives;
  Runnable onGrant = () -> {};
  Runnable onGet = () -> {};
  Runnable onPut = () -> {};

  synchronized void putWriter(String region, long term) {
    put("/summit-dr/t/writer", new Writer(region, term).toJson(), 0);
  }

  synchronized Optional<Versioned> key(String key) {
    return Optional.ofNullable(keys.get(key));
  }

  synchronized Optional<Long> leaseOf(String key) {
    return Optional.ofNullable(keyLease.get(key));
  }

  /** Revokes as an orchestrator would, from outside the agent. */
  synchronized void revokeFromOutside(long leaseId) {
    dropLease(leaseId);
  }

  /** Completes the keep-alives held back since {@link #holdRenewals} was set. */
  synchronized void answerHeldRenewals() {
    heldRenewals.forEach(f -> f.complete(new Renewed(Duration.ofSeconds(1))));
    heldRenewals.clear();
  }

  /** Completes the oldest keep-alive held back since {@link #holdRenewals} was set. */
  synchronized void answerOldestHeldRenewal() {
    heldRenewals.remove(0).complete(new Renewed(Duration.ofSeconds(1)));
  }

  @Override
  public synchronized CompletableFuture<Optional<Versioned>> get(String key) {
    if (unreachable) {
      return down("get");
    }
    onGet.run();
    return CompletableFuture.completedFuture(key(key));
  }

  @Override
  public synchronized CompletableFuture<Lease> grant(Duration ttl) {
    if (unreachable) {
      return down("grant");
    }
    grants++;
    long id = nextLease++;
    leases.add(id);
    onGrant.run();
    return CompletableFuture.completedFuture(new Lease(id, ttl));
  }

  @Override
  public synchronized CompletableFuture<Boolean> putIfUnchanged(
      String key, String value, long leaseId, String guardKey, long guardRevision) {
    if (unreachable) {
      return down("put");
    }
    onPut.run();
    Versioned guard = keys.get(guardKey);
    if (guard == null || guard.modRevision() != guardRevision || !leases.contains(leaseId)) {
      return CompletableFuture.completedFuture(false);
    }
    put(key, value, leaseId);
    return CompletableFuture.completedFuture(true);
  }

  @Override
  public synchronized CompletableFuture<Renewal> keepAliveOnce(long leaseId) {
    keepAlives++;
    if (unreachable) {
      return down("keep-alive");
    }
    if (!leases.contains(leaseId)) {
      return CompletableFuture.completedFuture(new LeaseGone("lease " + leaseId + " not found"));
    }
    if (holdRenewals) {
      CompletableFuture<Renewal> later = new CompletableFuture<>();
      heldRenewals.add(later);
      return later;
    }
    return CompletableFuture.completedFuture(new Renewed(Duration.ofSeconds(1)));
  }

  @Override
  public synchronized CompletableFuture<Void> revoke(long leaseId) {
    if (unreachable) {
      return down("revoke");
    }
    dropLease(leaseId);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void close() {}

  private void put(String key, String value, long leaseId) {
    keys.put(key, new Versioned(value, ++revision));
    if (leaseId != 0) {
      keyLease.put(key, leaseId);
    }
  }

  private void dropLease(long leaseId) {
    leases.remove(leaseId);
    keyLease
        .entrySet()
        .removeIf(
            e -> {
              if (e.getValue() == leaseId) {
                keys.remove(e.getKey());
                return true;
              }
              return false;
            });
  }

  private static <T> CompletableFuture<T> down(String what) {
    return CompletableFuture.failedFuture(
        new CoordinationUnavailableException(
            "fake etcd: " + what + ": no quorum", new RuntimeException()));
  }
}
