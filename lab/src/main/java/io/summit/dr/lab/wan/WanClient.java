package io.summit.dr.lab.wan;

import io.summit.dr.access.ApiClient;
import io.summit.dr.access.ApiException;
import io.summit.dr.access.BearerToken;
import io.summit.dr.lab.process.LabException;
import io.summit.dr.replication.Endpoint;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Drives a running {@link WanDaemon} through its admin API. Each method answers the daemon's JSON
 * and throws a {@link LabException} carrying the daemon's error when it refuses.
 */
public final class WanClient {
  private final ApiClient api;

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
    this.api = new ApiClient("wan", admin, token, trust, Duration.ofSeconds(2));
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
    return send("PUT", "/v1/endpoints/" + name, Map.of("target", target.toString()));
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

  private String send(String method, String path, @Nullable Object json) {
    try {
      return api.send(method, path, json, Duration.ofSeconds(5));
    } catch (ApiException | InterruptedIOException e) {
      throw new LabException(String.valueOf(e.getMessage()), e); // refused, or the caller stops
    } catch (IOException e) {
      throw new LabException(e.getMessage() + "; is the lab up?", e);
    }
  }
}
