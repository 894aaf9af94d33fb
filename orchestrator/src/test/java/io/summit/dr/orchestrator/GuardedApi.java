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

  private GuardedApi(Orchestrator orchestrator, ApiServer api, AccessDirectory creds) {
    this.orchestrator = orchestrator;
    this.api = api;
    this.creds = creds;
    this.base = URI.create("http://127.0.0.1:" + api.address().orElseThrow().getPort());
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
                () -> regions.apply(orchestrator))
            .require(AccessList.read("--access-file", creds.accessList()));
    api.start();
    return new GuardedApi(orchestrator, api, creds);
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
