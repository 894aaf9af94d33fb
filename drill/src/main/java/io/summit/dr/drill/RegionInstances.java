package io.summit.dr.drill;

import com.fasterxml.jackson.databind.JsonNode;
import io.summit.dr.access.ApiClient;
import io.summit.dr.access.BearerToken;
import java.io.IOException;
import java.net.URI;
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
  private static final long REFRESH_NANOS = 1_000_000_000L;

  private final ApiClient cluster;
  private List<URI> ready = List.of();
  private long lookedAt = Long.MIN_VALUE / 2;
  private int next;

  /**
   * @param cluster the cluster's API, {@code https://HOST:PORT} or {@code http://HOST:PORT}
   * @param trust what an {@code https://} cluster's certificate must chain to; null: the JDK's
   */
  RegionInstances(
      URI cluster, @Nullable BearerToken token, javax.net.ssl.@Nullable SSLContext trust) {
    this.cluster = new ApiClient("cluster", cluster, token, trust, Duration.ofMillis(500));
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

  /** The ready instances, or none while the cluster does not answer. */
  private List<URI> lookUp() {
    try {
      List<URI> out = new ArrayList<>();
      for (JsonNode i : cluster.get("/v1/cluster").path("instances")) {
        if (i.path("ready").asBoolean()) {
          out.add(URI.create("http://" + i.path("address").asText()));
        }
      }
      return out;
    } catch (IOException e) {
      return List.of();
    }
  }
}
