package io.summit.dr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.lab.Lab;
import io.summit.dr.lab.LabComponent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The options and HTTP client every orchestrator command shares: {@code --dir} or {@code --url}.
 */
final class OrchestratorClient {
  static final ObjectMapper JSON = new ObjectMapper();

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      defaultValue = ".lab",
      description = "The lab whose orchestrator to talk to (default: ${DEFAULT-VALUE}).")
  Path dir = Path.of(".lab");

  @Option(
      names = "--url",
      paramLabel = "URL",
      description = "The orchestrator's API, e.g. http://127.0.0.1:26910 (instead of --dir).")
  @Nullable String url;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  URI base() {
    if (url != null) {
      try {
        URI u = URI.create(url);
        if (u.getScheme() == null || u.getHost() == null) {
          throw new IllegalArgumentException("--url: '" + url + "' (expected: http://HOST:PORT)");
        }
        return u;
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--url: '" + url + "' (expected: http://HOST:PORT)", e);
      }
    }
    LabComponent c =
        Lab.at(dir).requireState().components().stream()
            .filter(x -> x.kind().equals("orchestrator"))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "--dir: the lab in "
                            + dir
                            + " runs no orchestrator (expected: a lab started by this version, or --url)"));
    return URI.create("http://" + c.host() + ":" + c.port());
  }

  /** Sends a request; a 4xx becomes an IllegalArgumentException with the server's message. */
  JsonNode send(String method, String path, @Nullable Object body) {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(base().resolve(path))
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
              .build();
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode json = JSON.readTree(r.body());
      if (r.statusCode() / 100 == 4) {
        throw new IllegalArgumentException(json.path("error").asText(r.body()));
      }
      if (r.statusCode() / 100 != 2) {
        throw new IllegalStateException(
            "orchestrator answered " + r.statusCode() + ": " + r.body());
      }
      return json;
    } catch (IOException e) {
      throw new IllegalStateException(
          "the orchestrator at "
              + base()
              + " does not answer ("
              + e.getMessage()
              + "); is the lab up?",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
