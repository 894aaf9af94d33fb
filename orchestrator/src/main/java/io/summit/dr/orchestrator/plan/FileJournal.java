package io.summit.dr.orchestrator.plan;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plan journal in a local file: one JSON line per event, forced to disk before {@link #append}
 * returns, so that a step is journaled as started before it acts and as ended before the next one
 * starts.
 *
 * <p>Every entry is checked when read. {@link #open} repairs a torn last line (an append cut short
 * by a crash: no final newline; its event did not happen, since its append never returned) by
 * truncating it, and logs that; a corrupt entry anywhere else fails with {@code file:line: what is
 * wrong}, because dropping it could forget a started promotion.
 *
 * <p>The file is locked ({@link FileChannel#tryLock()}) while open: a second orchestrator on the
 * same state directory fails at {@link #open} instead of interleaving plans. Thread-safe. For a
 * single orchestrator; replicas share a journal in the coordination store.
 */
public final class FileJournal implements Journal {
  private static final Logger LOG = LoggerFactory.getLogger(FileJournal.class);

  static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private FileJournal(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Opens (creating) the journal, locks it and repairs a torn last entry.
   *
   * @throws JournalException when another process holds the journal, when an entry other than the
   *     last is corrupt (with its line), or on an I/O error
   */
  public static FileJournal open(Path file) {
    FileChannel channel = null;
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock = lock(file, channel);
      FileJournal journal = new FileJournal(file, channel, lock);
      journal.repairTornTail();
      journal.read();
      return journal;
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      if (e instanceof JournalException j) {
        throw j;
      }
      throw new JournalException(file + ": cannot open the plan journal: " + e, e);
    }
  }

  private static FileLock lock(Path file, FileChannel channel) throws IOException {
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      throw new JournalException(
          file
              + ": the plan journal is locked by another orchestrator using state directory "
              + file.toAbsolutePath().getParent()
              + " (expected: one orchestrator per state directory; stop the other one or give"
              + " this one its own --state-dir)");
    }
    return lock;
  }

  private static void closeQuietly(@Nullable FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Already failing: the open error is the one to report.
      }
    }
  }

  /** Cuts an unterminated last line: the append that wrote it never returned. */
  private synchronized void repairTornTail() throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    int end = bytes.length;
    if (end == 0 || bytes[end - 1] == '\n') {
      return;
    }
    int start = end;
    while (start > 0 && bytes[start - 1] != '\n') {
      start--;
    }
    int line = 1;
    for (int i = 0; i < start; i++) {
      line += bytes[i] == '\n' ? 1 : 0;
    }
    channel.truncate(start);
    channel.force(true);
    LOG.warn(
        "{}:{}: torn last journal entry repaired: cut {} bytes written by an append that never"
            + " returned: {}",
        file,
        line,
        end - start,
        new String(bytes, start, Math.min(end - start, 120), StandardCharsets.UTF_8));
  }

  @Override
  public synchronized void append(JournalEntry entry) {
    try {
      byte[] line = (JSON.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
      ByteBuffer buffer = ByteBuffer.wrap(line);
      long at = channel.size();
      while (buffer.hasRemaining()) {
        at += channel.write(buffer, at);
      }
      channel.force(false);
    } catch (IOException e) {
      throw new JournalException(file + ": cannot append to the plan journal: " + e, e);
    }
  }

  /**
   * Every entry, each checked.
   *
   * @throws JournalException {@code file:line: what is wrong} for an entry that is not a valid
   *     journal entry
   */
  @Override
  public synchronized List<JournalEntry> read() {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new JournalException(file + ": cannot read the plan journal: " + e, e);
    }
    List<JournalEntry> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      out.add(parse(lines.get(i), i + 1));
    }
    return out;
  }

  private JournalEntry parse(String line, int number) {
    try {
      return JSON.readValue(line, JournalEntry.class);
    } catch (IOException e) {
      String why =
          e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
      throw new JournalException(
          file
              + ":"
              + number
              + ": corrupt journal entry: "
              + why
              + " (expected: one JSON journal entry per line; only a torn last line is repaired."
              + " Move the file aside to start without its history, after checking the stores)");
    }
  }

  @Override
  public String describe() {
    return file.toString();
  }

  @Override
  public synchronized void close() {
    try {
      if (channel.isOpen()) {
        lock.release();
      }
      channel.close();
    } catch (IOException e) {
      throw new JournalException(file + ": cannot close the plan journal", e);
    }
  }
}
