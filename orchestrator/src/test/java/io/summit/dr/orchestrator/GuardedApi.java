package io.summit.dr.orchestrator;

import io.summit.dr.access.AccessDirectory;
import io.summit.dr.access.AccessList;
import io.summit.dr.access.Principal;
import io.summit.dr.access.Role;
import io.summit.dr.orchestrator.api.ApiServer;
import io.summit.dr.replication.StoreRole;
import io.summit.dr.topology.Topology;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * An orchestrator on {@link FakeStores} (postgres and redis primaries in us-west-2, replicas in
 * us-east-1) with its API on a free port behind an access list of a viewer {@code ann} and an
 * operator {@code oscar}: what the API tests drive.
 */
final class GuardedApi implements AutoCloseable {
  final Orchestrator orchestrator;
  final ApiServer api;
  final AccessDirectory creds;
  final URI base;
  // the authority a client trusts when the API listens with TLS, else null
  final javax.net.ssl.@org.jspecify.annotations.Nullable SSLContext trust;
  final io.summit.dr.access.CertificateAuthority.@org.jspecify.annotations.Nullable Files tls;

  private GuardedApi(
      Orchestrator orchestrator,
      ApiServer api,
      AccessDirectory creds,
      io.summit.dr.access.CertificateAuthority.@org.jspecify.annotations.Nullable Files tls) {
    this.orchestrator = orchestrator;
    this.api = api;
    this.creds = creds;
    this.tls = tls;
    this.trust = tls == null ? null : io.summit.dr.access.Tls.trusting(tls.caCert());
    this.base =
        URI.create(
            (tls == null ? "http" : "https")
                + "://127.0.0.1:"
                + api.address().orElseThrow().getPort());
  }

  /** A client of the API: trusting its authority when it listens with TLS. */
  java.net.http.HttpClient client() {
    java.net.http.HttpClient.Builder b = java.net.http.HttpClient.newBuilder();
    if (trust != null) {
      b.sslContext(trust);
    }
    return b.build();
  }

  /**
   * @param regions the regions view detection would give, built from the orchestrator
   */
  static GuardedApi start(
      Topology topology,
      FakeStores stores,
      Path state,
      Path secrets,
      Function<Orchestrator, Map<String, Object>> regions)
      throws IOException {
    return start(topology, stores, state, secrets, regions, false);
  }

  /**
   * @param tls whether the API listens with TLS, under an authority made in {@code secrets/tls} for
   *     127.0.0.1 (as {@code lab up} makes the lab's)
   */
  static GuardedApi start(
      Topology topology,
      FakeStores stores,
      Path state,
      Path secrets,
      Function<Orchestrator, Map<String, Object>> regions,
      boolean tls)
      throws IOException {
    io.summit.dr.access.CertificateAuthority.Files certificates =
        tls
            ? io.summit.dr.access.CertificateAuthority.create(
                secrets.resolve("tls"), "test CA", List.of("127.0.0.1"))
            : null;
    for (String store : List.of("postgres", "redis")) {
      stores.node(store, "us-west-2").role = StoreRole.PRIMARY;
      stores.node(store, "us-east-1").role = StoreRole.REPLICA;
    }
    Orchestrator orchestrator =
        new Orchestrator(topology, stores, null, null, state, Clock.systemUTC());
    orchestrator.resume();
    AccessDirectory creds =
        AccessDirectory.create(
            secrets.resolve("access"),
            List.of(new Principal("ann", Role.VIEWER), new Principal("oscar", Role.OPERATOR)));
    ApiServer api =
        new ApiServer(
                orchestrator,
                new InetSocketAddress("127.0.0.1", 0),
                () -> regions.apply(orchestrator),
                certificates == null
                    ? null
                    : io.summit.dr.access.Tls.server(
                        certificates.serverCert(), certificates.serverKey()))
            .require(AccessList.read("--access-file", creds.accessList()));
    api.start();
    return new GuardedApi(orchestrator, api, creds, certificates);
  }

  @Override
  public void close() {
    // a plan a test started writes to the state directory until it ends: let it end first
    try {
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(30))
          .until(() -> orchestrator.plans().running().isEmpty());
    } catch (org.awaitility.core.ConditionTimeoutException stillRunning) {
      // a plan waiting for an approval the test never gave: the test's own failure says why
    }
    api.close();
    orchestrator.close();
  }
}
