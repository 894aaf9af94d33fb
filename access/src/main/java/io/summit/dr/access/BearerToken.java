package io.summit.dr.access;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;

/**
 * A client's credential for the control APIs: one token, read from a file only its owner may read,
 * sent as {@code Authorization: Bearer <token>}. {@link #toString()} never shows it.
 */
public final class BearerToken {
  /** The shortest token accepted: the lab and the CDK app generate 43 and 48 characters. */
  public static final int MIN_LENGTH = 16;

  private volatile String token;
  private final Path file;
  private final String field;
  // what the file looked like when read, and when that was last compared (at most once a second)
  private List<Object> stamp;
  private long checkedAt;
  private int reads;

  private BearerToken(String token, Path file, String field) {
    this.token = token;
    this.file = file;
    this.field = field;
    this.stamp = Reloading.stamp(List.of(file));
    this.checkedAt = System.nanoTime();
  }

  /**
   * Reads the token from {@code file} (surrounding white space trimmed).
   *
   * @throws IllegalArgumentException naming {@code field} and the file when it is missing, can be
   *     read by group or others, or holds fewer than {@link #MIN_LENGTH} characters
   */
  public static BearerToken read(String field, Path file) {
    return new BearerToken(SecretFile.read(field, file, "one token", MIN_LENGTH), file, field);
  }

  /**
   * The value of the {@code Authorization} header. The file is read again when it changed (looked
   * at at most once a second), so a rotated token is sent from then on without a restart; a rewrite
   * that does not read keeps the token read before.
   */
  public String authorization() {
    return "Bearer " + current();
  }

  private String current() {
    long now = System.nanoTime();
    synchronized (this) {
      if (now - checkedAt >= Reloading.CHECK_NANOS) {
        checkedAt = now;
        List<Object> seen = Reloading.stamp(List.of(file));
        if (!seen.equals(stamp)) {
          stamp = seen;
          reads++;
          try {
            token = SecretFile.read(field, file, "one token", MIN_LENGTH);
          } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            System.getLogger(BearerToken.class.getName())
                .log(
                    System.Logger.Level.WARNING,
                    "token: " + e.getMessage() + "; the token read before is sent meanwhile");
          }
        }
      }
      return token;
    }
  }

  /** {@code request} with this token's {@code Authorization} header. */
  public HttpRequest.Builder sign(HttpRequest.Builder request) {
    return request.header("Authorization", authorization());
  }

  /** How many times a change of the file was seen and it was read again (taken or not). */
  synchronized int reads() {
    return reads;
  }

  /** Where the token was read from. */
  public Path file() {
    return file;
  }

  String secret() {
    return current();
  }

  @Override
  public String toString() {
    return "BearerToken[" + file + "]";
  }
}
