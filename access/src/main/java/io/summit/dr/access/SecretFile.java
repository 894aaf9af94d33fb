package io.summit.dr.access;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * A secret read from a file only its owner may read (mode 0600 or 0400): an API token, a PagerDuty
 * routing key, a Slack webhook's URL, a private key. Never from a command line or the topology.
 *
 * <p>PostgreSQL's rule for its key file, for the same reason: a file owned by root may also be read
 * by its group (mode 0640 or 0440) when the process reading it is not root. That is how Kubernetes
 * mounts a Secret into a pod that runs as a user of its own: the files belong to root and to the
 * pod's {@code fsGroup}, and are reached through symbolic links (into the volume's {@code ..data}),
 * which are followed.
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

  /** What a root-owned file may not allow when its group may read it. */
  private static final Set<PosixFilePermission> BEYOND_GROUP_READ =
      EnumSet.of(
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
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException(
            field + ": " + file + " is not a regular file (expected: a file holding " + what + ")");
      }
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
      int owner = (Integer) Files.getAttribute(file, "unix:uid");
      if (!allowed(mode, owner, processUid())) {
        throw new IllegalArgumentException(
            field
                + ": "
                + file
                + " has mode "
                + PosixFilePermissions.toString(mode)
                + " (expected: readable by its owner only, chmod 600; or, owned by root and read by"
                + " another user, by root's group too, chmod 640)");
      }
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException | UnsupportedOperationException e) {
      throw new IllegalArgumentException(
          field + ": " + file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * Whether a secret file of {@code mode}, owned by user {@code owner}, may be read by a process
   * running as user {@code reader}: owner-only, or (owned by root, read by another user) owner and
   * group read-only.
   */
  static boolean allowed(Set<PosixFilePermission> mode, int owner, int reader) {
    if (mode.stream().noneMatch(OTHERS::contains)) {
      return true;
    }
    return owner == 0 && reader != 0 && mode.stream().noneMatch(BEYOND_GROUP_READ::contains);
  }

  /** The user this process runs as: the owner of {@code /proc/self} (Linux). */
  private static int processUid() throws IOException {
    return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
  }
}
