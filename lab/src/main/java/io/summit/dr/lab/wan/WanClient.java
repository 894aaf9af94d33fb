package io.summit.dr.lab.wan;

import io.summit.dr.access.BearerToken;
import io.summit.dr.lab.process.LabException;
import io.summit.dr.replication.Endpoint;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** Drives a running {@link WanDaemon} through its admin API. */
public final class WanClient {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final URI base;

  private final @Nullable BearerToken token;

  public WanClient(Endpoint admin) {
    this(admin, null);
  }

  /**
   * @param token sent with every request, when the daemon requires one (an admin's: links change)
   */
  public WanClient(Endpoint admin, @Nullable BearerToken token) {
    this.base = URI.create("http://" + admin.host() + ":" + admin.port());
    this.token = token;
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

  public boolean isUp() {
    try {
      links();
      return true;
    } catch (LabException e) {
      return false;
    }
  }

  private String send(String method, String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(5))
            .method(method, HttpRequest.BodyPublishers.noBody());
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
}
