package io.summit.dr.orchestrator.plan;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The plan journal in a local file: one JSON line per event, forced to disk before {@link #append}
 * returns, so that a step is journaled as started before it acts and as ended before the next one
 * starts. A line torn by a crash mid-write is ignored when read back. Thread-safe. For a single
 * orchestrator; replicas share a journal in the coordination store.
 */
public final class FileJournal implements Journal {
  static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Path file;
  private final FileChannel channel;

  private FileJournal(Path file, FileChannel channel) {
    this.file = file;
    this.channel = channel;
  }

  public static FileJournal open(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      FileChannel channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      return new FileJournal(file, channel);
    } catch (IOException e) {
      throw new JournalException(file + ": cannot open the plan journal", e);
    }
  }

  @Override
  public synchronized void append(JournalEntry entry) {
    try {
      byte[] line = (JSON.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
      ByteBuffer buffer = ByteBuffer.wrap(line);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(false);
    } catch (IOException e) {
      throw new JournalException(file + ": cannot append to the plan journal", e);
    }
  }

  @Override
  public synchronized List<JournalEntry> read() {
    List<JournalEntry> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        try {
          out.add(JSON.readValue(line, JournalEntry.class));
        } catch (IOException torn) {
          // The last line of a journal whose writer died mid-write; its event did not happen.
        }
      }
    } catch (IOException e) {
      throw new JournalException(file + ": cannot read the plan journal", e);
    }
    return out;
  }

  @Override
  public String describe() {
    return file.toString();
  }

  @Override
  public synchronized void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new JournalException(file + ": cannot close the plan journal", e);
    }
  }
}
