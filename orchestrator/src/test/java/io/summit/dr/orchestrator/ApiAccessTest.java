package io.summit.dr.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.summit.dr.access.AccessDirectory;
import io.summit.dr.access.AccessList;
import io.summit.dr.access.Principal;
import io.summit.dr.access.Role;
import io.summit.dr.orchestrator.api.ApiServer;
import io.summit.dr.orchestrator.api.ReplicaServer;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreRole;
import io.summit.dr.topology.Topology;
import io.summit.dr.topology.TopologyLoader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The orchestrator API with an access list ({@code --access-file}) and the AWS alarm hook's token
 * ({@code --api-token-file}): every endpoint but {@code GET /healthz} is tried without a token,
 * with a wrong one and with too low a role; nothing changes on a refusal, and the audit log names
 * the authenticated caller. A replica's CORS: its peers' origins only, preflights before the guard,
 * the guard's answers unchanged.
 */
class ApiAccessTest {
  private static final String HOOK_TOKEN = "0123456789abcdefghijklmnopqrstuv";
  private static final List<String> READS =
      List.of(
          "/v1/status",
          "/v1/plans",
          "/v1/plans/none",
          "/v1/endpoints",
          "/v1/events/recent",
          "/v1/events",
          "/v1/audit",
          "/metrics");
  private static final List<String> CHANGES = List.of("/v1/plans", "/v1/plans/none/approve");

  @TempDir Path state;
  @TempDir Path secrets;
  private final FakeStores stores = new FakeStores(Clock.systemUTC());
  private final HttpClient http = HttpClient.newHttpClient();
  private Orchestrator orchestrator;
  private ApiServer api;
  private URI base;
  private AccessDirectory creds;

  @BeforeEach
  void start() throws Exception {
    Topology lab = TopologyLoader.load(Path.of("..", "examples", "lab.yaml"));
    for (String store : List.of("postgres", "redis")) {
      stores.node(store, "us-west-2").role = StoreRole.PRIMARY;
      stores.node(store, "us-east-1").role = StoreRole.REPLICA;
    }
    orchestrator = new Orchestrator(lab, stores, null, null, state, Clock.systemUTC());
    orchestrator.resume();
    creds =
        AccessDirectory.create(
            secrets.resolve("access"),
            List.of(
                new Principal("ann", Role.VIEWER),
                new Principal("oscar", Role.OPERATOR),
                new Principal("ada", Role.ADMIN)));
    OrchestratorMain.Options options =
        new OrchestratorMain.Options(
                Path.of("x.yaml"), state, Endpoint.parse("127.0.0.1:1"), null, null, Map.of())
            .withApiTokenFile(tokenFile(HOOK_TOKEN, "rw-------"))
            .withAccess(creds.accessList(), null);
    api =
        new ApiServer(orchestrator, new InetSocketAddress("127.0.0.1", 0), Map::of)
            .require(options.access().orElseThrow());
    api.start();
    base = URI.create("http://127.0.0.1:" + api.address().orElseThrow().getPort());
  }

