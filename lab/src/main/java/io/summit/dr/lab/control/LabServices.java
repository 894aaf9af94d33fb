package io.summit.dr.lab.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.access.BearerToken;
import io.summit.dr.lab.Lab;
import io.summit.dr.lab.LabAccess;
import io.summit.dr.lab.LabComponent;
import io.summit.dr.lab.LabTls;
import io.summit.dr.orchestrator.Services;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The lab's service clusters (one per region, recorded in the lab state as kind {@code cluster}),
 * through their API: {@code GET /v1/cluster} and {@code PUT /v1/scale {"min": N}}. A region without
 * a cluster component runs no service.
 */
public final class LabServices implements Services {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Lab lab;
  private final HttpClient http;

  public LabServices(Lab lab) {
    this.lab = lab;
    // the clusters' API listens with TLS under the lab's authority (made before they start)
    this.http = io.summit.dr.access.Tls.client(Duration.ofSeconds(1), LabTls.trust(lab.dir()));
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
    return parse(send(cluster, "PUT", "/v1/scale", "{\"min\":" + minimum + "}"));
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

  private JsonNode send(LabComponent c, String method, String path, @Nullable String body)
      throws IOException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(LabTls.base(c).resolve(path))
            .timeout(Duration.ofSeconds(2))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    // The orchestrator's token (an operator's: it scales), when the lab has credentials.
    BearerToken token = LabAccess.token(lab.dir(), LabAccess.ORCHESTRATOR);
    HttpRequest request = (token == null ? b : token.sign(b)).build();
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() / 100 != 2) {
        throw new IOException(
            c.name() + " " + method + " " + path + ": " + r.statusCode() + " " + r.body());
      }
      return JSON.readTree(r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(c.name() + ": interrupted", e);
    }
  }
}
