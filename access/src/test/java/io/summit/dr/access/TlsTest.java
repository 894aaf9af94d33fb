package io.summit.dr.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsTest {
  @TempDir Path dir;
  private @org.jspecify.annotations.Nullable HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private URI serve(CertificateAuthority.Files files) throws IOException {
    HttpServer server =
        Tls.listen(
            new InetSocketAddress("127.0.0.1", 0),
            8,
            Tls.server(files.serverCert(), files.serverKey()));
    server.createContext(
        "/",
        x -> {
          byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
          x.sendResponseHeaders(200, body.length);
          x.getResponseBody().write(body);
          x.close();
        });
    server.start();
    this.server = server;
    return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  private static HttpResponse<String> get(SSLContext trust, URI uri)
      throws IOException, InterruptedException {
    HttpClient client =
        HttpClient.newBuilder().sslContext(trust).connectTimeout(Duration.ofSeconds(2)).build();
    return client.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aClientTrustingTheAuthorityReachesItsServerByAddress() throws Exception {
    CertificateAuthority.Files files =
        CertificateAuthority.create(
            dir.resolve("tls"), "test CA", List.of("127.0.0.1", "localhost"));

    URI uri = serve(files);

    assertThat(get(Tls.trusting(files.caCert()), uri).body()).isEqualTo("ok");
  }

  @Test
  void aClientTrustingAnotherAuthorityIsRefusedTheHandshake() throws Exception {
    CertificateAuthority.Files ours =
        CertificateAuthority.create(dir.resolve("ours"), "ours", List.of("127.0.0.1"));
    CertificateAuthority.Files theirs =
        CertificateAuthority.create(dir.resolve("theirs"), "theirs", List.of("127.0.0.1"));

    URI uri = serve(ours);

    assertThatThrownBy(() -> get(Tls.trusting(theirs.caCert()), uri))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void aCertificateForOtherHostsIsRefusedByHostnameVerification() throws Exception {
    CertificateAuthority.Files files =
        CertificateAuthority.create(dir.resolve("tls"), "test CA", List.of("db.example"));

    URI uri = serve(files);

    assertThatThrownBy(() -> get(Tls.trusting(files.caCert()), uri))
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("127.0.0.1");
  }

  @Test
  void aPlainHttpClientGetsNoAnswerFromATlsServer() throws Exception {
    CertificateAuthority.Files files =
        CertificateAuthority.create(dir.resolve("tls"), "test CA", List.of("127.0.0.1"));
    URI uri = serve(files);
    URI plain = URI.create(uri.toString().replace("https://", "http://"));

    assertThatThrownBy(() -> get(SSLContext.getDefault(), plain)).isInstanceOf(IOException.class);
  }

  @Test
  void aSecondCreateKeepsTheAuthorityAndReissuesOnlyForNewHosts() throws Exception {
    Path tls = dir.resolve("tls");
    CertificateAuthority.Files first =
        CertificateAuthority.create(tls, "test CA", List.of("127.0.0.1"));
    byte[] ca = Files.readAllBytes(first.caCert());
    byte[] server = Files.readAllBytes(first.serverCert());

    CertificateAuthority.create(tls, "test CA", List.of("127.0.0.1"));
    assertThat(Files.readAllBytes(first.caCert())).isEqualTo(ca);
    assertThat(Files.readAllBytes(first.serverCert())).isEqualTo(server);

    CertificateAuthority.create(tls, "test CA", List.of("127.0.0.1", "localhost"));
    assertThat(Files.readAllBytes(first.caCert())).isEqualTo(ca);
    X509Certificate reissued =
        (X509Certificate) CertificateAuthority.read(first.serverCert()).get(0);
    assertThat(reissued.getSubjectAlternativeNames())
        .extracting(san -> String.valueOf(san.get(1)))
        .containsExactlyInAnyOrder("127.0.0.1", "localhost");
  }

  @Test
  void anAuthorityMadeAgainIssuesANewServerCertificateItsClientsTrust() throws Exception {
    Path tls = dir.resolve("tls");
    CertificateAuthority.Files files =
        CertificateAuthority.create(tls, "test CA", List.of("127.0.0.1"));
    Files.delete(tls.resolve(CertificateAuthority.CA_KEY));

    CertificateAuthority.create(tls, "test CA", List.of("127.0.0.1"));
    URI uri = serve(files);

    assertThat(get(Tls.trusting(files.caCert()), uri).body()).isEqualTo("ok");
  }

  @Test
  void keysAreOwnerOnlyInAnOwnerOnlyDirectory() throws Exception {
    Path tls = dir.resolve("tls");
    CertificateAuthority.Files files =
        CertificateAuthority.create(tls, "test CA", List.of("127.0.0.1"));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls)))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.serverKey())))
        .isEqualTo("rw-------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(tls.resolve(CertificateAuthority.CA_KEY))))
        .isEqualTo("rw-------");
  }

  @Test
  void aKeyOpenToOthersOrNotPemIsRefusedNamingTheOption() throws Exception {
    CertificateAuthority.Files files =
        CertificateAuthority.create(dir.resolve("tls"), "test CA", List.of("127.0.0.1"));
    Files.setPosixFilePermissions(files.serverKey(), PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(() -> Tls.server(files.serverCert(), files.serverKey()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--tls-key")
        .hasMessageContaining("chmod 600");

    Files.writeString(files.serverKey(), "not a key\n");
    Files.setPosixFilePermissions(files.serverKey(), PosixFilePermissions.fromString("rw-------"));
    assertThatThrownBy(() -> Tls.server(files.serverCert(), files.serverKey()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--tls-key")
        .hasMessageContaining("BEGIN PRIVATE KEY");
  }

  @Test
  void aCaFileWithoutCertificatesIsRefusedNamingTheOption() throws Exception {
    Path empty = Files.writeString(dir.resolve("ca.crt"), "nothing here\n");

    assertThatThrownBy(() -> Tls.trusting(empty))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--ca-file");
    assertThatThrownBy(() -> Tls.trusting(dir.resolve("missing.crt")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--ca-file")
        .hasMessageContaining("cannot read");
  }

  @Test
  void aKeyThatDoesNotMatchTheCertificateIsRefused() throws Exception {
    CertificateAuthority.Files a =
        CertificateAuthority.create(dir.resolve("a"), "a", List.of("127.0.0.1"));
    CertificateAuthority.Files b =
        CertificateAuthority.create(dir.resolve("b"), "b", List.of("127.0.0.1"));

    assertThatThrownBy(() -> Tls.server(a.serverCert(), b.serverKey()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--tls-key")
        .hasMessageContaining("is not the key of the certificate");
  }

  @Test
  void aControlApiAddressIsAnHttpOrHttpsUrlOrABareHostAndPort() {
    assertThat(Tls.url("--router-admin", "https://127.0.0.1:7321"))
        .hasToString("https://127.0.0.1:7321");
    assertThat(Tls.url("--router-admin", "https://127.0.0.1:7321/"))
        .hasToString("https://127.0.0.1:7321");
    assertThat(Tls.url("--router-admin", "127.0.0.1:7321")).hasToString("http://127.0.0.1:7321");
    for (String bad :
        List.of(
            "ftp://127.0.0.1:7321",
            "https://127.0.0.1",
            "https://127.0.0.1:0",
            "https://127.0.0.1:7321/v1",
            "https://u@127.0.0.1:7321",
            "127.0.0.1",
            "")) {
      assertThatThrownBy(() -> Tls.url("--router-admin", bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("--router-admin: '" + bad + "' (expected: https://HOST:PORT");
    }
  }

  @Test
  void aServerListensPlainWithNeitherFileAndIsRefusedWithOnlyOne() {
    CertificateAuthority.Files files =
        CertificateAuthority.create(dir.resolve("ca"), "test CA", List.of("127.0.0.1"));
    assertThat(Tls.serverOrPlain(null, null)).isNull();
    assertThat(Tls.serverOrPlain(files.serverCert(), files.serverKey())).isNotNull();
    assertThatThrownBy(() -> Tls.serverOrPlain(files.serverCert(), null))
        .hasMessage("--tls-key: missing (expected: --tls-cert and --tls-key together, or neither)");
    assertThatThrownBy(() -> Tls.serverOrPlain(null, files.serverKey()))
        .hasMessageStartingWith("--tls-cert: missing");
  }

  @Test
  void everyDaemonTakesItsCertificateAndKeyOutOfItsCommandLine() {
    CertificateAuthority.Files files =
        CertificateAuthority.create(dir.resolve("ca"), "test CA", List.of("127.0.0.1"));
    AccessOptions both =
        AccessOptions.split(
            List.of(
                "--region",
                "r",
                "--tls-cert",
                files.serverCert().toString(),
                "--tls-key",
                files.serverKey().toString(),
                "--ca-file",
                files.caCert().toString()));
    assertThat(both.rest()).containsExactly("--region", "r");
    assertThat(both.serverTls()).isNotNull();
    assertThat(both.trust()).isPresent();
    assertThat(AccessOptions.split(List.of("--region", "r")).serverTls()).isNull();
    assertThatThrownBy(
            () -> AccessOptions.split(List.of("--tls-cert", files.serverCert().toString())))
        .hasMessageStartingWith("--tls-key: missing");
    assertThatThrownBy(() -> AccessOptions.split(List.of("--tls-key")))
        .hasMessage("--tls-key: missing value (expected: a file)");
  }

  @Test
  void aClientTrustingTheAuthorityBesidesTheJdksReachesItsServerAndNoOtherAuthoritys()
      throws Exception {
    CertificateAuthority.Files ours =
        CertificateAuthority.create(dir.resolve("ours"), "our CA", List.of("127.0.0.1"));
    CertificateAuthority.Files theirs =
        CertificateAuthority.create(dir.resolve("theirs"), "their CA", List.of("127.0.0.1"));
    SSLContext both = Tls.trustingAlso(ours.caCert());
    URI ourServer = serve(ours);
    assertThat(get(both, ourServer).body()).isEqualTo("ok");
    java.util.Objects.requireNonNull(server).stop(0);
    URI theirServer = serve(theirs);
    assertThatThrownBy(() -> get(both, theirServer)).isInstanceOf(SSLHandshakeException.class);
    assertThatThrownBy(() -> Tls.trustingAlso(dir.resolve("missing.crt")))
        .hasMessageStartingWith("--ca-file: ");
  }
}
