package io.summit.dr.router.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.summit.dr.access.CertificateAuthority;
import io.summit.dr.access.Tls;
import io.summit.dr.router.Role;
import io.summit.dr.router.Router;
import io.summit.dr.router.RouterCommand;
import io.summit.dr.router.RouterConfig;
import io.summit.dr.topology.TopologyLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The router's admin API with {@code --tls-cert} and {@code --tls-key}: it answers over HTTPS to a
 * client that trusts its authority, fails the handshake of one that does not, gives plain HTTP no
 * answer, and a half-given or bad option stops the router before it listens.
 */
class AdminTlsTest {
  private static final String TOPOLOGY = AdminAccessTest.TOPOLOGY;

  @TempDir Path dir;
  private CertificateAuthority.Files ca;
  private Router router;

  @BeforeEach
  void start() {
    ca =
        CertificateAuthority.create(
            dir.resolve("tls"), "admin-tls-test CA", List.of("127.0.0.1", "localhost"));
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
            null,
            Tls.server(ca.serverCert(), ca.serverKey()));
  }

  @AfterEach
  void close() {
    router.close();
  }

  private URI admin(String scheme, String path) {
    return URI.create(scheme + "://127.0.0.1:" + router.adminAddress().getPort() + path);
  }

  private static HttpResponse<String> send(SSLContext trust, HttpRequest request)
      throws IOException, InterruptedException {
    return Tls.client(Duration.ofSeconds(2), trust)
        .send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void answersOverHttpsToAClientThatTrustsItsAuthority() throws Exception {
    SSLContext trust = Tls.trusting(ca.caCert());
    HttpResponse<String> put =
        send(
            trust,
            HttpRequest.newBuilder(admin("https", "/v1/writer"))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"region\":\"us-east-1\"}"))
                .build());
    assertThat(put.statusCode()).isEqualTo(200);
    HttpResponse<String> routing =
        send(trust, HttpRequest.newBuilder(admin("https", "/v1/routing")).build());
    assertThat(routing.body()).contains("\"writer\":\"us-east-1\"");
  }

  @Test
  void refusesAClientThatTrustsOnlyTheJdksAuthorities() {
    assertThatThrownBy(
            () ->
                send(
                    SSLContext.getDefault(),
                    HttpRequest.newBuilder(admin("https", "/healthz")).build()))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void givesPlainHttpNoAnswer() {
    HttpRequest plain =
        HttpRequest.newBuilder(admin("http", "/healthz")).timeout(Duration.ofSeconds(2)).build();
    assertThatThrownBy(
            () -> HttpClient.newHttpClient().send(plain, HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void aCertificateWithoutItsKeyOrAKeyOpenToOthersStopsTheRouterNamingTheOption() throws Exception {
    Path config = Files.writeString(dir.resolve("topology.yaml"), TOPOLOGY);
    List<String> base =
        List.of("--config", config.toString(), "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0");

    String alone = run(base, "--tls-cert", ca.serverCert().toString());
    assertThat(alone).contains("--tls-key: missing (expected: --tls-cert and --tls-key together");

    Path openKey = Files.copy(ca.serverKey(), dir.resolve("open.key"));
    Files.setPosixFilePermissions(
        openKey, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    String open =
        run(base, "--tls-cert", ca.serverCert().toString(), "--tls-key", openKey.toString());
    assertThat(open).contains("--tls-key: ").contains(openKey.toString());
  }

  /** Runs {@code summit-dr router} with {@code base} and {@code more}; what it printed on error. */
  private static String run(List<String> base, String... more) {
    StringWriter err = new StringWriter();
    CommandLine cli = RouterCommand.commandLine().setErr(new PrintWriter(err));
    String[] args =
        java.util.stream.Stream.concat(base.stream(), java.util.Arrays.stream(more))
            .toArray(String[]::new);
    assertThat(cli.execute(args)).as(String.join(" ", args)).isEqualTo(2);
    return err.toString();
  }
}
