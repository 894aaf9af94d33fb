package io.summit.dr.lab.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the server programs the lab runs: PostgreSQL's (on PATH, then the newest {@code
 * /usr/lib/postgresql/N/bin}) and {@code redis-server} (on PATH), with the exact package to install
 * when one is missing.
 */
public record Binaries(Path postgresBin, Path redisServer) {

  /**
   * @throws LabException naming the apt package to install when a program is missing
   */
  public static Binaries find() {
    Path pg =
        onPath("initdb")
            .flatMap(Binaries::realDirectory)
            .filter(Binaries::hasAllPostgresPrograms)
            .or(Binaries::newestPostgres)
            .orElseThrow(
                () ->
                    new LabException(
                        "PostgreSQL server programs (initdb, pg_ctl, pg_basebackup, pg_rewind) not"
                            + " found on PATH or in /usr/lib/postgresql/*/bin: install them with"
                            + " 'apt-get install postgresql-15'"));
    Path redis =
        onPath("redis-server")
            .orElseThrow(
                () ->
                    new LabException(
                        "redis-server not found on PATH: install it with 'apt-get install"
                            + " redis-server'"));
    return new Binaries(pg, redis);
  }

  public Path postgres(String program) {
    return postgresBin.resolve(program);
  }

  /** The directory of the real file behind a link (Debian links initdb into /usr/local/bin). */
  private static Optional<Path> realDirectory(Path program) {
    try {
      return Optional.ofNullable(program.toRealPath().getParent());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static boolean hasAllPostgresPrograms(Path dir) {
    return Stream.of("initdb", "pg_ctl", "pg_basebackup", "pg_rewind", "postgres")
        .allMatch(p -> Files.isExecutable(dir.resolve(p)));
  }

  static Optional<Path> onPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String dir : path.split(":")) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static Optional<Path> newestPostgres() {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(Binaries::hasAllPostgresPrograms)
          .max(Comparator.comparingInt(Binaries::majorVersion));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static int majorVersion(Path bin) {
    try {
      return Integer.parseInt(String.valueOf(bin.getName(bin.getNameCount() - 2)));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
