package io.summit.dr.lab.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.summit.dr.access.ApiClient;
import io.summit.dr.lab.Lab;
import io.summit.dr.lab.LabAccess;
import io.summit.dr.lab.LabComponent;
import io.summit.dr.lab.LabTls;
import io.summit.dr.orchestrator.Services;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The lab's service clusters (one per region, recorded in the lab state as kind {@code cluster}),
 * through their API: {@code GET /v1/cluster} and {@code PUT /v1/scale {"min": N}}. A region without
 * a cluster component runs no service.
 */
public final class LabServices implements Services {
  private final Lab lab;
  // One client per cluster address (a restarted cluster keeps its port).
  private final Map<URI, ApiClient> clients = new ConcurrentHashMap<>();

  public LabServices(Lab lab) {
    this.lab = lab;
  }

  @Override
  public Optional<Scale> scale(String region) throws IOException {
    Optional<LabComponent> cluster = cluster(region);
    if (cluster.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(parse(send(cluster.get(), "GET", "/v1/cluster", null)));
  }

  @Override
  public Scale setMinimum(String region, int minimum) throws IOException {
    LabComponent cluster =
        cluster(region)
            .orElseThrow(() -> new IOException("scale: no service cluster runs in " + region));
    return parse(send(cluster, "PUT", "/v1/scale", Map.of("min", minimum)));
  }

  private Optional<LabComponent> cluster(String region) {
    return lab.requireState().components().stream()
        .filter(c -> c.kind().equals("cluster") && c.region().equals(region))
        .findFirst();
  }

  private static Scale parse(JsonNode cluster) throws IOException {
    if (!cluster.path("min").isInt() || !cluster.path("ready").isInt()) {
      throw new IOException("scale: unexpected cluster answer " + cluster);
    }
    return new Scale(
        cluster.get("min").asInt(), cluster.path("max").asInt(), cluster.get("ready").asInt());
  }

  private JsonNode send(LabComponent c, String method, String path, @Nullable Object body)
      throws IOException {
    ApiClient api =
        clients.computeIfAbsent(
            LabTls.base(c),
            base ->
                new ApiClient(
                    c.name(),
                    base,
                    // the orchestrator's token (an operator's: it scales), when the lab has one
                    LabAccess.token(lab.dir(), LabAccess.ORCHESTRATOR),
                    // the clusters' API listens with TLS under the lab's authority
                    LabTls.trust(lab.dir()),
                    Duration.ofSeconds(2)));
    return api.send(method, path, body);
  }
}
