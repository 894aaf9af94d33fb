package io.summit.dr.access;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * TLS for the control APIs, from PEM files: a server's certificate chain and its PKCS#8 private key
 * (an owner-only file, like a token), and the certificate authority a client trusts. Only the JDK's
 * own TLS: the lab's authority is made by {@code summit-dr lab up}, a deployment's by its own PKI.
 *
 * <p>Every problem with a file is an {@link IllegalArgumentException} naming the option that gave
 * it ({@value #CERT_FILE}, {@value #KEY_FILE}, {@value #CA_FILE}) and what was expected.
 */
public final class Tls {
  /** A server's certificate chain (PEM, its own certificate first). */
  public static final String CERT_FILE = "--tls-cert";

  /** A server's private key (PEM, PKCS#8 "PRIVATE KEY", mode 0600). */
  public static final String KEY_FILE = "--tls-key";

  /** The certificate authority (PEM) a client trusts, instead of the JDK's. */
  public static final String CA_FILE = "--ca-file";

  private static final Pattern PRIVATE_KEY =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  private Tls() {}

  /**
   * A server's context: it presents the chain in {@code certFile}, signed with the key in {@code
   * keyFile}.
   *
   * @throws IllegalArgumentException naming the option when a file is missing, unreadable, open to
   *     others (the key) or not what it should hold
   */
  public static SSLContext server(Path certFile, Path keyFile) {
    List<Certificate> chain = certificates(CERT_FILE, certFile);
    PrivateKey key = privateKey(KEY_FILE, keyFile);
    if (!signsFor(key, chain.get(0))) {
      throw new IllegalArgumentException(
          KEY_FILE
              + ": "
              + keyFile
              + " is not the key of the certificate in "
              + certFile
              + " (expected: the private key of the chain's first certificate)");
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] none = new char[0];
      store.setKeyEntry("server", key, none, chain.toArray(Certificate[]::new));
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, none);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(
          KEY_FILE
              + ": "
              + keyFile
              + " does not go with the certificate in "
              + certFile
              + ": "
              + e.getMessage()
              + " (expected: the private key of the chain's first certificate)",
          e);
    }
  }

  /**
   * A client's context that trusts the certificates in {@code caFile} and the JDK's own authorities
   * too: for a client that calls both a deployment's APIs (a private authority) and public services
   * (PagerDuty, Slack), such as the orchestrator's notifier.
   *
   * @throws IllegalArgumentException naming {@value #CA_FILE} as {@link #trusting} does
   */
  public static SSLContext trustingAlso(Path caFile) {
    List<Certificate> cas = certificates(CA_FILE, caFile);
    try {
      X509TrustManager own = x509(store(cas));
      X509TrustManager jdk = x509(null);
      X509TrustManager either =
          new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType)
                throws java.security.cert.CertificateException {
              jdk.checkClientTrusted(chain, authType);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType)
                throws java.security.cert.CertificateException {
              try {
                own.checkServerTrusted(chain, authType);
              } catch (java.security.cert.CertificateException notOurs) {
                jdk.checkServerTrusted(chain, authType);
              }
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              List<X509Certificate> all = new ArrayList<>(List.of(own.getAcceptedIssuers()));
              all.addAll(List.of(jdk.getAcceptedIssuers()));
              return all.toArray(X509Certificate[]::new);
            }
          };
      // The JDK wraps a plain X509TrustManager and checks the host name of the certificate
      // (endpoint identification) on top of either check.
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new javax.net.ssl.TrustManager[] {either}, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(CA_FILE + ": " + caFile + ": " + e.getMessage(), e);
    }
  }

  /** A key store holding {@code cas} as trusted certificates. */
  private static KeyStore store(List<Certificate> cas)
      throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    for (int i = 0; i < cas.size(); i++) {
      store.setCertificateEntry("ca-" + i, cas.get(i));
    }
    return store;
  }

  private static X509TrustManager x509(@Nullable KeyStore store) throws GeneralSecurityException {
    TrustManagerFactory f =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    f.init(store);
    for (javax.net.ssl.TrustManager m : f.getTrustManagers()) {
      if (m instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager");
  }

  /**
   * A server's context from {@value #CERT_FILE} and {@value #KEY_FILE} when both are given, null
   * (plain HTTP) when neither is.
   *
   * @throws IllegalArgumentException naming the option that is missing or whose file is bad
   */
  public static @Nullable SSLContext serverOrPlain(
      @Nullable Path certFile, @Nullable Path keyFile) {
    if (certFile == null && keyFile == null) {
      return null;
    }
    if (certFile == null || keyFile == null) {
      throw new IllegalArgumentException(
          (certFile == null ? CERT_FILE : KEY_FILE)
              + ": missing (expected: "
              + CERT_FILE
              + " and "
              + KEY_FILE
              + " together, or neither)");
    }
    return server(certFile, keyFile);
  }

  /**
   * A control API's base URL: {@code https://HOST:PORT} or {@code http://HOST:PORT}, or a bare
   * {@code HOST:PORT} for plain HTTP.
   *
   * @param field the option or field that gave {@code value}, named in the error
   * @throws IllegalArgumentException naming {@code field} when {@code value} is none of these
   */
  public static URI url(String field, String value) {
    String text = value.contains("://") ? value : "http://" + value;
    String expected = " (expected: https://HOST:PORT, http://HOST:PORT or HOST:PORT)";
    URI uri;
    try {
      uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(field + ": '" + value + "'" + expected, e);
    }
    String scheme = uri.getScheme();
    boolean bare =
        uri.getRawPath() == null || uri.getRawPath().isEmpty() && uri.getRawQuery() == null;
    if (scheme == null
        || !(scheme.equals("http") || scheme.equals("https"))
        || uri.getHost() == null
        || uri.getPort() < 1
        || uri.getPort() > 65535
        || uri.getUserInfo() != null
        || uri.getRawFragment() != null
        || !bare) {
      throw new IllegalArgumentException(field + ": '" + value + "'" + expected);
    }
    return uri;
  }

  /**
   * An HTTP client for control APIs: trusting {@code trust} for {@code https://} addresses (the
   * JDK's authorities when null), HTTP/1.1, connecting within {@code connectTimeout}.
   */
  public static HttpClient client(Duration connectTimeout, @Nullable SSLContext trust) {
    HttpClient.Builder b =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout);
    return (trust == null ? b : b.sslContext(trust)).build();
  }

  /**
   * A client's context that trusts the certificates in {@code caFile} and nothing else.
   *
   * @throws IllegalArgumentException naming {@value #CA_FILE} when the file is missing, unreadable
   *     or holds no certificate
   */
  public static SSLContext trusting(Path caFile) {
    List<Certificate> cas = certificates(CA_FILE, caFile);
    try {
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store(cas));
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(CA_FILE + ": " + caFile + ": " + e.getMessage(), e);
    }
  }

  /**
   * A JDK {@code HttpServer} on {@code address}: HTTPS with {@code context}, plain HTTP when it is
   * null. The tests' fake servers use it; Summit DR's own control servers are {@link
   * ControlServer}s. An HTTPS listener runs each exchange on its own virtual thread (the caller may
   * set another executor before it starts): on the JDK's default executor the handshake runs on the
   * server's only dispatcher thread, where one slow client stalls them all.
   */
  public static HttpServer listen(
      InetSocketAddress address, int backlog, @Nullable SSLContext context) throws IOException {
    if (context == null) {
      return HttpServer.create(address, backlog);
    }
    HttpsServer server = HttpsServer.create(address, backlog);
    server.setHttpsConfigurator(new HttpsConfigurator(context));
    server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    return server;
  }

  /** The scheme of a URL to a server that listens with {@code context} (or without one). */
  public static String scheme(@Nullable SSLContext context) {
    return context == null ? "http" : "https";
  }

  /** Whether {@code key} signs what {@code cert}'s public key verifies. */
  private static boolean signsFor(PrivateKey key, Certificate cert) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "EC" -> "SHA256withECDSA";
          case "RSA" -> "SHA256withRSA";
          default -> key.getAlgorithm();
        };
    byte[] probe = "summit-dr".getBytes(StandardCharsets.US_ASCII);
    try {
      java.security.Signature sign = java.security.Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(probe);
      byte[] signature = sign.sign();
      java.security.Signature verify = java.security.Signature.getInstance(algorithm);
      verify.initVerify(cert.getPublicKey());
      verify.update(probe);
      return verify.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  static List<Certificate> certificates(String field, Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          field + ": " + file + ": cannot read: " + e.getMessage(), e);
    }
    try {
      Collection<? extends Certificate> read =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(bytes));
      if (read.isEmpty()) {
        throw new IllegalArgumentException(
            field + ": " + file + " holds no certificate (expected: PEM certificates)");
      }
      return new ArrayList<>(read);
    } catch (java.security.cert.CertificateException e) {
      throw new IllegalArgumentException(
          field
              + ": "
              + file
              + ": "
              + e.getMessage()
              + " (expected: PEM certificates, -----BEGIN CERTIFICATE-----)",
          e);
    }
  }

  static PrivateKey privateKey(String field, Path keyFile) {
    String text = SecretFile.readText(field, keyFile, "a private key");
    Matcher m = PRIVATE_KEY.matcher(text);
    if (!m.find()) {
      throw new IllegalArgumentException(
          field
              + ": "
              + keyFile
              + " holds no PKCS#8 key (expected: -----BEGIN PRIVATE KEY-----, as `openssl pkcs8"
              + " -topk8 -nocrypt` writes)");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(1).getBytes(StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          field + ": " + keyFile + ": bad base64 (" + e.getMessage() + ")", e);
    }
    for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // the next algorithm
      }
    }
    throw new IllegalArgumentException(
        field + ": " + keyFile + " holds a key of no known kind (expected: EC, RSA or Ed25519)");
  }
}
