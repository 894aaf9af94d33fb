package io.summit.dr.access;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The options every control daemon takes, {@code --access-file FILE} (who may call it), {@code
 * --token-file FILE} (its own token for the servers it calls), {@code --ca-file FILE} (the
 * certificate authority it trusts when it calls a control API over TLS) and {@code --tls-cert FILE
 * --tls-key FILE} (its own API then listens with HTTPS only), taken out of a command line before
 * the daemon reads the rest. The files are read at once, so a bad one stops the daemon before it
 * listens, naming the option.
 *
 * @param access who may call the daemon; empty: its API is open
 * @param token what the daemon sends to the control APIs it calls; empty: nothing
 * @param caFile the authority it trusts for {@code https://} control APIs; empty: the JDK's
 * @param tls the context its own API listens with; empty: plain HTTP
 * @param rest the other arguments, in order
 */
public record AccessOptions(
    Optional<AccessList> access,
    Optional<BearerToken> token,
    Optional<Path> caFile,
    Optional<javax.net.ssl.SSLContext> tls,
    List<String> rest) {
  public static final String ACCESS_FILE = "--access-file";
  public static final String TOKEN_FILE = "--token-file";

  public AccessOptions {
    rest = List.copyOf(rest);
  }

  /** The context a client of this daemon's control APIs uses: trusting {@link #caFile}. */
  public Optional<javax.net.ssl.SSLContext> trust() {
    return caFile.map(Tls::trusting);
  }

  /** {@link #tls}, or null: what {@link Tls#listen} takes. */
  public javax.net.ssl.@Nullable SSLContext serverTls() {
    return tls.orElse(null);
  }

  /**
   * Splits {@code args}.
   *
   * @throws IllegalArgumentException naming the option when its value is missing or its file bad
   */
  public static AccessOptions split(List<String> args) {
    AccessList access = null;
    BearerToken token = null;
    Path caFile = null;
    Path certFile = null;
    Path keyFile = null;
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals(Tls.CERT_FILE) || a.equals(Tls.KEY_FILE)) {
        if (i + 1 >= args.size()) {
          throw new IllegalArgumentException(a + ": missing value (expected: a file)");
        }
        Path file = Path.of(args.get(++i));
        if (a.equals(Tls.CERT_FILE)) {
          certFile = file;
        } else {
          keyFile = file;
        }
      } else if (a.equals(ACCESS_FILE) || a.equals(TOKEN_FILE) || a.equals(Tls.CA_FILE)) {
        if (i + 1 >= args.size()) {
          throw new IllegalArgumentException(a + ": missing value (expected: a file)");
        }
        Path file = Path.of(args.get(++i));
        if (a.equals(ACCESS_FILE)) {
          access = AccessList.read(a, file);
        } else if (a.equals(Tls.CA_FILE)) {
          Tls.trusting(file); // refused now, naming the option
          caFile = file;
        } else {
          token = BearerToken.read(a, file);
        }
      } else {
        rest.add(a);
      }
    }
    return new AccessOptions(
        Optional.ofNullable(access),
        Optional.ofNullable(token),
        Optional.ofNullable(caFile),
        Optional.ofNullable(Tls.serverOrPlain(certFile, keyFile)),
        rest);
  }

  /** The arguments that pass {@code access} and {@code token} to a daemon (either may be null). */
  public static List<String> arguments(@Nullable Path access, @Nullable Path token) {
    return arguments(access, token, null);
  }

  /**
   * The arguments that pass {@code access}, {@code token} and {@code caFile} (each may be null).
   */
  public static List<String> arguments(
      @Nullable Path access, @Nullable Path token, @Nullable Path caFile) {
    List<String> out = new ArrayList<>();
    if (caFile != null) {
      out.addAll(List.of(Tls.CA_FILE, caFile.toString()));
    }
    if (access != null) {
      out.addAll(List.of(ACCESS_FILE, access.toString()));
    }
    if (token != null) {
      out.addAll(List.of(TOKEN_FILE, token.toString()));
    }
    return out;
  }
}
