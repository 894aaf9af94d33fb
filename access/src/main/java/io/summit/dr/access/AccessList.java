package io.summit.dr.access;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Who may call a control server: each entry a name, a role and the SHA-256 of its token (the server
 * never holds the tokens themselves). Read from a file only its owner may read, one entry a line:
 *
 * <pre>
 * # NAME ROLE sha256:HEX
 * lab-admin admin sha256:5f0c...
 * orchestrator operator sha256:91ab...
 * </pre>
 *
 * Thread-safe and immutable.
 */
public final class AccessList {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
  private static final Pattern HASH = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private record Entry(Principal principal, byte[] sha256) {}

  private final List<Entry> entries;
  private final String source;
  // How to read this list again from its files (null: it has none), and those files.
  private final @Nullable Supplier<AccessList> reread;
  private final List<Path> files;

  private AccessList(
      List<Entry> entries, String source, @Nullable Supplier<AccessList> reread, List<Path> files) {
    this.entries = List.copyOf(entries);
    this.source = source;
    this.reread = reread;
    this.files = List.copyOf(files);
  }

  /** The files this list was read from (watched by {@link #reloading}). */
  List<Path> files() {
    return files;
  }

  /**
   * This list, read again from its files now.
   *
   * @throws IllegalArgumentException as {@link #read} when a file is now missing or malformed
   */
  AccessList readAgain() {
    Supplier<AccessList> r = reread;
    return r == null ? this : r.get();
  }

  /**
   * A source of this list that reads its files again when they change (checked at most once a
   * second): a token added to the access list, or a token file rewritten, takes effect without a
   * restart. A file that turns missing or malformed is reported and the last good list stays.
   */
  public Supplier<AccessList> reloading() {
    return new Reloading(this);
  }

  /**
   * Reads an access list.
   *
   * @throws IllegalArgumentException naming {@code field}, or the file and line, when the file is
   *     missing, open to others, empty, or has a malformed or duplicate entry
   */
  public static AccessList read(String field, Path file) {
    String text = SecretFile.readText(field, file, "an access list");
    List<Entry> entries = new ArrayList<>();
    Set<String> names = new HashSet<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String at = file + ":" + (i + 1) + ": ";
      Entry e = parse(at, line);
      // A name may hold two tokens of one role while one of them is rotated.
      if (!names.add(e.principal().name())) {
        for (Entry x : entries) {
          if (!x.principal().name().equals(e.principal().name())) {
            continue;
          }
          if (x.principal().role() != e.principal().role()) {
            throw new IllegalArgumentException(
                at
                    + "name: '"
                    + e.principal().name()
                    + "' is listed twice with two roles (expected: one role per name; a second"
                    + " line of the same role is a second token while one is rotated)");
          }
          if (MessageDigest.isEqual(x.sha256(), e.sha256())) {
            throw new IllegalArgumentException(
                at
                    + "name: '"
                    + e.principal().name()
                    + "' is listed twice with the same token (expected: unique lines)");
          }
        }
      }
      entries.add(e);
    }
    if (entries.isEmpty()) {
      throw new IllegalArgumentException(
          field + ": " + file + " lists nobody (expected: lines of NAME ROLE sha256:HEX)");
    }
    return new AccessList(entries, file.toString(), () -> read(field, file), List.of(file));
  }

  private static Entry parse(String at, String line) {
    String[] f = line.split("\\s+");
    if (f.length != 3) {
      // The line is not echoed: it may hold a token put where its hash belongs.
      throw new IllegalArgumentException(
          at + f.length + " fields (expected: NAME ROLE sha256:HEX)");
    }
    requireName(at + "name", f[0]);
    Role role = Role.parse(at + "role", f[1]);
    if (!HASH.matcher(f[2]).matches()) {
      throw new IllegalArgumentException(
          at + "hash: not shown (expected: sha256: and 64 lowercase hex digits)");
    }
    return new Entry(new Principal(f[0], role), HexFormat.of().parseHex(f[2].substring(7)));
  }

  /** An access list of one caller holding {@code token} (the orchestrator's --api-token-file). */
  public static AccessList of(Principal principal, BearerToken token) {
    Path file = token.file();
    return new AccessList(
        List.of(new Entry(principal, sha256(token.secret()))),
        file.toString(),
        () -> of(principal, BearerToken.read(file.toString(), file)),
        List.of(file));
  }

  /** This list and {@code other}'s entries; the names must differ. */
  public AccessList and(AccessList other) {
    List<Entry> all = new ArrayList<>(entries);
    for (Entry e : other.entries) {
      if (entries.stream().anyMatch(x -> x.principal().name().equals(e.principal().name()))) {
        throw new IllegalArgumentException(
            other.source
                + ": name: '"
                + e.principal().name()
                + "' is in "
                + source
                + " too (expected: unique names)");
      }
      all.add(e);
    }
    Supplier<AccessList> mine = reread;
    Supplier<AccessList> theirs = other.reread;
    List<Path> both = new ArrayList<>(files);
    both.addAll(other.files);
    return new AccessList(
        all,
        source + ", " + other.source,
        mine == null || theirs == null ? null : () -> mine.get().and(theirs.get()),
        both);
  }

  /**
   * The caller an {@code Authorization} header value names, or empty when it is missing, not a
   * bearer token, or a token nobody holds. Every entry is compared, in constant time.
   */
  public Optional<Principal> authenticate(@Nullable String authorization) {
    String token = bearer(authorization);
    if (token == null) {
      return Optional.empty();
    }
    byte[] given = sha256(token);
    Principal found = null;
    for (Entry e : entries) {
      if (MessageDigest.isEqual(given, e.sha256())) {
        found = e.principal();
      }
    }
    return Optional.ofNullable(found);
  }

  /** Why {@code authorization} names nobody, for a 401's detail; null when it names someone. */
  public @Nullable String refusal(@Nullable String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return "Authorization: missing (expected: Bearer <token>, a token this server's access list"
          + " names)";
    }
    if (bearer(authorization) == null) {
      return "Authorization: not a bearer token (expected: Bearer <token>)";
    }
    return authenticate(authorization).isPresent()
        ? null
        : "Authorization: the bearer token is nobody's (expected: a token this server's access list"
            + " names)";
  }

  /** Where the list came from (file names), for messages. */
  public String source() {
    return source;
  }

  /** The names and roles listed, in order (no hashes). */
  public List<Principal> principals() {
    return entries.stream().map(Entry::principal).toList();
  }

  /** A new random token: 32 bytes, base64url without padding (43 characters). */
  public static String newToken() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** The access-list line of {@code principal} holding {@code token}. */
  public static String line(Principal principal, String token) {
    return principal.name()
        + " "
        + principal.role().label()
        + " sha256:"
        + HexFormat.of().formatHex(sha256(token));
  }

  static void requireName(String field, String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          field
              + ": '"
              + abbreviate(name)
              + "' (expected: 1 to 63 lowercase letters, digits, dots, hyphens or underscores)");
    }
  }

  private static @Nullable String bearer(@Nullable String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = authorization.substring(7).strip();
    return token.isEmpty() ? null : token;
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 24 ? s : s.substring(0, 21) + "...";
  }

  @Override
  public String toString() {
    return "AccessList[" + source + ", " + entries.size() + " entries]";
  }
}
