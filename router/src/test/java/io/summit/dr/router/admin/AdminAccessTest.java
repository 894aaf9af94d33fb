package io.summit.dr.router.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.summit.dr.access.AccessDirectory;
import io.summit.dr.access.AccessList;
import io.summit.dr.access.Principal;
import io.summit.dr.router.Role;
import io.summit.dr.router.Router;
import io.summit.dr.router.RouterConfig;
import io.summit.dr.topology.TopologyLoader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The router's admin API with an access list: every endpoint without a token, with a wrong one and
 * with too low a role is refused (401, 403) and changes nothing; the right role goes through.
 */
class AdminAccessTest {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  /** Two serving regions and one service: the router admin tests' topology. */
  static final String TOPOLOGY =
      """
      name: admin-test
      regions:
        - {name: us-west-2, role: primary, zones: [a]}
        - {name: us-east-1, role: secondary, zones: [a]}
      services:
        - name: api
          port: 4000
          replicas: {us-west-2: 1, us-east-1: 1}
          autoscaling: {us-west-2: {min: 1, max: 2}, us-east-1: {min: 1, max: 2}}
      stores: []
      objectives: {rpo: 1s, rto: 2s}
      """;

  @TempDir Path dir;
  private AccessDirectory creds;
  private Router router;

  @BeforeEach
  void start() {
    creds =
        AccessDirectory.create(
            dir.resolve("access"),
            List.of(
                new Principal("ann", io.summit.dr.access.Role.VIEWER),
                new Principal("oscar", io.summit.dr.access.Role.OPERATOR),
                new Principal("ada", io.summit.dr.access.Role.ADMIN)));
    router =
        Router.start(
            RouterConfig.of(
                TopologyLoader.parse("admin-test.yaml", TOPOLOGY),
                "api",
                Role.EDGE,
                null,
                new InetSocketAddress("127.0.0.1", 0),
                new InetSocketAddress("127.0.0.1", 0),
                Map.of()),
            AccessList.read("--access-file", creds.accessList()));
  }

  @AfterEach
  void close() {
    router.close();
  }

  private HttpResponse<String> send(String method, String path, @Nullable String caller)
      throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + router.adminAddress().getPort() + path);
    String body =
        path.endsWith("/instances")
            ? "{\"instances\":[\"127.0.0.1:1\"]}"
            : path.equals("/v1/writer") ? "{\"region\":\"us-east-1\"}" : "";
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.ofString(body));
    if (caller != null) {
      b = creds.token(caller).sign(b);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String routing() throws Exception {
    return send("GET", "/v1/routing", "ann").body();
  }

  @Test
  void everyEndpointRefusesACallerWithoutATokenOrWithTooLowARole() throws Exception {
    String before = routing();
    List<String[]> endpoints =
        List.of(
            new String[] {"GET", "/v1/routing", "viewer"},
            new String[] {"GET", "/metrics", "viewer"},
            new String[] {"PUT", "/v1/writer", "operator"},
            new String[] {"POST", "/v1/regions/us-east-1/drain", "operator"},
            new String[] {"POST", "/v1/regions/us-east-1/undrain", "operator"},
            new String[] {"PUT", "/v1/regions/us-east-1/instances", "admin"});
    for (String[] e : endpoints) {
      HttpResponse<String> none = send(e[0], e[1], null);
      assertThat(none.statusCode()).as(e[0] + " " + e[1]).isEqualTo(401);
      assertThat(none.headers().firstValue("Content-Type")).contains("application/problem+json");
      String tooLow = e[2].equals("admin") ? "oscar" : e[2].equals("operator") ? "ann" : null;
      if (tooLow != null) {
        HttpResponse<String> refused = send(e[0], e[1], tooLow);
        assertThat(refused.statusCode()).as(e[0] + " " + e[1] + " by " + tooLow).isEqualTo(403);
        assertThat(refused.body()).contains("(expected: " + e[2] + " or above)");
      }
    }
    assertThat(routing()).isEqualTo(before);
  }

  @Test
  void eachRoleDoesWhatItMay() throws Exception {
    assertThat(send("GET", "/metrics", "ann").statusCode()).isEqualTo(200);
    assertThat(send("PUT", "/v1/writer", "oscar").statusCode()).isEqualTo(200);
    assertThat(send("PUT", "/v1/regions/us-east-1/instances", "ada").statusCode()).isEqualTo(200);

    assertThat(routing()).contains("\"writer\":\"us-east-1\"").contains("127.0.0.1:1");
  }
}
