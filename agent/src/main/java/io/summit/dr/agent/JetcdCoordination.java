package io.summit.dr.agent;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.grpc.Status;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Coordination} over jetcd, one client per endpoint. Every call goes to every endpoint at
 * once and completes with the first answer; it fails only when every endpoint failed or none
 * answered within the request timeout.
 *
 * <p>Why not one client balancing round-robin over the endpoints: when the link from this location
 * to the member that leads etcd is cut, requests through the cut link and through this location's
 * own member (which cannot reach the leader) hang until they time out; with round-robin two
 * renewals in three were lost, the successful ones came ~750 ms apart, past the 600 ms deadline,
 * and the agent fenced its writer on a mere partition between two other locations. Sent to every
 * member, a renewal succeeds as long as any member this agent reaches can reach the etcd leader.
 *
 * <p>Each call is idempotent by its end state, so answering from the first endpoint is safe: reads
 * and keep-alives change nothing a duplicate could undo; the guarded put writes the same value on
 * the same lease under the same guard however often it commits; a revoke of a gone lease counts as
 * revoked. A grant is not idempotent: every lease granted besides the one returned is revoked (and
 * would expire after its TTL anyway; no key is attached to it).
 */
final class JetcdCoordination implements Coordination {
  private static final Logger LOG = LoggerFactory.getLogger(JetcdCoordination.class);

  /** One member's client. */
  private record Endpoint(URI uri, Client client) {}

  private final List<Endpoint> endpoints;
  private final Duration timeout;

  JetcdCoordination(List<URI> endpoints, Duration timeout) {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("etcd: [] (expected: at least one endpoint URL)");
    }
    this.timeout = timeout;
    this.endpoints =
        endpoints.stream()
            .map(
                uri ->
                    new Endpoint(
                        uri, Client.builder().endpoints(uri).connectTimeout(timeout).build()))
            .toList();
  }

  @Override
  public CompletableFuture<Optional<Versioned>> get(String key) {
    return first(
        "get " + key,
        c ->
            c.getKVClient()
                .get(bytes(key))
                .thenApply(r -> r.getKvs().stream().findFirst().map(JetcdCoordination::versioned)));
  }

  @Override
  public CompletableFuture<Lease> grant(Duration ttl) {
    List<CompletableFuture<Lease>> grants =
        each(
            "grant lease of " + ttl.toSeconds() + "s",
            c ->
                c.getLeaseClient()
                    .grant(ttl.toSeconds(), timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .thenApply(r -> new Lease(r.getID(), Duration.ofSeconds(r.getTTL()))));
    CompletableFuture<Lease> granted = firstOf(grants);
    grants.forEach(g -> g.thenAcceptBoth(granted, this::revokeLoser));
    return granted;
  }

  @Override
  public CompletableFuture<Boolean> putIfUnchanged(
      String key, String value, long leaseId, String guardKey, long guardRevision) {
    Cmp unchanged = new Cmp(bytes(guardKey), Cmp.Op.EQUAL, CmpTarget.modRevision(guardRevision));
    Op put = Op.put(bytes(key), bytes(value), PutOption.builder().withLeaseId(leaseId).build());
    return first(
        "put " + key + " if " + guardKey + " is at revision " + guardRevision,
        c ->
            c.getKVClient()
                .txn()
                .If(unchanged)
                .Then(put)
                .commit()
                .thenApply(TxnResponse::isSucceeded));
  }

  @Override
  public CompletableFuture<Renewal> keepAliveOnce(long leaseId) {
    return first(
        "keep-alive of lease " + Long.toHexString(leaseId),
        c ->
            c.getLeaseClient()
                .keepAliveOnce(leaseId)
                .<Renewal>thenApply(r -> new Renewed(Duration.ofSeconds(r.getTTL())))
                .exceptionally(e -> leaseGone(leaseId, e)));
  }

  @Override
  public CompletableFuture<Void> revoke(long leaseId) {
    return first(
        "revoke lease " + Long.toHexString(leaseId),
        c -> {
          CompletableFuture<Void> revoked = new CompletableFuture<>();
          c.getLeaseClient()
              .revoke(leaseId)
              .whenComplete(
                  (r, e) -> {
                    if (e == null || notFound(e)) { // a lease already gone is revoked
                      revoked.complete(null);
                    } else {
                      revoked.completeExceptionally(e);
                    }
                  });
          return revoked;
        });
  }

  @Override
  public void close() {
    endpoints.forEach(e -> e.client().close());
  }

  /** A NOT_FOUND answer means the lease is gone; anything else is rethrown. */
  private static Renewal leaseGone(long leaseId, Throwable e) {
    if (notFound(e)) {
      return new LeaseGone("lease " + Long.toHexString(leaseId) + ": " + unwrap(e).getMessage());
    }
    throw e instanceof CompletionException ce ? ce : new CompletionException(e);
  }

  /** etcd's "requested lease not found": an EtcdException from jetcd, a gRPC status from etcd. */
  private static boolean notFound(Throwable e) {
    Throwable cause = unwrap(e);
    return cause instanceof EtcdException ee
        ? ee.getErrorCode() == ErrorCode.NOT_FOUND
        : Status.fromThrowable(cause).getCode() == Status.Code.NOT_FOUND;
  }

  private static Throwable unwrap(Throwable e) {
    Throwable cause = e.getCause();
    return e instanceof CompletionException && cause != null ? cause : e;
  }

  private void revokeLoser(Lease lease, Lease winner) {
    if (lease.id() != winner.id()) {
      var unused =
          revoke(lease.id())
              .exceptionally(
                  e -> {
                    LOG.debug("etcd: surplus lease {} left to expire: {}", lease.id(), e);
                    return null;
                  });
    }
  }

  /** {@code call} sent to every endpoint; the first success wins. */
  private <T> CompletableFuture<T> first(String what, Function<Client, CompletableFuture<T>> call) {
    return firstOf(each(what, call));
  }

  private <T> List<CompletableFuture<T>> each(
      String what, Function<Client, CompletableFuture<T>> call) {
    return endpoints.stream()
        .map(e -> bounded(e.uri() + ": " + what, call.apply(e.client())))
        .toList();
  }

  /** The first of {@code calls} to succeed; when all fail, the failure naming every endpoint's. */
  private static <T> CompletableFuture<T> firstOf(List<CompletableFuture<T>> calls) {
    CompletableFuture<T> first = new CompletableFuture<>();
    List<String> failures = new CopyOnWriteArrayList<>();
    for (CompletableFuture<T> call : calls) {
      call.whenComplete(
          (value, error) -> {
            if (error == null) {
              first.complete(value);
            } else {
              failures.add(unwrap(error).getMessage());
              if (failures.size() == calls.size()) {
                first.completeExceptionally(
                    new CoordinationUnavailableException(
                        "etcd: no endpoint answered: " + String.join("; ", failures),
                        unwrap(error)));
              }
            }
          });
    }
    return first;
  }

  /** {@code call} failing after the request timeout, its failures as unavailability. */
  private <T> CompletableFuture<T> bounded(String what, CompletableFuture<T> call) {
    return call.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (value, error) -> {
              if (error != null) {
                throw new CoordinationUnavailableException(
                    "etcd " + what + " failed: " + unwrap(error), unwrap(error));
              }
              return value;
            });
  }

  private static Versioned versioned(KeyValue kv) {
    return new Versioned(kv.getValue().toString(StandardCharsets.UTF_8), kv.getModRevision());
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }
}
