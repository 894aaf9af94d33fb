package io.summit.dr.agent.zones;

import com.fasterxml.jackson.databind.JsonNode;
import io.summit.dr.access.ApiClient;
import io.summit.dr.access.BearerToken;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreResult;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** {@link RegionEndpoint#http}: the lab WAN daemon's {@code /v1/endpoints/NAME}. */
final class HttpRegionEndpoint implements RegionEndpoint {
  private final URI url;
  private final ApiClient api;

  HttpRegionEndpoint(
      URI url,
      Optional<BearerToken> token,
      Duration timeout,
      Optional<javax.net.ssl.SSLContext> trust) {
    this.url = url;
    this.api =
        new ApiClient(
            url.toString(), url.resolve("/"), token.orElse(null), trust.orElse(null), timeout);
  }

  @Override
  public StoreResult moveTo(Endpoint target) {
    try {
      api.send("PUT", url.getRawPath(), Map.of("target", target.toString()));
      return new StoreResult.Applied(url + ": now targets " + target);
    } catch (InterruptedIOException e) {
      return new StoreResult.Retry(url + ": PUT target " + target + ": interrupted");
    } catch (IOException e) {
      return new StoreResult.Retry(e.getMessage() + " (target " + target + ")");
    }
  }

  @Override
  public Optional<Endpoint> target() {
    try {
      JsonNode target = api.get(url.getRawPath()).get("target");
      return target == null || !target.isTextual()
          ? Optional.empty()
          : Optional.of(Endpoint.parse(target.asText()));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty(); // GET is not part of the contract: the caller assumes its default
    }
  }

  @Override
  public String toString() {
    return url.toString();
  }
}
