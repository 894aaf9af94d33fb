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
import java.util.concurrent.TimeUnit;

/** {@link Coordination} over jetcd. */
final class JetcdCoordination implements Coordination {
  private final Client client;
  private final Duration timeout;
  private final String where;

  JetcdCoordination(List<URI> endpoints, Duration timeout) {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("etcd: [] (expected: at least one endpoint URL)");
    }
    this.timeout = timeout;
    this.where = endpoints.toString();
    this.client =
        Client.builder()
            .endpoints(endpoints)
            .loadBalancerPolicy("round_robin")
            .connectTimeout(timeout)
            .build();
  }

  @Override
  public CompletableFuture<Optional<Versioned>> get(String key) {
    return bounded(
        "get " + key,
        client
            .getKVClient()
            .get(bytes(key))
            .thenApply(r -> r.getKvs().stream().findFirst().map(JetcdCoordination::versioned)));
  }

  @Override
  public CompletableFuture<Lease> grant(Duration ttl) {
    return bounded(
        "grant lease of " + ttl.toSeconds() + "s",
        client
            .getLeaseClient()
            .grant(ttl.toSeconds(), timeout.toMillis(), TimeUnit.MILLISECONDS)
            .thenApply(r -> new Lease(r.getID(), Duration.ofSeconds(r.getTTL()))));
  }

  @Override
  public CompletableFuture<Boolean> putIfUnchanged(
      String key, String value, long leaseId, String guardKey, long guardRevision) {
    Cmp unchanged = new Cmp(bytes(guardKey), Cmp.Op.EQUAL, CmpTarget.modRevision(guardRevision));
    Op put = Op.put(bytes(key), bytes(value), PutOption.builder().withLeaseId(leaseId).build());
    return bounded(
        "put " + key + " if " + guardKey + " is at revision " + guardRevision,
        client
            .getKVClient()
            .txn()
            .If(unchanged)
            .Then(put)
            .commit()
            .thenApply(TxnResponse::isSucceeded));
  }

  @Override
  public CompletableFuture<Renewal> keepAliveOnce(long leaseId) {
    CompletableFuture<Renewal> renewal =
        client
            .getLeaseClient()
            .keepAliveOnce(leaseId)
            .<Renewal>thenApply(r -> new Renewed(Duration.ofSeconds(r.getTTL())))
            .exceptionally(e -> leaseGone(leaseId, e));
    return bounded("keep-alive of lease " + Long.toHexString(leaseId), renewal);
  }

  @Override
  public CompletableFuture<Void> revoke(long leaseId) {
    CompletableFuture<Void> revoked = new CompletableFuture<>();
    client
        .getLeaseClient()
        .revoke(leaseId)
        .whenComplete(
            (r, e) -> {
              if (e == null || notFound(e)) { // a lease already gone is revoked
                revoked.complete(null);
              } else {
                revoked.completeExceptionally(e);
              }
            });
    return bounded("revoke lease " + Long.toHexString(leaseId), revoked);
  }

  @Override
  public void close() {
    client.close();
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

  /** {@code call} failing after the request timeout, its failures as unavailability. */
  private <T> CompletableFuture<T> bounded(String what, CompletableFuture<T> call) {
    return call.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (value, error) -> {
              if (error != null) {
                throw new CoordinationUnavailableException(
                    "etcd " + where + ": " + what + " failed: " + unwrap(error), unwrap(error));
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
