package io.summit.dr.orchestrator.coordination;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One etcd cluster as the control plane uses it: a jetcd client, the key prefix of one deployment
 * ({@code /summit-dr/<topology name>/}) and the deadline of every call. Thread-safe.
 */
final class Etcd implements AutoCloseable {
  private final Client client;
  private final String prefix;
  private final Duration timeout;
  private final String describe;

  Etcd(List<String> endpoints, String deployment, Duration timeout) {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("etcd: no endpoints (expected: at least one URL)");
    }
    // pick_first: the replica's own location's member first (the lab lists it first), the others
    // only when it cannot be reached. A round robin would send some calls over links to far
    // members that may be slow or cut while the near one works.
    this.client =
        Client.builder()
            .endpoints(endpoints.toArray(String[]::new))
            .loadBalancerPolicy("pick_first")
            .build();
    this.prefix = "/summit-dr/" + deployment + "/";
    this.timeout = timeout;
    this.describe = "etcd " + String.join(",", endpoints) + " " + prefix;
  }

  Client client() {
    return client;
  }

  ByteSequence key(String name) {
    return bytes(prefix + name);
  }

  String name(ByteSequence key) {
    return key.toString(StandardCharsets.UTF_8).substring(prefix.length());
  }

  static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }

  /** Waits for {@code call} at most the call timeout; every failure is a CoordinationException. */
  <T> T await(String what, CompletableFuture<T> call) {
    try {
      return call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      call.cancel(true);
      throw new CoordinationException(describe + ": " + what + ": interrupted", e);
    } catch (TimeoutException e) {
      call.cancel(true);
      throw new CoordinationException(describe + ": " + what + ": no answer within " + timeout, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new CoordinationException(describe + ": " + what + ": " + cause.getMessage(), cause);
    }
  }

  String describe() {
    return describe;
  }

  /** The deadline of every call. */
  Duration timeout() {
    return timeout;
  }

  @Override
  public void close() {
    client.close();
  }
}
