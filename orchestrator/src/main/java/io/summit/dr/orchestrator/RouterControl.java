package io.summit.dr.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import io.summit.dr.access.ApiClient;
import io.summit.dr.access.BearerToken;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreResult;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The lab's (and any deployment's) edge router as the {@link WriteRouter}: sets its writer region
 * through its admin API ({@code PUT /v1/writer}; none stops every write with a fast 503), and
 * writes through the router itself to verify a failover end to end.
 */
public final class RouterControl implements WriteRouter {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private final ApiClient admin;
  private final @Nullable ApiClient proxy;

  /**
   * @param proxy the router's own address, for {@link #writeThrough}; null when not known
   */
  public RouterControl(Endpoint admin, @Nullable Endpoint proxy) {
    this(admin, proxy, null);
  }

  /**
   * @param token sent to the router's admin API, when it requires one (an operator's: the writer
   *     moves)
   */
  public RouterControl(Endpoint admin, @Nullable Endpoint proxy, @Nullable BearerToken token) {
    this(URI.create("http://" + admin.host() + ":" + admin.port()), proxy, token, null);
  }

  /**
   * @param admin the router's admin API, {@code http://} or {@code https://HOST:PORT}
   * @param token sent to the admin API, when it requires one (an operator's: the writer moves)
   * @param trust what an {@code https://} admin API's certificate must chain to; null: the JDK's
   *     authorities
   */
  public RouterControl(
      URI admin,
      @Nullable Endpoint proxy,
      @Nullable BearerToken token,
      javax.net.ssl.@Nullable SSLContext trust) {
    this.admin = new ApiClient("router", admin, token, trust, TIMEOUT);
    this.proxy =
        proxy == null
            ? null
            : new ApiClient(
                "router proxy",
                URI.create("http://" + proxy.host() + ":" + proxy.port()),
                null,
                null,
                TIMEOUT);
  }

  @Override
  public boolean canWriteThrough() {
    return proxy != null;
  }

  /**
   * Writes a marker entity through the router ({@code POST /entities}, the service's write) and
   * returns the writer region the service says took it.
   *
   * @throws IOException when the write is not acknowledged
   */
  @Override
  public String writeThrough(String id) throws IOException {
    ApiClient p = proxy;
    if (p == null) {
      throw new IOException("router: no proxy address to write through");
    }
    return p.send("POST", "/entities", Map.of("id", id, "payload", "summit-dr verify"))
        .path("writer_region")
        .asText("?");
  }

  @Override
  public Optional<String> writer() throws IOException {
    JsonNode w = admin.get("/v1/routing").get("writer");
    return w == null || w.isNull() ? Optional.empty() : Optional.of(w.asText());
  }

  @Override
  public StoreResult stopWrites(String region) {
    try {
      Optional<String> current = writer();
      if (current.isEmpty()) {
        return new StoreResult.AlreadyDone("router: writes stopped already");
      }
      if (!current.get().equals(region)) {
        return new StoreResult.AlreadyDone(
            "router: writer is " + current.get() + ", not " + region);
      }
      setWriter(null);
      return new StoreResult.Applied("router: writer " + region + " -> null");
    } catch (IOException e) {
      return new StoreResult.Retry("router: " + e.getMessage());
    }
  }

  @Override
  public StoreResult routeWrites(String region) {
    try {
      Optional<String> current = writer();
      if (current.isPresent() && current.get().equals(region)) {
        return new StoreResult.AlreadyDone("router: writer is " + region + " already");
      }
      setWriter(region);
      return new StoreResult.Applied("router: writer " + current.orElse("null") + " -> " + region);
    } catch (IOException e) {
      return new StoreResult.Retry("router: " + e.getMessage());
    }
  }

  /** Sets the writer region; null stops every write with a fast 503. */
  private void setWriter(@Nullable String region) throws IOException {
    Map<String, @Nullable String> body = new java.util.HashMap<>();
    body.put("region", region);
    admin.send("PUT", "/v1/writer", body);
  }
}
