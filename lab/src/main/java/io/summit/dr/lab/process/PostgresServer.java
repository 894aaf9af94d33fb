package io.summit.dr.lab.process;

import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.postgres.PostgresAdapter;
import io.summit.dr.replication.postgres.PostgresControl;
import io.summit.dr.replication.postgres.PostgresToolException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * One lab PostgreSQL server: its data directory, log and port. PostgreSQL refuses to run as root,
 * so when the lab runs as root every PostgreSQL program runs as the {@code postgres} OS user
 * (through {@code runuser}) and the data directory belongs to that user.
 *
 * <p>Settings every node shares go into {@code postgresql.conf} (a base backup copies it); the
 * node's own port and address go on the server's command line, so that a file copied from another
 * node (pg_basebackup, pg_rewind) can never move a node to another node's port.
 */
public final class PostgresServer implements PostgresControl {
  static final String OS_USER = "postgres";

  private static final String SHARED_SETTINGS =
      """

      # summit-dr lab settings (shared by every node; port and address are given at start)
      unix_socket_directories = ''
      wal_level = replica
      max_wal_senders = 10
      max_replication_slots = 10
      wal_log_hints = on
      wal_keep_size = 512MB
      hot_standby = on
      hot_standby_feedback = on
      wal_receiver_status_interval = 1s
      wal_sender_timeout = 5s
      wal_receiver_timeout = 5s
      wal_retrieve_retry_interval = 500ms
      shared_buffers = 32MB
      max_connections = 80
      # Commits do not wait for a standby unless a transaction asks (SET LOCAL synchronous_commit
      # = remote_apply: the workload's registers, whose writes must survive a region loss); any
      # one standby applying is enough. Entity writes stay asynchronous (the topology's rpo_budget).
      synchronous_standby_names = 'ANY 1 (*)'
      synchronous_commit = local
      """;

  private final Binaries binaries;
  private final Path dataDir;
  private final Path log;
  private final Endpoint endpoint;

  public PostgresServer(Binaries binaries, Path dataDir, Path log, Endpoint endpoint) {
    this.binaries = binaries;
    this.dataDir = dataDir.toAbsolutePath();
    this.log = log.toAbsolutePath();
    this.endpoint = endpoint;
  }

  @Override
  public Path dataDirectory() {
    return dataDir;
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  public Path log() {
    return log;
  }

  /**
   * A new primary: initdb with checksums, 1 MB WAL segments, trust on loopback, the shared
   * settings.
   *
   * <p>1 MB segments instead of 16 MB: a rejoin's pg_rewind copies the new primary's WAL segments
   * from the divergence point on, whole, and both regions' servers share this machine's disk, so
   * every megabyte it copies and fsyncs delays the new primary's commits (measured on a sample
   * pair: 55 MB to copy with 16 MB segments, 16 MB with 1 MB ones).
   */
  public void initPrimary() {
    prepareDirectories();
    exec(
        "initdb",
        List.of(
            "-D",
            dataDir.toString(),
            "-U",
            "postgres",
            "--auth=trust",
            "-k",
            "-E",
            "UTF8",
            "--wal-segsize=1"),
        Duration.ofSeconds(120));
    append("postgresql.conf", SHARED_SETTINGS);
    writeDataFile(
        "pg_hba.conf", "host all all 127.0.0.0/8 trust\nhost replication all 127.0.0.0/8 trust\n");
  }

  /** A new replica of {@code source}: base backup through it with a new replication slot. */
  public void cloneFrom(Endpoint source, String slot) {
    prepareDirectories();
    exec(
        "pg_basebackup",
        List.of(
            "-h",
            source.host(),
            "-p",
            Integer.toString(source.port()),
            "-U",
            "postgres",
            "-D",
            dataDir.toString(),
            "-X",
            "stream",
            "-C",
            "-S",
            slot),
        Duration.ofSeconds(300));
    writeDataFile("postgresql.auto.conf", PostgresAdapter.standbyConfig(source, slot));
    writeDataFile("standby.signal", "");
  }

  private void prepareDirectories() {
    try {
      Files.createDirectories(dataDir);
      if (!Files.exists(log)) {
        Files.createFile(log);
      }
      if (OsProcesses.isRoot()) {
        OsProcesses.run(
            List.of("chown", OS_USER + ":" + OS_USER, dataDir.toString(), log.toString()),
            Duration.ofSeconds(10));
      }
      OsProcesses.run(List.of("chmod", "700", dataDir.toString()), Duration.ofSeconds(10));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the server and returns the postmaster's PID. */
  public long startServer() {
    start();
    return pid()
        .orElseThrow(() -> new LabException(dataDir + ": started but postmaster.pid is missing"));
  }

  @Override
  public void start() {
    exec(
        "pg_ctl",
        List.of(
            "-D",
            dataDir.toString(),
            "-l",
            log.toString(),
            "-w",
            "-t",
            "60",
            "-o",
            "-p " + endpoint.port() + " -c listen_addresses=" + endpoint.host(),
            "start"),
        Duration.ofSeconds(90));
  }

  @Override
  public void stop() {
    OptionalLong pid = pid();
    if (pid.isEmpty()) {
      return;
    }
    OsProcesses.stop(pid.getAsLong(), "INT", Duration.ofSeconds(20));
  }

  /** The running postmaster's PID, from {@code postmaster.pid}. */
  public OptionalLong pid() {
    Path file = dataDir.resolve("postmaster.pid");
    try {
      if (!Files.exists(file)) {
        return OptionalLong.empty();
      }
      long pid = Long.parseLong(Files.readAllLines(file).get(0).trim());
      return OsProcesses.isAlive(pid) ? OptionalLong.of(pid) : OptionalLong.empty();
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  @Override
  public String run(String program, List<String> arguments) {
    try {
      return exec(program, arguments, Duration.ofSeconds(300));
    } catch (CommandFailedException e) {
      throw new PostgresToolException(program, e.exitCode(), e.output());
    }
  }

  private String exec(String program, List<String> arguments, Duration timeout) {
    List<String> command = new ArrayList<>();
    if (OsProcesses.isRoot()) {
      command.addAll(List.of("runuser", "-u", OS_USER, "--"));
    }
    command.add(binaries.postgres(program).toString());
    command.addAll(arguments);
    return OsProcesses.run(command, timeout);
  }

  @Override
  public java.util.Optional<String> readDataFile(String name) {
    Path file = dataDir.resolve(name);
    try {
      return Files.exists(file)
          ? java.util.Optional.of(Files.readString(file, StandardCharsets.UTF_8))
          : java.util.Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void writeDataFile(String name, String content) {
    write(name, content, false);
  }

  /** Appends settings to the node's {@code postgresql.conf} (later lines win over earlier ones). */
  public void addSettings(String lines) {
    append("postgresql.conf", lines);
  }

  private void append(String name, String content) {
    write(name, content, true);
  }

  private void write(String name, String content, boolean append) {
    Path file = dataDir.resolve(name);
    try {
      if (append) {
        Files.writeString(
            file, content, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
      } else {
        Files.writeString(file, content, StandardCharsets.UTF_8);
      }
      if (OsProcesses.isRoot()) {
        OsProcesses.run(
            List.of("chown", OS_USER + ":" + OS_USER, file.toString()), Duration.ofSeconds(10));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void clearDataDirectory() {
    try (Stream<Path> all = Files.walk(dataDir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        if (!p.equals(dataDir)) {
          Files.delete(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