  @AfterEach
  void stop() {
    // A plan a test started keeps writing to the state directory until it ends: let it end before
    // the directory is deleted (the orchestrator's close does not stop a running plan).
    try {
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(30))
          .until(() -> orchestrator.plans().running().isEmpty());
    } catch (org.awaitility.core.ConditionTimeoutException stillRunning) {
      // a plan waiting for an approval the test never gave: the test's own failure says why
    }
    api.close();
    orchestrator.close();
  }

  private Path tokenFile(String content, String mode) throws Exception {
    Path file = Files.createTempFile(secrets, "token", "");
    Files.writeString(file, content + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    return file;
  }

  private @Nullable String bearer(String name) {
    return creds.token(name).authorization();
  }

  private HttpResponse<String> call(String method, String path, @Nullable String authorization)
      throws Exception {
    String body =
        path.equals("/v1/plans")
            ? "{\"kind\":\"failover\",\"to\":\"us-east-1\",\"force\":true,"
                + "\"requested_by\":\"cloudwatch-alarm test\"}"
            : "{}";
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(java.time.Duration.ofSeconds(5))
            .header("Content-Type", "application/json")
            .method(
                method,
                method.equals("GET")
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void everyEndpointButHealthzRefusesAMissingOrWrongTokenWith401AndNothingChanges()
      throws Exception {
    String wrong = "Bearer " + HOOK_TOKEN.replace('0', 'x');
    for (String path : READS) {
      for (String auth : new String[] {null, wrong, "Basic dXNlcjpwYXNz"}) {
        HttpResponse<String> r = call("GET", path, auth);
        assertThat(r.statusCode()).as("GET " + path + " with " + auth).isEqualTo(401);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(r.headers().firstValue("WWW-Authenticate"))
            .contains("Bearer realm=\"summit-dr\"");
        assertThat(r.body()).contains("\"status\" : 401").doesNotContain(HOOK_TOKEN);
      }
    }
    for (String path : CHANGES) {
      assertThat(call("POST", path, null).body()).contains("Authorization: missing");
      assertThat(call("POST", path, wrong).body()).contains("the bearer token is nobody's");
      assertThat(call("POST", path, "Basic dXNlcjpwYXNz").body()).contains("not a bearer token");
    }
    assertThat(call("GET", "/healthz", null).statusCode()).isEqualTo(200);
    assertThat(orchestrator.plans().plans()).isEmpty();
    assertThat(orchestrator.audit().entries()).isEmpty();
    assertThat(orchestrator.writerRegion()).isEqualTo("us-west-2");
  }

  @Test
  void aViewerReadsEverythingAndIsRefusedEveryChangeWith403() throws Exception {
    for (String path : READS) {
      if (path.equals("/v1/events")) {
        continue; // a stream: admitted, it would not end
      }
      int expected = path.equals("/v1/plans/none") ? 404 : 200;
      assertThat(call("GET", path, bearer("ann")).statusCode()).as(path).isEqualTo(expected);
    }
    for (String path : CHANGES) {
      HttpResponse<String> r = call("POST", path, bearer("ann"));
      assertThat(r.statusCode()).as(path).isEqualTo(403);
      assertThat(r.body())
          .contains("POST " + path + ": ann has role viewer (expected: operator or above)");
      assertThat(r.headers().firstValue("WWW-Authenticate"))
          .hasValueSatisfying(h -> assertThat(h).contains("insufficient_scope"));
    }
    assertThat(orchestrator.plans().plans()).isEmpty();
    assertThat(orchestrator.writerRegion()).isEqualTo("us-west-2");
  }

  @Test
  void anOperatorStartsAPlanRecordedUnderItsAuthenticatedName() throws Exception {
    HttpResponse<String> started = call("POST", "/v1/plans", bearer("oscar"));

    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    assertThat(orchestrator.plans().plans())
        .singleElement()
        .satisfies(p -> assertThat(p.requestedBy()).isEqualTo("oscar (for cloudwatch-alarm test)"));
    assertThat(orchestrator.audit().entries())
        .first()
        .satisfies(e -> assertThat(e.who()).isEqualTo("oscar (for cloudwatch-alarm test)"));
  }

  @Test
  void theAlarmHooksTokenIsAnOperatorNamedApiToken() throws Exception {
    HttpResponse<String> started = call("POST", "/v1/plans", "Bearer " + HOOK_TOKEN);

    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    assertThat(orchestrator.plans().plans().get(0).requestedBy())
        .isEqualTo("api-token (for cloudwatch-alarm test)");
  }

  @Test
  void withOnlyTheAlarmHooksTokenReadsStayOpenAndAPlanNeedsTheToken() throws Exception {
    OrchestratorMain.Options hookOnly =
        new OrchestratorMain.Options(
                Path.of("x.yaml"), state, Endpoint.parse("127.0.0.1:1"), null, null, Map.of())
            .withApiTokenFile(tokenFile(HOOK_TOKEN, "rw-------"));
    api.require(hookOnly.access().orElseThrow(), hookOnly.policy());

    assertThat(call("GET", "/v1/status", null).statusCode()).isEqualTo(200);
    assertThat(call("POST", "/v1/plans", null).statusCode()).isEqualTo(401);
    assertThat(call("POST", "/v1/plans", bearer("oscar")).statusCode()).isEqualTo(401);
    assertThat(call("POST", "/v1/plans", "Bearer " + HOOK_TOKEN).statusCode()).isEqualTo(202);
  }

  @Test
  void aFollowerReplicaRefusesBeforeItRedirects() throws Exception {
    ReplicaServer follower =
        new ReplicaServer(
                new InetSocketAddress("127.0.0.1", 0), "b", () -> Optional.of("127.0.0.1:1"))
            .require(AccessList.read("--access-file", creds.accessList()));
    follower.start();
    try {
      URI at = URI.create("http://127.0.0.1:" + follower.port());
      HttpRequest.Builder plan =
          HttpRequest.newBuilder(at.resolve("/v1/plans"))
              .POST(HttpRequest.BodyPublishers.ofString("{}"));
      HttpResponse<String> anonymous =
          http.send(plan.build(), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> viewer =
          http.send(
              plan.copy().header("Authorization", bearer("ann")).build(),
              HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> operator =
          http.send(
              plan.copy().header("Authorization", bearer("oscar")).build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(viewer.statusCode()).isEqualTo(403);
      assertThat(operator.statusCode()).isEqualTo(307);
      assertThat(operator.headers().firstValue("Location")).contains("http://127.0.0.1:1/v1/plans");
    } finally {
      follower.close();
    }
  }

  @Test
  void aFollowerListeningWithTlsRedirectsToTheLeaderOverHttpsAndAllowsHttpsOriginsOnly()
      throws Exception {
    io.summit.dr.access.CertificateAuthority.Files tls =
        io.summit.dr.access.CertificateAuthority.create(
            state.resolve("tls"), "test CA", List.of("127.0.0.1"));
    ReplicaServer follower =
        new ReplicaServer(
                new InetSocketAddress("127.0.0.1", 0),
                "b",
                () -> Optional.of("127.0.0.1:1"),
                () ->
                    List.of(
                        new ReplicaServer.Peer("a", "127.0.0.1:1", true),
                        new ReplicaServer.Peer("b", "127.0.0.1:3", true)),
                io.summit.dr.access.Tls.server(tls.serverCert(), tls.serverKey()))
            .require(AccessList.read("--access-file", creds.accessList()));
    follower.start();
    try (java.net.http.HttpClient trusting =
        java.net.http.HttpClient.newBuilder()
            .sslContext(io.summit.dr.access.Tls.trusting(tls.caCert()))
            .build()) {
      URI at = URI.create("https://127.0.0.1:" + follower.port());
      HttpResponse<String> operator =
          trusting.send(
              HttpRequest.newBuilder(at.resolve("/v1/plans"))
                  .POST(HttpRequest.BodyPublishers.ofString("{}"))
                  .header("Authorization", bearer("oscar"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> httpsOrigin =
          trusting.send(
              HttpRequest.newBuilder(at.resolve("/v1/replica"))
                  .header("Origin", "https://127.0.0.1:1")
                  .header("Authorization", bearer("ann"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> httpOrigin =
          trusting.send(
              HttpRequest.newBuilder(at.resolve("/v1/replica"))
                  .header("Origin", "http://127.0.0.1:1")
                  .header("Authorization", bearer("ann"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(operator.statusCode()).isEqualTo(307);
      assertThat(operator.headers().firstValue("Location"))
          .contains("https://127.0.0.1:1/v1/plans");
      assertThat(httpsOrigin.headers().firstValue("Access-Control-Allow-Origin"))
          .contains("https://127.0.0.1:1");
      assertThat(httpOrigin.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
      // plain HTTP to a TLS listener: no answer at all
      assertThatThrownBy(
              () ->
                  http.send(
                      HttpRequest.newBuilder(
                              URI.create("http://127.0.0.1:" + follower.port() + "/healthz"))
                          .timeout(java.time.Duration.ofSeconds(5))
                          .build(),
                      HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(java.io.IOException.class);
    } finally {
      follower.close();
    }
  }

  @Test
  void aCertificateWithoutItsKeyOrAKeyOthersCanReadIsRefusedNamingTheFlag() throws Exception {
    io.summit.dr.access.CertificateAuthority.Files tls =
        io.summit.dr.access.CertificateAuthority.create(
            state.resolve("tls"), "test CA", List.of("127.0.0.1"));
    String[] base = {"--config", "x.yaml", "--state-dir", "s", "--listen", "127.0.0.1:8080"};

    assertThatThrownBy(
            () -> OrchestratorMain.parse(with(base, "--tls-cert", tls.serverCert().toString())))
        .hasMessage("--tls-key: missing (expected: --tls-cert and --tls-key together, or neither)");
    java.nio.file.Files.setPosixFilePermissions(
        tls.serverKey(), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(
            () ->
                OrchestratorMain.parse(
                    with(
                        base,
                        "--tls-cert",
                        tls.serverCert().toString(),
                        "--tls-key",
                        tls.serverKey().toString())))
        .hasMessageStartingWith("--tls-key: " + tls.serverKey() + " has mode rw-r--r--");
    java.nio.file.Files.setPosixFilePermissions(
        tls.serverKey(), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    assertThat(
            OrchestratorMain.parse(
                    with(
                        base,
                        "--tls-cert",
                        tls.serverCert().toString(),
                        "--tls-key",
                        tls.serverKey().toString()))
                .tls())
        .isNotNull();
  }

  @Test
  void theRouterAdminIsAnHttpsUrlTrustedThroughTheCaFile() throws Exception {
    io.summit.dr.access.CertificateAuthority.Files tls =
        io.summit.dr.access.CertificateAuthority.create(
            state.resolve("tls"), "test CA", List.of("127.0.0.1"));
    String[] base = {"--config", "x.yaml", "--state-dir", "s", "--listen", "127.0.0.1:8080"};

    OrchestratorMain.Options o =
        OrchestratorMain.parse(
            with(
                base,
                "--router-admin",
                "https://127.0.0.1:7321",
                "--ca-file",
                tls.caCert().toString()));
    assertThat(o.routerAdmin()).hasToString("https://127.0.0.1:7321");
    assertThat(o.trust()).isNotNull();
    assertThat(OrchestratorMain.parse(with(base, "--router-admin", "127.0.0.1:7321")).routerAdmin())
        .hasToString("http://127.0.0.1:7321");
    assertThatThrownBy(
            () -> OrchestratorMain.parse(with(base, "--router-admin", "ftp://127.0.0.1:7321")))
        .hasMessageStartingWith("--router-admin: 'ftp://127.0.0.1:7321' (expected: https://");
    assertThatThrownBy(
            () -> OrchestratorMain.parse(with(base, "--ca-file", tls.serverKey().toString())))
        .hasMessageStartingWith("--ca-file: ");
  }

  private static String[] with(String[] base, String... more) {
    List<String> all = new java.util.ArrayList<>(List.of(base));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  @Test
  void aReplicasOriginGetsCorsHeadersAndItsPreflightNeedsNoTokenButAnotherOriginGetsNeither()
      throws Exception {
    String page = "http://127.0.0.1:2";
    ReplicaServer leader =
        new ReplicaServer(
                new InetSocketAddress("127.0.0.1", 0),
                "a",
                Optional::empty,
                () ->
                    List.of(
                        new ReplicaServer.Peer("a", "127.0.0.1:2", true),
                        new ReplicaServer.Peer("b", "127.0.0.1:3", false)))
            .require(AccessList.read("--access-file", creds.accessList()));
    leader.lead(api);
    leader.start();
    try {
      URI at = URI.create("http://127.0.0.1:" + leader.port());
      HttpRequest.Builder preflight =
          HttpRequest.newBuilder(at.resolve("/v1/plans"))
              .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
              .header("Access-Control-Request-Method", "POST")
              .header("Access-Control-Request-Headers", "authorization,content-type");
      HttpResponse<String> fromReplica = send(preflight.copy().header("Origin", page));
      HttpResponse<String> fromElsewhere =
          send(preflight.copy().header("Origin", "http://evil.example"));
      HttpResponse<String> notAPreflight =
          send(
              HttpRequest.newBuilder(at.resolve("/v1/plans"))
                  .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                  .header("Origin", page));
      HttpRequest.Builder replica =
          HttpRequest.newBuilder(at.resolve("/v1/replica")).header("Origin", page);
      HttpResponse<String> anonymous = send(replica.copy());
      HttpResponse<String> viewer = send(replica.copy().header("Authorization", bearer("ann")));
      HttpResponse<String> viewerElsewhere =
          send(
              HttpRequest.newBuilder(at.resolve("/v1/replica"))
                  .header("Origin", "http://evil.example")
                  .header("Authorization", bearer("ann")));
      HttpResponse<String> dashboard = send(HttpRequest.newBuilder(at.resolve("/")));

      assertThat(fromReplica.statusCode()).isEqualTo(204);
      assertThat(fromReplica.headers().firstValue("Access-Control-Allow-Origin")).contains(page);
      assertThat(fromReplica.headers().firstValue("Access-Control-Allow-Headers"))
          .hasValueSatisfying(h -> assertThat(h).contains("Authorization"));
      assertThat(fromReplica.headers().firstValue("Access-Control-Allow-Methods"))
          .hasValueSatisfying(m -> assertThat(m).contains("POST"));
      assertThat(fromElsewhere.statusCode()).isEqualTo(403);
      assertThat(fromElsewhere.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
      assertThat(fromElsewhere.body()).contains("is not a replica of this control plane");
      assertThat(notAPreflight.statusCode()).isEqualTo(401);
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(anonymous.headers().firstValue("Content-Type"))
          .contains("application/problem+json");
      assertThat(anonymous.headers().firstValue("Access-Control-Allow-Origin")).contains(page);
      assertThat(viewer.statusCode()).isEqualTo(200);
      assertThat(viewer.headers().firstValue("Access-Control-Allow-Origin")).contains(page);
      assertThat(viewer.body()).contains("\"replicas\"", "127.0.0.1:3", "\"leader\":true");
      assertThat(viewerElsewhere.statusCode()).isEqualTo(200);
      assertThat(viewerElsewhere.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
      assertThat(dashboard.headers().firstValue("Content-Security-Policy"))
          .hasValueSatisfying(
              csp ->
                  assertThat(csp)
                      .contains("connect-src 'self' http://127.0.0.1:2 http://127.0.0.1:3;"));
      assertThat(orchestrator.plans().plans()).isEmpty();
    } finally {
      leader.close();
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aTokenFileOthersCanReadOrThatHoldsTooLittleIsRefusedNamingTheFlag() throws Exception {
    Path open = tokenFile(HOOK_TOKEN, "rw-r--r--");

    assertThatThrownBy(
            () ->
                OrchestratorMain.parse(
                    new String[] {
                      "--config",
                      "x.yaml",
                      "--state-dir",
                      "s",
                      "--listen",
                      "127.0.0.1:8080",
                      "--api-token-file",
                      open.toString()
                    }))
        .hasMessageStartingWith("--api-token-file: " + open + " has mode rw-r--r--");
    assertThatThrownBy(
            () ->
                OrchestratorMain.parse(
                    new String[] {
                      "--config",
                      "x.yaml",
                      "--state-dir",
                      "s",
                      "--listen",
                      "127.0.0.1:8080",
                      "--access-file",
                      open.toString()
                    }))
        .hasMessageStartingWith("--access-file: " + open + " has mode rw-r--r--");
    assertThatThrownBy(
            () ->
                OrchestratorMain.parse(
                    new String[] {"--config", "x.yaml", "--state-dir", "s", "--listen", "h:0"}))
        .hasMessageStartingWith("--listen: ");
  }
}
