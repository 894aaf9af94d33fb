package io.summit.dr.lab;

import io.summit.dr.access.CertificateAuthority;
import io.summit.dr.access.Tls;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * The lab's certificate authority, in {@code LAB/tls} (mode 0700): {@code ca.crt} (what clients
 * trust: {@code curl --cacert .lab/tls/ca.crt}), its key, and one server certificate for the lab's
 * host, {@code 127.0.0.1} and {@code localhost}. {@code lab up} makes it once and keeps it, like
 * the tokens, so a browser or a script told to trust {@code ca.crt} keeps trusting it.
 *
 * <p>The control APIs in {@link #SERVED} listen with TLS; the others still in plain HTTP on
 * loopback (docs/access.md, "TLS").
 */
public final class LabTls {
  /** The kinds of lab component whose API listens with TLS. */
  public static final Set<String> SERVED =
      Set.of(
          "orchestrator",
          "router",
          "observer",
          "agent",
          "cluster",
          "wan",
          "pager",
          "neo4j",
          "objects-replicator");

  private LabTls() {}

  /** Makes the lab's authority and server certificate (kept when they exist and still fit). */
  static CertificateAuthority.Files create(Path labDir, String host) {
    Set<String> hosts = new LinkedHashSet<>(List.of(host, "127.0.0.1", "localhost"));
    return CertificateAuthority.create(
        directory(labDir),
        // one name per lab directory (a common name holds at most 64 characters)
        "summit-dr lab CA " + Integer.toHexString(labDir.toAbsolutePath().normalize().hashCode()),
        List.copyOf(hosts));
  }

  /** Where the lab's authority lives. */
  public static Path directory(Path labDir) {
    return labDir.resolve("tls");
  }

  /** The files, or null for a lab without an authority (started by an older version). */
  public static CertificateAuthority.@Nullable Files files(Path labDir) {
    CertificateAuthority.Files f = CertificateAuthority.at(directory(labDir));
    return Files.isRegularFile(f.caCert()) && Files.isRegularFile(f.serverKey()) ? f : null;
  }

  /** The authority's certificate (what a client trusts), or null for a lab without one. */
  public static @Nullable Path caFile(Path labDir) {
    CertificateAuthority.Files f = files(labDir);
    return f == null ? null : f.caCert();
  }

  /** A client context trusting the lab's authority, or null for a lab without one. */
  public static @Nullable SSLContext trust(Path labDir) {
    Path ca = caFile(labDir);
    return ca == null ? null : Tls.trusting(ca);
  }

  /** The arguments that make a daemon of {@code kind} listen with the lab's certificate. */
  public static List<String> serverArguments(Path labDir, String kind) {
    CertificateAuthority.Files f = files(labDir);
    if (f == null || !SERVED.contains(kind)) {
      return List.of();
    }
    return List.of(
        Tls.CERT_FILE, f.serverCert().toString(), Tls.KEY_FILE, f.serverKey().toString());
  }

  /** {@code http} or {@code https}: how a component of {@code kind} of this lab listens. */
  public static String scheme(Path labDir, String kind) {
    return SERVED.contains(kind) && files(labDir) != null ? "https" : "http";
  }

  /**
   * {@code https://HOST:PORT} or {@code http://HOST:PORT}: a component of {@code kind} at {@code
   * at}.
   */
  public static URI url(Path labDir, String kind, io.summit.dr.replication.Endpoint at) {
    return URI.create(scheme(labDir, kind) + "://" + at.host() + ":" + at.port());
  }

  /**
   * The base URI of a recorded component, {@code https://HOST:PORT} when it was started with a
   * certificate ({@value Tls#CERT_FILE} on its command line), else {@code http://HOST:PORT}.
   */
  public static URI base(LabComponent c) {
    return URI.create(
        (servedCertificate(c) == null ? "http" : "https") + "://" + c.host() + ":" + c.port());
  }

  /**
   * A recorded Neo4j server's admin API, three ports above its Bolt port: {@code https://} when it
   * was started with a certificate, else {@code http://}.
   */
  public static URI neo4jAdmin(LabComponent c) {
    return URI.create(
        (servedCertificate(c) == null ? "http" : "https")
            + "://"
            + c.host()
            + ":"
            + (c.port() + 3));
  }

  /**
   * A client context that trusts the certificate a recorded component serves (its chain ends with
   * the lab's authority), or null when it listens without TLS.
   */
  public static @Nullable SSLContext trustFor(LabComponent c) {
    Path cert = servedCertificate(c);
    return cert == null ? null : TRUST.computeIfAbsent(cert, Tls::trusting);
  }

  private static final java.util.Map<Path, SSLContext> TRUST =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static @Nullable Path servedCertificate(LabComponent c) {
    List<String> command = c.command();
    if (command == null) {
      return null;
    }
    int at = command.indexOf(Tls.CERT_FILE);
    return at < 0 || at + 1 >= command.size() ? null : Path.of(command.get(at + 1));
  }
}
