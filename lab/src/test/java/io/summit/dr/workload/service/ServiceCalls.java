package io.summit.dr.workload.service;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.topology.Topology;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The service tests' calls to a sample service on a loopback port, and what a register holds on a
 * PostgreSQL node of theirs.
 */
final class ServiceCalls {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final URI base;
  private final Duration timeout;

  /** An answer: its status and its JSON body. */
  record Reply(int status, JsonNode body) {}

  ServiceCalls(URI base, Duration timeout) {
    this.base = base;
    this.timeout = timeout;
  }

  /** Calls to {@code service}, each waiting at most {@code timeout}. */
  static ServiceCalls of(WorkloadService service, Duration timeout) {
    return new ServiceCalls(URI.create("http://127.0.0.1:" + service.address().getPort()), timeout);
  }

  /** Starts a service of {@code topology} in {@code region} on a free port, following discovery. */
  static WorkloadService start(
      Topology topology, String region, String name, FakeDiscovery discovery)
      throws java.io.IOException {
    WorkloadService service =
        new WorkloadService(
            topology,
            region,
            name,
            new InetSocketAddress("127.0.0.1", 0),
            discovery.uri(),
            UnaryOperator.identity());
    service.start();
    return service;
  }

  /** Waits (at most 20 s) until the service's {@code /readyz} names {@code writer}. */
  void awaitWriter(String writer) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                writer.equals(
                    call("GET", "/readyz", null).body().path("writer_region").asText(null)));
  }

  Reply call(String method, String path, @Nullable String body) throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(base.resolve(path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .timeout(timeout)
            .build();
    HttpResponse<String> response = http.send(r, HttpResponse.BodyHandlers.ofString());
    return new Reply(response.statusCode(), JSON.readTree(response.body()));
  }

  /** The register {@code key} on {@code node}; empty when never written (or no table yet). */
  static OptionalLong register(TestNode node, String key) throws Exception {
    try (Connection c = node.sql();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select value from registers where key = '" + key + "'")) {
      return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        return OptionalLong.empty();
      }
      throw e;
    }
  }
}
