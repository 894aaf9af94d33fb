package io.summit.dr.access;

import java.net.http.HttpRequest;
import java.nio.file.Path;

/**
 * A client's credential for the control APIs: one token, read from a file only its owner may read,
 * sent as {@code Authorization: Bearer <token>}. {@link #toString()} never shows it.
 */
public final class BearerToken {
  /** The shortest token accepted: the lab and the CDK app generate 43 and 48 characters. */
  public static final int MIN_LENGTH = 16;

  private final String token;
  private final Path file;

  private BearerToken(String token, Path file) {
    this.token = token;
    this.file = file;
  }

  /**
   * Reads the token from {@code file} (surrounding white space trimmed).
   *
   * @throws IllegalArgumentException naming {@code field} and the file when it is missing, can be
   *     read by group or others, or holds fewer than {@link #MIN_LENGTH} characters
   */
  public static BearerToken read(String field, Path file) {
    return new BearerToken(SecretFile.read(field, file, "one token", MIN_LENGTH), file);
  }

  /** The value of the {@code Authorization} header. */
  public String authorization() {
    return "Bearer " + token;
  }

  /** {@code request} with this token's {@code Authorization} header. */
  public HttpRequest.Builder sign(HttpRequest.Builder request) {
    return request.header("Authorization", authorization());
  }

  /** Where the token was read from. */
  public Path file() {
    return file;
  }

  String secret() {
    return token;
  }

  @Override
  public String toString() {
    return "BearerToken[" + file + "]";
  }
}
