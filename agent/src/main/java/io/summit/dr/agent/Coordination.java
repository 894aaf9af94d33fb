package io.summit.dr.agent;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The few etcd calls a region agent makes. Every call is asynchronous (a renewal must never wait
 * for the one before it) and its future completes exceptionally with {@link
 * CoordinationUnavailableException} when etcd cannot answer in time (no quorum, no leader, the
 * member is unreachable or paused). Reads are linearizable. Implementations are thread-safe.
 */
public interface Coordination extends AutoCloseable {
  /** A key's value and the revision of its last modification. */
  record Versioned(String value, long modRevision) {}

  /** A granted lease; {@code ttl} is what etcd granted, which may be more than asked. */
  record Lease(long id, Duration ttl) {}

  /** What a keep-alive said. */
  sealed interface Renewal {}

  /** The lease was renewed for {@code ttl} from the moment the etcd leader handled the request. */
  record Renewed(Duration ttl) implements Renewal {}

  /** The lease no longer exists (expired or revoked): it can never be renewed again. */
  record LeaseGone(String detail) implements Renewal {}

  /** The key's current value, empty when it does not exist. */
  CompletableFuture<Optional<Versioned>> get(String key);

  /** Grants a lease of {@code ttl} (whole seconds). */
  CompletableFuture<Lease> grant(Duration ttl);

  /**
   * In one transaction: if {@code guardKey}'s mod revision is still {@code guardRevision}, puts
   * {@code key = value} attached to {@code leaseId}. Completes with false when the guard failed
   * (the guard key changed since it was read).
   */
  CompletableFuture<Boolean> putIfUnchanged(
      String key, String value, long leaseId, String guardKey, long guardRevision);

  /** Sends one keep-alive for {@code leaseId}. */
  CompletableFuture<Renewal> keepAliveOnce(long leaseId);

  /** Revokes {@code leaseId} (its keys are deleted); a lease already gone counts as revoked. */
  CompletableFuture<Void> revoke(long leaseId);

  @Override
  void close();

  /**
   * A client of the etcd cluster at {@code endpoints}: every call is sent to every endpoint and the
   * first answer counts, so calls succeed as long as any member this process reaches can reach the
   * etcd leader (a member that hangs or is cut from the leader costs nothing).
   *
   * @param requestTimeout how long any one call may take before it fails
   */
  static Coordination etcd(List<URI> endpoints, Duration requestTimeout) {
    return new JetcdCoordination(endpoints, requestTimeout);
  }
}
