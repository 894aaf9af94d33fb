package io.summit.dr.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control servers' one HTTP stack, over real HTTPS. */
class ControlServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private ControlServer server;
  private final AtomicInteger changes = new AtomicInteger();
  private final AtomicReference<String> lastCaller = new AtomicReference<>("-");

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpClient client;
  private URI base;
  private BearerToken viewer;
  private BearerToken operator;

  @org.junit.jupiter.api.BeforeEach
  void serve() throws Exception {
    CertificateAuthority.Files ca =
        CertificateAuthority.create(dir.resolve("tls"), "test CA", List.of("127.0.0.1"));
    viewer = token("viewer");
    operator = token("operator");
    AccessList access =
        AccessList.of(new Principal("ops-viewer", Role.VIEWER), viewer)
            .and(AccessList.of(new Principal("ops-operator", Role.OPERATOR), operator));
    server =
        ControlServer.builder("test api", new InetSocketAddress("127.0.0.1", 0))
            .tls(Tls.server(ca.serverCert(), ca.serverKey()))
            .guard(() -> Guard.of(access, Policy.readsAndChanges(Role.OPERATOR)))
            .maxPayload(1024)
            .routes(
                r ->
                    r.get("/healthz", (req, res) -> res.send("ok\n"))
                        .get(
                            "/v1/state",
                            (req, res) ->
                                ControlServer.json(
                                    res, 200, ("{\"changes\":" + changes.get() + "}").getBytes()))
                        .post(
                            "/v1/items/{id}",
                            (req, res) -> {
                              changes.incrementAndGet();
                              lastCaller.set(
                                  ControlServer.caller(req).map(Principal::name).orElse("-"));
                              String body = req.content().as(String.class);
                              ControlServer.reply(
                                  res,
                                  201,
                                  "text/plain",
                                  req.path().pathParameters().get("id") + " " + body);
                            })
                        .get(
                            "/v1/broken",
                            (req, res) -> {
                              throw new IllegalStateException("the store went away");
                            }))
            .start();
    base = URI.create("https://127.0.0.1:" + server.port());
    client = Tls.client(Duration.ofSeconds(5), Tls.trusting(ca.caCert()));
  }

  private BearerToken token(String name) throws IOException {
    Path file = dir.resolve(name + ".token");
    Files.writeString(file, AccessList.newToken());
    Files.setPosixFilePermissions(
        file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    return BearerToken.read("--token-file", file);
  }

  private HttpResponse<String> call(
      String method, String path, @Nullable BearerToken token, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .method(
                method,
                body.isEmpty()
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      token.sign(b);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode problem(HttpResponse<String> r) throws IOException {
    assertThat(r.headers().firstValue("Content-Type")).contains(Problem.MEDIA_TYPE);
    JsonNode p = JSON.readTree(r.body());
    assertThat(p.path("status").asInt()).isEqualTo(r.statusCode());
    return p;
  }

  @Test
  void theGuardAnswers401And403AsProblemsAndChangesNothing() throws Exception {

    HttpResponse<String> none = call("POST", "/v1/items/a", null, "x");
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate"))
        .contains("Bearer realm=\"summit-dr\"");
    assertThat(problem(none).path("title").asText()).isEqualTo("Unauthorized");

    HttpResponse<String> low = call("POST", "/v1/items/a", viewer, "x");
    assertThat(low.statusCode()).isEqualTo(403);
    assertThat(problem(low).path("detail").asText())
        .isEqualTo("POST /v1/items/a: ops-viewer has role viewer (expected: operator or above)");
    assertThat(changes.get()).isZero();

    HttpResponse<String> read = call("GET", "/v1/state", viewer, "");
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(read.body()).isEqualTo("{\"changes\":0}");

    assertThat(call("GET", "/healthz", null, "").body()).isEqualTo("ok\n");
  }

  @Test
  void anAdmittedRequestKnowsItsCallerAndItsPathParameters() throws Exception {

    HttpResponse<String> r = call("POST", "/v1/items/a-1", operator, "payload");

    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(r.body()).isEqualTo("a-1 payload");
    assertThat(lastCaller.get()).isEqualTo("ops-operator");
    assertThat(changes.get()).isEqualTo(1);
  }

  @Test
  void unroutedRequestsAndFailuresAreProblemsNamingWhatWasExpected() throws Exception {

    HttpResponse<String> missing = call("GET", "/v1/nothing", viewer, "");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(problem(missing).path("detail").asText())
        .isEqualTo("path: /v1/nothing (expected: /healthz, /v1/state, /v1/items/{id}, /v1/broken)");

    HttpResponse<String> wrongMethod = call("DELETE", "/v1/state", operator, "");
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.headers().firstValue("Allow")).contains("GET");
    assertThat(problem(wrongMethod).path("detail").asText())
        .isEqualTo("method: DELETE /v1/state (expected: GET)");

    HttpResponse<String> broken = call("GET", "/v1/broken", viewer, "");
    assertThat(broken.statusCode()).isEqualTo(500);
    assertThat(problem(broken).path("detail").asText())
        .isEqualTo(
            "test api: GET /v1/broken failed: java.lang.IllegalStateException: the store went"
                + " away");

    HttpResponse<String> big = call("POST", "/v1/items/b", operator, "x".repeat(4096));
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(changes.get()).isZero();
  }

  @Test
  void itListensWithHttpsOnlyAndSaysSoWhenItsAddressIsTaken() throws Exception {
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    assertThatThrownBy(
            () ->
                plain.send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + "/healthz"))
                        .timeout(Duration.ofSeconds(2))
                        .build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);

    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(
              () ->
                  ControlServer.builder(
                          "second api", new InetSocketAddress("127.0.0.1", taken.getLocalPort()))
                      .start())
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("second api: cannot listen on 127.0.0.1:" + taken.getLocalPort());
    }
  }
}
