package io.summit.dr.stores.neo4j;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The class path of the test servers, made of jars only, so that they can share a class-data
 * archive ({@link #ARCHIVE}): the JVM refuses to archive classes loaded from a directory, and a
 * test's class path has two ({@code target/classes}, {@code target/test-classes}). The server's
 * classes go into {@code target/neo4j-test-server/classes.jar}, rewritten only when a class is
 * newer than it (the archive is valid only while every jar keeps its size and time); the test
 * classes are left out, the server needs none of them.
 *
 * <p>While there is no archive, one server at a time runs with {@code -XX:ArchiveClassesAtExit} and
 * writes it when it stops normally (about 8 s at that stop); the others start as before, and every
 * start after it maps Neo4j's classes from the archive instead of loading and verifying them.
 * Measured on this machine with nothing else running: a server answered its health check 5.4 to 6.0
 * s after its start with the archive, 10.5 to 10.8 s without.
 */
final class ServerClassPath {
  private ServerClassPath() {}

  private static final Path DIR = Path.of("target", "neo4j-test-server").toAbsolutePath();
  static final Path ARCHIVE = DIR.resolve("server.jsa");
  private static final Path CLASSES = Path.of("target", "classes").toAbsolutePath();
  private static final Path JAR = DIR.resolve("classes.jar");
  private static @Nullable String classPath;
  private static @Nullable Process writer;
  private static boolean writerStarting;

  /**
   * The JVM options of a server about to start: the archive when there is one; the order to write
   * it at exit when there is none and no running server is writing it; else none. Call {@link
   * #started} with the process once it runs.
   */
  static synchronized List<String> archiveOptions() {
    if (Files.isRegularFile(ARCHIVE)) {
      return List.of("-XX:SharedArchiveFile=" + ARCHIVE);
    }
    Process w = writer;
    if (writerStarting || (w != null && w.isAlive())) {
      return List.of();
    }
    writerStarting = true;
    return List.of("-XX:ArchiveClassesAtExit=" + ARCHIVE);
  }

  /** The server started with the options {@link #archiveOptions} gave last. */
  static synchronized void started(List<String> options, Process process) {
    if (options.stream().anyMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit="))) {
      writer = process;
      writerStarting = false;
    }
  }

  /** The server given {@code options} by {@link #archiveOptions} could not be started. */
  static synchronized void notStarted(List<String> options) {
    if (options.stream().anyMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit="))) {
      writerStarting = false;
    }
  }

  static synchronized String get() {
    String known = classPath;
    if (known == null) {
      try {
        Files.createDirectories(DIR);
        if (!Files.exists(JAR) || newest(CLASSES).compareTo(Files.getLastModifiedTime(JAR)) > 0) {
          writeJar();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      List<String> entries = new ArrayList<>();
      entries.add(JAR.toString());
      for (String e :
          java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(File.pathSeparator))
              .split(System.getProperty("java.class.path"))) {
        if (e.endsWith(".jar")) {
          entries.add(e);
        }
      }
      known = String.join(File.pathSeparator, entries);
      classPath = known;
    }
    return known;
  }

  private static FileTime newest(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .map(ServerClassPath::modified)
          .max(FileTime::compareTo)
          .orElse(FileTime.fromMillis(0));
    }
  }

  private static FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeJar() throws IOException {
    Path tmp = DIR.resolve("classes.jar.tmp");
    try (OutputStream out = Files.newOutputStream(tmp);
        JarOutputStream jar = new JarOutputStream(out);
        Stream<Path> files = Files.walk(CLASSES)) {
      for (Path f : (Iterable<Path>) files.sorted()::iterator) {
        if (Files.isRegularFile(f)) {
          jar.putNextEntry(new JarEntry(CLASSES.relativize(f).toString().replace('\\', '/')));
          Files.copy(f, jar);
          jar.closeEntry();
        }
      }
    }
    Files.move(tmp, JAR, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.deleteIfExists(ARCHIVE); // made with the jar before: no longer valid
  }
}
