package io.summit.dr.access;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A small certificate authority for one installation (the lab's {@code .lab/tls}): its own
 * certificate and key, and one server certificate for the control APIs, valid for the host names
 * and addresses they are reached at. Made once and kept, like the tokens: a second {@link #create}
 * reuses the authority (so a browser or curl told to trust {@code ca.crt} keeps trusting it) and
 * issues a new server certificate only when the hosts changed or it expires within 30 days.
 *
 * <p>Keys are ECDSA P-256, PKCS#8 PEM, mode 0600, in a directory of mode 0700. The authority signs
 * server certificates only (path length 0); they are valid 397 days (what browsers accept of any
 * authority).
 */
public final class CertificateAuthority {
  public static final String CA_CERT = "ca.crt";
  public static final String CA_KEY = "ca.key";
  public static final String SERVER_CERT = "server.crt";
  public static final String SERVER_KEY = "server.key";

  private static final Duration CA_VALIDITY = Duration.ofDays(3650);
  private static final Duration SERVER_VALIDITY = Duration.ofDays(397);
  private static final Duration RENEW_BEFORE = Duration.ofDays(30);
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * What a server and its clients read.
   *
   * @param caCert the authority's certificate: what clients trust ({@value Tls#CA_FILE})
   * @param serverCert the server's chain ({@value Tls#CERT_FILE})
   * @param serverKey the server's key ({@value Tls#KEY_FILE})
   */
  public record Files(Path caCert, Path serverCert, Path serverKey) {}

  private CertificateAuthority() {}

  /** The files in {@code dir} as they are (nothing is created). */
  public static Files at(Path dir) {
    return new Files(dir.resolve(CA_CERT), dir.resolve(SERVER_CERT), dir.resolve(SERVER_KEY));
  }

  /**
   * Makes sure {@code dir} holds an authority named {@code name} and a server certificate it signed
   * for every one of {@code hosts} (IP addresses and DNS names).
   *
   * @throws IllegalArgumentException naming {@code hosts} when it is empty
   * @throws UncheckedIOException when the files cannot be written
   */
  public static Files create(Path dir, String name, List<String> hosts) {
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("hosts: empty (expected: at least one name or address)");
    }
    try {
      java.nio.file.Files.createDirectories(dir);
      java.nio.file.Files.setPosixFilePermissions(
          dir, PosixFilePermissions.fromString("rwx------"));
      Files files = at(dir);
      Path caKey = dir.resolve(CA_KEY);
      if (!java.nio.file.Files.exists(files.caCert()) || !java.nio.file.Files.exists(caKey)) {
        KeyPair keys = keyPair();
        write(caKey, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
        write(files.caCert(), pem("CERTIFICATE", authority(name, keys).getEncoded()));
      }
      if (!current(files, hosts)) {
        X509Certificate ca = (X509Certificate) Tls.certificates("ca", files.caCert()).get(0);
        PrivateKey signer = privateKeyOf(caKey);
        KeyPair keys = keyPair();
        X509Certificate server = server(ca, signer, keys, hosts);
        write(files.serverKey(), pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
        write(
            files.serverCert(),
            pem("CERTIFICATE", server.getEncoded()) + pem("CERTIFICATE", ca.getEncoded()));
      }
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": cannot write the certificates: " + e.getMessage(), e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException(dir + ": cannot issue a certificate: " + e.getMessage(), e);
    }
  }

  /** Whether the server certificate exists, names every host and is not about to expire. */
  private static boolean current(Files files, List<String> hosts) {
    if (!java.nio.file.Files.exists(files.serverCert())
        || !java.nio.file.Files.exists(files.serverKey())) {
      return false;
    }
    X509Certificate cert = (X509Certificate) Tls.certificates("server", files.serverCert()).get(0);
    try {
      // signed by this authority: one made again (its key was lost) issues a new certificate
      cert.verify(Tls.certificates("ca", files.caCert()).get(0).getPublicKey());
    } catch (GeneralSecurityException e) {
      return false;
    }
    if (cert.getNotAfter().toInstant().isBefore(Instant.now().plus(RENEW_BEFORE))) {
      return false;
    }
    Set<String> named = new HashSet<>();
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        sans.forEach(san -> named.add(String.valueOf(san.get(1))));
      }
    } catch (CertificateParsingException e) {
      return false;
    }
    return hosts.stream().map(CertificateAuthority::canonical).allMatch(named::contains);
  }

  private static String canonical(String host) {
    if (!isAddress(host)) {
      return host;
    }
    try {
      // as the JDK lists an IP address in a certificate: 127.0.0.1, 0:0:0:0:0:0:0:1
      return InetAddress.getByName(host).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      return host;
    }
  }

  private static X509Certificate authority(String name, KeyPair keys)
      throws GeneralSecurityException, CertIOException, OperatorCreationException {
    X500Name subject = new X500Name("CN=" + name);
    Instant now = Instant.now();
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            subject,
            serial(),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(CA_VALIDITY)),
            subject,
            keys.getPublic());
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    b.addExtension(
        Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
    return sign(b, keys.getPrivate());
  }

  private static X509Certificate server(
      X509Certificate ca, PrivateKey signer, KeyPair keys, List<String> hosts)
      throws GeneralSecurityException, CertIOException, OperatorCreationException {
    Instant now = Instant.now();
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            ca,
            serial(),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(SERVER_VALIDITY)),
            new X500Name("CN=" + hosts.get(0)),
            keys.getPublic());
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    b.addExtension(
        Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    List<GeneralName> names = new ArrayList<>();
    for (String h : hosts) {
      names.add(new GeneralName(isAddress(h) ? GeneralName.iPAddress : GeneralName.dNSName, h));
    }
    b.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(names.toArray(GeneralName[]::new)));
    b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
    b.addExtension(
        Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
    return sign(b, signer);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
      throws GeneralSecurityException, OperatorCreationException {
    return new JcaX509CertificateConverter()
        .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
  }

  static boolean isAddress(String host) {
    return host.matches("\\d{1,3}(\\.\\d{1,3}){3}") || host.contains(":");
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return g.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }

  private static PrivateKey privateKeyOf(Path file) {
    return Tls.privateKey("ca.key", file);
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static void write(Path file, String content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".new");
    java.nio.file.Files.deleteIfExists(tmp);
    java.nio.file.Files.createFile(
        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    java.nio.file.Files.writeString(
        tmp, content, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
    java.nio.file.Files.move(
        tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The certificates in a PEM file (for a test or a status line). */
  public static List<Certificate> read(Path file) {
    return Tls.certificates("file", file);
  }
}
