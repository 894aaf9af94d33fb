package io.summit.dr.access;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * A secret read from a file only its owner may read (mode 0600 or 0400): an API token, a PagerDuty
 * routing key, a Slack webhook's URL. Never from a command line or the topology.
 */
public final class SecretFile {
  private static final Set<PosixFilePermission> OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private SecretFile() {}

  /**
   * The file's content, surrounding white space trimmed.
   *
   * @param field the option or topology field that names the file (for the error)
   * @param what what the file holds, for the error ("the token")
   * @throws IllegalArgumentException naming {@code field} and the file when it is missing, can be
   *     read by group or others, or does not hold one word of at least {@code minLength} characters
   */
  public static String read(String field, Path file, String what, int minLength) {
    String text = readText(field, file, what).strip();
    if (text.length() < minLength || text.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(
          field
              + ": "
              + file
              + " holds "
              + text.length()
              + " characters (expected: "
              + what
              + " of at least "
              + minLength
              + " characters, no spaces)");
    }
    return text;
  }

  /**
   * The whole content of an owner-only file.
   *
   * @throws IllegalArgumentException naming {@code field} and the file when it is missing or can be
   *     read by group or others
   */
  public static String readText(String field, Path file, String what) {
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new IllegalArgumentException(
            field + ": " + file + " is not a regular file (expected: a file holding " + what + ")");
      }
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
      if (mode.stream().anyMatch(OTHERS::contains)) {
        throw new IllegalArgumentException(
            field
                + ": "
                + file
                + " has mode "
                + PosixFilePermissions.toString(mode)
                + " (expected: readable by its owner only, chmod 600)");
      }
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          field + ": " + file + ": cannot read: " + e.getMessage(), e);
    }
  }
}
