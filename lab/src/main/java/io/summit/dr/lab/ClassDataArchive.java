package io.summit.dr.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Application class-data sharing for the lab's daemons (JDK 19+): each daemon runs with {@code
 * -XX:SharedArchiveFile=ARCHIVE -XX:+AutoCreateSharedArchive}, so a JVM that exits normally (a
 * {@code lab down}) leaves an archive of the classes it loaded, and the next start of the same
 * daemon maps them instead of loading and verifying them again. A missing, stale (another jar,
 * another JDK) or damaged archive is ignored by the JVM and written anew at exit.
 *
 * <p>One archive per daemon (main class and arguments): two JVMs never write the same file at once.
 * Archives live in {@code ~/.cache/summit-dr/cds/} (the user's own, mode 0700: a shared directory
 * such as {@code /var/tmp} would let another user plant classes), so they outlive {@code lab down
 * --purge}. Only a daemon run from one jar gets one (the runnable jar's copy in the lab); a class
 * path of many entries (tests, IDE) runs without.
 */
final class ClassDataArchive {
  private ClassDataArchive() {}

  /** The options for a daemon of {@code mainClass} with {@code args}; none when not applicable. */
  static List<String> options(String classPath, String mainClass, List<String> args) {
    return archive(classPath, mainClass, args)
        .map(a -> List.of("-XX:SharedArchiveFile=" + a, "-XX:+AutoCreateSharedArchive"))
        .orElse(List.of());
  }

  private static Optional<Path> archive(String classPath, String mainClass, List<String> args) {
    if (Runtime.version().feature() < 19
        || classPath.contains(java.io.File.pathSeparator)
        || !classPath.endsWith(".jar")) {
      return Optional.empty();
    }
    Path dir = Path.of(System.getProperty("user.home"), ".cache", "summit-dr", "cds");
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(
          dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty(); // no archive: the daemon starts as it always did
    }
    String simple = mainClass.substring(mainClass.lastIndexOf('.') + 1);
    return Optional.of(dir.resolve(simple + "-" + digest(classPath + "\n" + args) + ".jsa"));
  }

  private static String digest(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
