package io.summit.dr.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.access.BearerToken;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreResult;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The lab's (and any deployment's) edge router as the {@link WriteRouter}: sets its writer region
 * through its admin API ({@code PUT /v1/writer}; none stops every write with a fast 503), and
 * writes through the router itself to verify a failover end to end.
 */
public final class RouterControl implements WriteRouter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final URI base;
  private final @Nullable URI proxy;
  private final @Nullable BearerToken token;

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
    this.token = token;
    this.base = admin;
    this.proxy = proxy == null ? null : URI.create("http://" + proxy.host() + ":" + proxy.port());
    this.http = io.summit.dr.access.Tls.client(Duration.ofSeconds(1), trust);
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
    URI p = proxy;
    if (p == null) {
      throw new IOException("router: no proxy address to write through");
    }
    HttpRequest request =
        HttpRequest.newBuilder(p.resolve("/entities"))
            .timeout(Duration.ofSeconds(2))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"id\":"
                        + JSON.writeValueAsString(id)
                        + ",\"payload\":\"summit-dr verify\"}"))
            .build();
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() / 100 != 2) {
        throw new IOException("router POST /entities: " + r.statusCode() + " " + r.body());
      }
      return JSON.readTree(r.body()).path("writer_region").asText("?");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("router: interrupted", e);
    }
  }

  @Override
  public Optional<String> writer() throws IOException {
    JsonNode table = JSON.readTree(send("GET", "/v1/routing", null));
    JsonNode w = table.get("writer");
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
    send(
        "PUT",
        "/v1/writer",
        "{\"region\":" + (region == null ? "null" : JSON.writeValueAsString(region)) + "}");
  }

  private String send(String method, String path, @Nullable String body) throws IOException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(2))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    HttpRequest request = (token == null ? b : token.sign(b)).build();
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() / 100 != 2) {
        throw new IOException(
            "router " + method + " " + path + ": " + r.statusCode() + " " + r.body());
      }
      return r.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("router: interrupted", e);
    }
  }
}
