package io.summit.dr.replication.postgres;

import java.nio.file.Path;
import java.util.List;

/**
 * Local control of one PostgreSQL node, which {@link PostgresAdapter#rejoin} needs because
 * pg_rewind and pg_basebackup work on the data directory of a stopped server. The lab implements it
 * for its servers; a managed database (RDS) has no such control and its adapter rejoins
 * differently.
 */
public interface PostgresControl {
  /** The node's data directory. */
  Path dataDirectory();

  /** Stops the server (fast shutdown) and waits; does nothing when it is not running. */
  void stop();

  /** Starts the server and waits until it accepts connections. */
  void start();

  /**
   * Runs a PostgreSQL client program ({@code pg_rewind}, {@code pg_basebackup}) as the OS user that
   * owns the data directory.
   *
   * @return the program's combined output
   * @throws PostgresToolException when it exits with a non-zero code
   */
  String run(String program, List<String> arguments);

  /**
   * The content of a file in the data directory; empty when it does not exist (or the directory
   * does not).
   */
  java.util.Optional<String> readDataFile(String name);

  /** Replaces a file in the data directory, owned by the data directory's OS user. */
  void writeDataFile(String name, String content);

  /** Empties the data directory (before a fresh base backup). */
  void clearDataDirectory();
}
