package io.summit.dr.orchestrator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Who asked for what, when, and with what result: one JSON line per request, kept on disk. */
public final class AuditLog {
  /** One request. */
  public record Entry(
      Instant at, String who, String action, Map<String, Object> request, String result) {}

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private final Path file;
  private final Clock clock;
  private final List<Entry> entries = new ArrayList<>();

  public AuditLog(Path file, Clock clock) {
    this.file = file;
    this.clock = clock;
    Path dir = file.toAbsolutePath().getParent();
    try {
      if (dir != null) {
        java.nio.file.Files.createDirectories(dir);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(file + ": cannot create the audit log's directory", e);
    }
  }

  public synchronized Entry record(
      String who, String action, Map<String, Object> request, String result) {
    Entry e = new Entry(clock.instant(), who, action, Map.copyOf(request), result);
    entries.add(e);
    try {
      Files.writeString(
          file,
          JSON.writeValueAsString(e) + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException ex) {
      throw new UncheckedIOException(file + ": cannot write the audit log", ex);
    }
    return e;
  }

  public synchronized List<Entry> entries() {
    return List.copyOf(entries);
  }
}
