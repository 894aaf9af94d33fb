package io.summit.dr.agent.zones;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.access.BearerToken;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreResult;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** {@link RegionEndpoint#http}: the lab WAN daemon's {@code /v1/endpoints/NAME}. */
final class HttpRegionEndpoint implements RegionEndpoint {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI url;
  private final Optional<BearerToken> token;
  private final Duration timeout;
  private final HttpClient http;

  HttpRegionEndpoint(
      URI url,
      Optional<BearerToken> token,
      Duration timeout,
      Optional<javax.net.ssl.SSLContext> trust) {
    this.url = url;
    this.token = token;
    this.timeout = timeout;
    this.http = io.summit.dr.access.Tls.client(timeout, trust.orElse(null));
  }

  @Override
  public StoreResult moveTo(Endpoint target) {
    try {
      String body = JSON.writeValueAsString(Map.of("target", target.toString()));
      HttpResponse<String> reply =
          send(
              HttpRequest.newBuilder(url)
                  .PUT(HttpRequest.BodyPublishers.ofString(body))
                  .header("Content-Type", "application/json"));
      if (reply.statusCode() == 200) {
        return new StoreResult.Applied(url + ": now targets " + target);
      }
      return new StoreResult.Retry(
          url + ": PUT target " + target + ": " + reply.statusCode() + " " + reply.body().strip());
    } catch (IOException e) {
      return new StoreResult.Retry(url + ": PUT target " + target + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new StoreResult.Retry(url + ": PUT target " + target + ": interrupted");
    }
  }

  @Override
  public Optional<Endpoint> target() {
    try {
      HttpResponse<String> reply = send(HttpRequest.newBuilder(url).GET());
      if (reply.statusCode() != 200) {
        return Optional.empty();
      }
      JsonNode target = JSON.readTree(reply.body()).get("target");
      return target == null || !target.isTextual()
          ? Optional.empty()
          : Optional.of(Endpoint.parse(target.asText()));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty(); // GET is not part of the contract: the caller assumes its default
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    request.timeout(timeout);
    token.ifPresent(t -> t.sign(request));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public String toString() {
    return url.toString();
  }
}
