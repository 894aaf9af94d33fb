package io.summit.dr.workload.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
