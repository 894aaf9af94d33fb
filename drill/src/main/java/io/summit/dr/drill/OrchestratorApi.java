package io.summit.dr.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The orchestrator's API as a drill uses it: status, plans, recent events. */
final class OrchestratorApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final URI base;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(1))
          .build();

  OrchestratorApi(URI base) {
    this.base = base;
  }

  JsonNode status() {
    return send("GET", "/v1/status", null);
  }

  String writerRegion() {
    return status().path("writer_region").asText();
  }

  JsonNode plans() {
    return send("GET", "/v1/plans", null).path("plans");
  }

  JsonNode plan(String id) {
    return send("GET", "/v1/plans/" + id, null);
  }

  /** Requests a plan; the answer is the new plan's status. */
  JsonNode request(String kind, @Nullable String to) {
    Map<String, Object> body =
        to == null
            ? Map.of("kind", kind, "requested_by", "summit-dr drill")
            : Map.of("kind", kind, "to", to, "requested_by", "summit-dr drill");
    return send("POST", "/v1/plans", body);
  }

  JsonNode recentEvents() {
    return send("GET", "/v1/events/recent", null).path("events");
  }

  private JsonNode send(String method, String path, @Nullable Object body) {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(base.resolve(path))
              .timeout(Duration.ofSeconds(5))
              .header("Content-Type", "application/json")
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
              .build();
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode json = JSON.readTree(r.body());
      if (r.statusCode() / 100 != 2) {
        throw new DrillException(
            "orchestrator: " + method + " " + path + ": " + json.path("error").asText(r.body()));
      }
      return json;
    } catch (IOException e) {
      throw new DrillException(
          "orchestrator at " + base + " does not answer (" + e.getMessage() + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DrillException("interrupted", e);
    }
  }
}
