package io.summit.dr.orchestrator.coordination;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.orchestrator.plan.FileJournal;
import io.summit.dr.orchestrator.plan.Journal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The control state of a single orchestrator, in files of its state directory: {@code
 * journal.jsonl}, {@code writer.json} and {@code discovery.json} (each replaced atomically). No
 * region agents hold leases here, so there is no write authority to wait for: use it where one
 * orchestrator runs alone (tests, a laptop), and {@link EtcdControlStore} for replicas.
 */
public final class LocalControlStore implements ControlStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path dir;
  private final FileJournal journal;

  private LocalControlStore(Path dir, FileJournal journal) {
    this.dir = dir;
    this.journal = journal;
  }

  public static LocalControlStore open(Path dir) {
    return new LocalControlStore(dir, FileJournal.open(dir.resolve("journal.jsonl")));
  }

  @Override
  public Journal journal() {
    return journal;
  }

  @Override
  public synchronized WriterRecord writer(WriterRecord initial) {
    Optional<WriterRecord> held = read("writer.json", WriterRecord.class);
    if (held.isPresent()) {
      return held.get();
    }
    write("writer.json", initial);
    return initial;
  }

  @Override
  public synchronized WriterRecord advanceTerm(String to, String plan) {
    WriterRecord now =
        read("writer.json", WriterRecord.class)
            .orElseThrow(() -> new CoordinationException(dir + "/writer.json: missing"));
    if (Objects.equals(now.plan(), plan)) {
      return now;
    }
    WriterRecord next = now.next(to, plan);
    write("writer.json", next);
    return next;
  }

  @Override
  public synchronized Optional<DiscoveryRecord> discovery() {
    return read("discovery.json", DiscoveryRecord.class);
  }

  @Override
  public synchronized void saveDiscovery(DiscoveryRecord record) {
    write("discovery.json", record);
  }

  @Override
  public Optional<Authority> authority(String region) {
    return Optional.empty();
  }

  @Override
  public void revoke(Authority authority) {}

  @Override
  public Duration authorityBound() {
    return Duration.ZERO;
  }

  @Override
  public String describe() {
    return dir.toString();
  }

  private <T> Optional<T> read(String name, Class<T> type) {
    Path file = dir.resolve(name);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(file.toFile(), type));
    } catch (IOException e) {
      throw new CoordinationException(file + ": unreadable: " + e.getMessage(), e);
    }
  }

  private void write(String name, Object value) {
    Path file = dir.resolve(name);
    Path tmp = dir.resolve(name + ".tmp");
    try {
      Files.createDirectories(dir);
      Files.write(tmp, JSON.writeValueAsBytes(value));
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new CoordinationException(file + ": cannot write: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    journal.close();
  }
}
