package io.summit.dr.lab;

import io.summit.dr.lab.process.LabException;
import io.summit.dr.lab.process.OsProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * Where a lab keeps what the {@code postgres} OS user must reach (data directories and logs): not
 * under the lab directory, which may sit in a home directory of mode 0700 (Debian's default for
 * root), but in {@code /var/tmp/summit-dr-HASH}, HASH a digest of the lab directory's path, owned
 * by the user PostgreSQL runs as, mode 0700. Nothing in the user's home is loosened for it. The
 * path follows from the lab directory alone, so {@code lab down --purge} finds it even without a
 * state file; the state records it too.
 */
final class PostgresDirectory {
  static final Path BASE = Path.of("/var/tmp");
  private static final String OS_USER = "postgres";

  private PostgresDirectory() {}

  /** The directory for the lab in {@code labDir} (absolute, normalized). */
  static Path of(Path labDir) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(labDir.toString().getBytes(StandardCharsets.UTF_8));
      return BASE.resolve("summit-dr-" + HexFormat.of().formatHex(digest, 0, 6));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * Creates the directory empty (what a previous lab left there is removed), owned by the user
   * PostgreSQL runs as, mode 0700.
   *
   * @throws LabException when the path is taken by a symbolic link or another user's directory
   */
  static Path prepare(Path labDir) {
    Path dir = of(labDir);
    Lab.deleteTree(requireOurs(dir));
    try {
      Files.createDirectory(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      if (OsProcesses.isRoot()) {
        OsProcesses.run(
            List.of("chown", OS_USER + ":" + OS_USER, dir.toString()), Duration.ofSeconds(5));
      }
      return dir;
    } catch (IOException e) {
      throw new LabException(
          "lab: cannot create "
              + dir
              + " for the PostgreSQL data of "
              + labDir
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** Removes the directory of the lab in {@code labDir}, if there is one. */
  static void remove(Path labDir) {
    Path dir = of(labDir);
    Lab.deleteTree(requireOurs(dir));
  }

  /**
   * {@code dir} when it is absent or a directory this lab may own ({@code /var/tmp} is shared by
   * every user: a link or another user's directory planted there must not receive our data, nor be
   * deleted by us).
   */
  private static Path requireOurs(Path dir) {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return dir;
    }
    try {
      String owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
      String expected = OsProcesses.isRoot() ? OS_USER : System.getProperty("user.name");
      if (Files.isSymbolicLink(dir)
          || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
          || !owner.equals(expected)) {
        throw new LabException(
            "lab: "
                + dir
                + " exists but is not a directory of "
                + expected
                + " (owner "
                + owner
                + "); remove it, or choose another --dir");
      }
      return dir;
    } catch (IOException e) {
      throw new LabException("lab: cannot inspect " + dir + ": " + e.getMessage(), e);
    }
  }
}
