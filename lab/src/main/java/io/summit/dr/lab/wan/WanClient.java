package io.summit.dr.lab.wan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.access.BearerToken;
import io.summit.dr.lab.process.LabException;
import io.summit.dr.replication.Endpoint;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Drives a running {@link WanDaemon} through its admin API. Each method answers the daemon's JSON
 * and throws a {@link LabException} carrying the daemon's error when it refuses.
 */
public final class WanClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http;
  private final URI base;

  private final @Nullable BearerToken token;

  public WanClient(Endpoint admin) {
    this(admin, null);
  }

  /**
   * @param token sent with every request, when the daemon requires one (an admin's to change links,
   *     an operator's at least to move endpoints)
   */
  public WanClient(Endpoint admin, @Nullable BearerToken token) {
    this(URI.create("http://" + admin.host() + ":" + admin.port()), token, null);
  }

  /**
   * @param admin the admin API, {@code https://HOST:PORT} or {@code http://HOST:PORT}
   * @param token sent with every request, when the daemon requires one
   * @param trust what an {@code https://} admin API's certificate must chain to; null: the JDK's
   */
  public WanClient(
      URI admin, @Nullable BearerToken token, javax.net.ssl.@Nullable SSLContext trust) {
    this.base = admin;
    this.token = token;
    this.http = io.summit.dr.access.Tls.client(Duration.ofSeconds(2), trust);
  }

  public String links() {
    return send("GET", "/v1/links");
  }

  public String cut(String a, String b) {
    return send("POST", "/v1/links/" + a + "/" + b + "/cut");
  }

  public String restore(String a, String b) {
    return send("POST", "/v1/links/" + a + "/" + b + "/restore");
  }

  public String latency(String a, String b, Duration latency) {
    return send("POST", "/v1/links/" + a + "/" + b + "/latency?ms=" + latency.toMillis());
  }

  public String isolate(String location) {
    return send("POST", "/v1/locations/" + location + "/isolate");
  }

  public String heal() {
    return send("POST", "/v1/heal");
  }

  /** The region endpoints: name, listen, target, targets, connections. */
  public String endpoints() {
    return send("GET", "/v1/endpoints");
  }

  /**
   * Moves region endpoint {@code name} to {@code target}, one of its targets: new connections go
   * there, and those relayed to the target before are closed. Moving it to its target is harmless.
   *
   * @return the endpoint's JSON after the move
   */
  public String moveEndpoint(String name, Endpoint target) {
    return send("PUT", "/v1/endpoints/" + name, json(Map.of("target", target.toString())));
  }

  public boolean isUp() {
    try {
      links();
      return true;
    } catch (LabException e) {
      return false;
    }
  }

  private String send(String method, String path) {
    return send(method, path, null);
  }

  private String send(String method, String path, @Nullable String json) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(5))
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    HttpRequest request = (token == null ? b : token.sign(b)).build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new LabException("wan: " + response.body());
      }
      return response.body();
    } catch (IOException e) {
      throw new LabException(
          "wan: the WAN daemon at " + base + " does not answer (" + e + "); is the lab up?", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("wan: interrupted", e);
    }
  }

  private static String json(Map<String, String> body) {
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a string that Jackson cannot write: " + e.getMessage(), e);
    }
  }
}
