package io.summit.dr.orchestrator.api;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import org.jspecify.annotations.Nullable;

/**
 * The bearer token every changing request to the orchestrator API must carry ({@code Authorization:
 * Bearer <token>}): the AWS alarm hook's, or an operator's. Read once from a file that only its
 * owner may read (mode 0600 or 0400), never from a command line; compared in constant time. {@link
 * #toString()} never shows it.
 */
public final class ApiToken {
  /** The shortest token accepted: the CDK app generates 48 characters. */
  public static final int MIN_LENGTH = 16;

  private final byte[] token;
  private final Path file;

  private ApiToken(byte[] token, Path file) {
    this.token = token;
    this.file = file;
  }

  /**
   * Reads the token from {@code file} (surrounding white space trimmed).
   *
   * @throws IllegalArgumentException naming {@code option} and the file when it is missing, can be
   *     read by group or others, or holds fewer than {@link #MIN_LENGTH} characters
   */
  public static ApiToken read(String option, Path file) {
    String text = SecretFile.read(option, file, "one token", MIN_LENGTH);
    return new ApiToken(text.getBytes(StandardCharsets.UTF_8), file);
  }

  /**
   * Why a request with this {@code Authorization} header value is refused, or null when it carries
   * the token.
   */
  public @Nullable String refusal(@Nullable String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return "Authorization: missing (expected: Bearer <the orchestrator's API token>)";
    }
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return "Authorization: not a bearer token (expected: Bearer <the orchestrator's API token>)";
    }
    byte[] given = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, token)
        ? null
        : "Authorization: the bearer token does not match (expected: the token in " + file + ")";
  }

  @Override
  public String toString() {
    return "ApiToken[" + file + "]";
  }
}
