package io.summit.dr.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.access.BearerToken;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A ready service instance of one region, as a client inside the region reaches it: asked of the
 * region's cluster ({@code GET /v1/cluster}) at most once a second, rotating over the ready ones;
 * null while the cluster does not answer or has none ready. Thread-safe.
 */
final class RegionInstances implements Supplier<@Nullable URI> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long REFRESH_NANOS = 1_000_000_000L;

  private final URI cluster;
  private final HttpClient http;
  private List<URI> ready = List.of();
  private long lookedAt = Long.MIN_VALUE / 2;
  private int next;

  private final @Nullable BearerToken token;

  /**
   * @param cluster the cluster's API, {@code https://HOST:PORT} or {@code http://HOST:PORT}
   * @param trust what an {@code https://} cluster's certificate must chain to; null: the JDK's
   */
  RegionInstances(
      URI cluster, @Nullable BearerToken token, javax.net.ssl.@Nullable SSLContext trust) {
    this.cluster = cluster.resolve("/v1/cluster");
    this.token = token;
    this.http = io.summit.dr.access.Tls.client(Duration.ofMillis(500), trust);
  }

  @Override
  public synchronized @Nullable URI get() {
    long now = System.nanoTime();
    if (now - lookedAt > REFRESH_NANOS) {
      lookedAt = now;
      ready = lookUp();
    }
    return ready.isEmpty() ? null : ready.get(next++ % ready.size());
  }

  private HttpRequest signed(HttpRequest.Builder b) {
    return (token == null ? b : token.sign(b)).build();
  }

  private List<URI> lookUp() {
    try {
      HttpResponse<String> r =
          http.send(
              signed(HttpRequest.newBuilder(cluster).timeout(Duration.ofMillis(500))),
              HttpResponse.BodyHandlers.ofString());
      List<URI> out = new ArrayList<>();
      for (JsonNode i : JSON.readTree(r.body()).path("instances")) {
        if (i.path("ready").asBoolean()) {
          out.add(URI.create("http://" + i.path("address").asText()));
        }
      }
      return out;
    } catch (IOException e) {
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }
}
