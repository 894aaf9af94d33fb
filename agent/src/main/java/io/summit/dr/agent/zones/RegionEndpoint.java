package io.summit.dr.agent.zones;

import io.summit.dr.access.BearerToken;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreResult;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The region's PostgreSQL address everyone uses (services, orchestrator, cross-region replicas): a
 * name whose target the agent moves to the writer node, as an RDS Multi-AZ DNS name follows its
 * writer. Thread-safe.
 */
public interface RegionEndpoint {

  /**
   * Points the endpoint at {@code target}; {@link StoreResult.Retry} with the reply when refused.
   */
  StoreResult moveTo(Endpoint target);

  /** Where it points now, when it can say (empty when it cannot or does not answer). */
  Optional<Endpoint> target();

  /**
   * The lab's endpoint API at {@code url} (e.g. {@code
   * http://127.0.0.1:26950/v1/endpoints/postgres-us-west-2}): {@code PUT url} with {@code
   * {"target":"HOST:PORT"}} and, when given, {@code token} as a bearer token (operator role); 200
   * moves it. Each request times out after {@code timeout}.
   */
  static RegionEndpoint http(
      URI url,
      Optional<BearerToken> token,
      Duration timeout,
      Optional<javax.net.ssl.SSLContext> trust) {
    return new HttpRegionEndpoint(url, token, timeout, trust);
  }
}
