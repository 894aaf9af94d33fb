package io.summit.dr.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control APIs' one client against a real HTTPS server. */
class ApiClientTest {
  @TempDir Path dir;

  private final List<HttpServer> servers = new ArrayList<>();

  /** What the server received: METHOD PATH AUTHORIZATION BODY. */
  private final List<String> received = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(s -> s.stop(0));
  }

  @Test
  void getsAndSendsJsonWithTheTokenOverTls() throws Exception {
    CertificateAuthority.Files ca = ca();
    URI base = serve(ca, 200, "application/json", "{\"writer\":\"us-east-1\"}");
    BearerToken token = token();
    ApiClient client =
        new ApiClient("router", base, token, Tls.trusting(ca.caCert()), Duration.ofSeconds(2));

    assertThat(client.get("/v1/routing").get("writer").asText()).isEqualTo("us-east-1");
    client.send("PUT", "/v1/writer", Map.of("region", "us-west-2"));
    client.send("PUT", "/v1/writer", "{\"region\":null}");

    assertThat(received)
        .containsExactly(
            "GET /v1/routing " + token.authorization() + " ",
            "PUT /v1/writer " + token.authorization() + " {\"region\":\"us-west-2\"}",
            "PUT /v1/writer " + token.authorization() + " {\"region\":null}");
  }

  @Test
  void anEmptyAnswerIsAMissingNode() throws Exception {
    CertificateAuthority.Files ca = ca();
    URI base = serve(ca, 204, "application/json", "");
    ApiClient client =
        new ApiClient("agent", base, null, Tls.trusting(ca.caCert()), Duration.ofSeconds(2));

    JsonNode answer = client.send("POST", "/v1/fence", Map.of());

    assertThat(answer.isMissingNode()).isTrue();
    assertThat(received).containsExactly("POST /v1/fence - {}");
  }

  @Test
  void aRefusalCarriesItsStatusAndTheProblemsDetail() throws Exception {
    CertificateAuthority.Files ca = ca();
    URI base =
        serve(
            ca,
            403,
            "application/problem+json",
            "{\"type\":\"about:blank\",\"title\":\"Forbidden\",\"status\":403,"
                + "\"detail\":\"role viewer may not PUT /v1/writer (expected: operator)\"}");
    ApiClient client =
        new ApiClient("router", base, token(), Tls.trusting(ca.caCert()), Duration.ofSeconds(2));

    assertThatThrownBy(() -> client.send("PUT", "/v1/writer", Map.of("region", "us-west-2")))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(403);
              assertThat(e.explanation())
                  .isEqualTo("role viewer may not PUT /v1/writer (expected: operator)");
            })
        .hasMessage(
            "router PUT /v1/writer: 403 role viewer may not PUT /v1/writer (expected: operator)");
  }

  @Test
  void aNonJsonErrorIsQuotedAndANonJsonAnswerNamed() throws Exception {
    CertificateAuthority.Files ca = ca();
    URI failing = serve(ca, 500, "text/plain", "disk full\n");
    URI garbled = serve(ca, 200, "application/json", "<html>");
    SSLContext trust = Tls.trusting(ca.caCert());

    assertThatThrownBy(
            () ->
                new ApiClient("wan", failing, null, trust, Duration.ofSeconds(2)).get("/v1/links"))
        .isInstanceOf(ApiException.class)
        .hasMessage("wan GET /v1/links: 500 disk full");
    assertThatThrownBy(
            () ->
                new ApiClient("wan", garbled, null, trust, Duration.ofSeconds(2)).get("/v1/links"))
        .isNotInstanceOf(ApiException.class)
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("wan GET /v1/links: not JSON: ");
  }

  @Test
  void noAnswerNamesTheApiAndAnUntrustedCertificateIsNoAnswer() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    ApiClient refused =
        new ApiClient(
            "observer us-east-1",
            URI.create("http://127.0.0.1:" + closed),
            null,
            null,
            Duration.ofMillis(500));
    assertThatThrownBy(() -> refused.get("/v1/view"))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(ApiException.class)
        .hasMessageStartingWith("observer us-east-1 GET /v1/view: ConnectException");

    CertificateAuthority.Files ca = ca();
    URI base = serve(ca, 200, "application/json", "{}");
    ApiClient jdkOnly = new ApiClient("router", base, null, null, Duration.ofSeconds(2));
    assertThatThrownBy(() -> jdkOnly.get("/v1/routing"))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("router GET /v1/routing: SSLHandshakeException");
    assertThat(received).isEmpty();
  }

  @Test
  void anInterruptedCallSaysSoAndKeepsTheFlag() throws Exception {
    CertificateAuthority.Files ca = ca();
    URI base = serve(ca, 200, "application/json", "{}");
    ApiClient client =
        new ApiClient("router", base, null, Tls.trusting(ca.caCert()), Duration.ofSeconds(2));
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> client.get("/v1/routing"))
          .isInstanceOf(InterruptedIOException.class)
          .hasMessage("router GET /v1/routing: interrupted");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void sendAsyncAnswersTheBodyAndSendsTheTokenAndTheJson() throws Exception {
    CertificateAuthority.Files ca = ca();
    URI base = serve(ca, 202, "text/plain", "queued\n");
    BearerToken token = token();
    ApiClient client =
        new ApiClient("replicator", base, token, Tls.trusting(ca.caCert()), Duration.ofSeconds(2));

    CompletableFuture<String> answer =
        client.sendAsync("POST", "/v1/events", Map.of("key", "entities/1.json"));

    assertThat(answer.get(5, TimeUnit.SECONDS)).isEqualTo("queued\n");
    assertThat(received)
        .containsExactly(
            "POST /v1/events " + token.authorization() + " {\"key\":\"entities/1.json\"}");
  }

  @Test
  void sendAsyncCompletesWithTheRefusalSendWouldThrow() throws Exception {
    CertificateAuthority.Files ca = ca();
    URI base =
        serve(
            ca,
            401,
            "application/problem+json",
            "{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,"
                + "\"detail\":\"no bearer token (expected: a listed caller's)\"}");
    ApiClient client =
        new ApiClient("replicator", base, null, Tls.trusting(ca.caCert()), Duration.ofSeconds(2));

    CompletableFuture<String> answer = client.sendAsync("POST", "/v1/events", "{\"key\":\"a\"}");

    assertThatThrownBy(() -> answer.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(401);
              assertThat(e.explanation())
                  .isEqualTo("no bearer token (expected: a listed caller's)");
            })
        .hasMessage(
            "replicator POST /v1/events: 401 no bearer token (expected: a listed caller's)");
    assertThatThrownBy(() -> client.send("POST", "/v1/events", "{\"key\":\"a\"}"))
        .hasMessage(
            "replicator POST /v1/events: 401 no bearer token (expected: a listed caller's)");
    assertThat(received)
        .containsExactly("POST /v1/events - {\"key\":\"a\"}", "POST /v1/events - {\"key\":\"a\"}");
  }

  @Test
  void sendAsyncWithoutAnAnswerNamesTheApiTheMethodAndThePath() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    ApiClient refused =
        new ApiClient(
            "replicator of summit-dr-objects-us-west-2",
            URI.create("http://127.0.0.1:" + closed),
            token(),
            null,
            Duration.ofMillis(500));

    CompletableFuture<String> answer = refused.sendAsync("POST", "/v1/events", Map.of("key", "a"));

    assertThatThrownBy(() -> answer.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(ApiException.class)
        .hasMessageStartingWith(
            "replicator of summit-dr-objects-us-west-2 POST /v1/events: ConnectException");
  }

  private CertificateAuthority.Files ca() {
    return CertificateAuthority.create(dir.resolve("tls"), "test CA", List.of("127.0.0.1"));
  }

  private BearerToken token() throws IOException {
    Path file = dir.resolve("caller.token");
    if (!Files.exists(file)) {
      Files.writeString(file, AccessList.newToken());
      Files.setPosixFilePermissions(
          file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }
    return BearerToken.read("--token-file", file);
  }

  private URI serve(CertificateAuthority.Files ca, int status, String type, String body)
      throws IOException {
    HttpServer server =
        Tls.listen(
            new InetSocketAddress("127.0.0.1", 0), 8, Tls.server(ca.serverCert(), ca.serverKey()));
    server.createContext(
        "/",
        x -> {
          String in = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          @Nullable String auth = x.getRequestHeaders().getFirst("Authorization");
          received.add(
              x.getRequestMethod()
                  + " "
                  + x.getRequestURI().getPath()
                  + " "
                  + (auth == null ? "-" : auth)
                  + " "
                  + in);
          byte[] out = body.getBytes(StandardCharsets.UTF_8);
          x.getResponseHeaders().set("Content-Type", type);
          x.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
          if (out.length > 0) {
            x.getResponseBody().write(out);
          }
          x.close();
        });
    server.start();
    servers.add(server);
    return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
  }
}
