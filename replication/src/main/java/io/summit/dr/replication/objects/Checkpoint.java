package io.summit.dr.replication.objects;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What one replication direction has settled, on disk: an append-only journal, forced to disk
 * before a version counts as settled, so a restarted replicator resumes from it and neither loses
 * nor copies a version twice. Lines: {@code S status sourceVersion replicaVersion bytes key} for a
 * settled version, {@code C intentVersion} for a claimed delete-marker intent, {@code T
 * sourceVersion tagHash} for the tags last synced back from a replica. Thread-safe.
 */
public final class Checkpoint implements AutoCloseable {
  /** One settled version. */
  public record Entry(
      String key,
      String sourceVersion,
      ReplicationStatus status,
      @Nullable String replicaVersion,
      long bytes) {}

  private final Path file;
  private final FileChannel channel;
  private final Map<String, Entry> settled = new HashMap<>();
  private final Set<String> claimed = new HashSet<>();
  private final Map<String, String> tagHashes = new HashMap<>();

  private Checkpoint(Path file) {
    this.file = file;
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      if (Files.exists(file)) {
        Files.readAllLines(file, StandardCharsets.UTF_8).forEach(this::replay);
      }
      this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("checkpoint " + file + ": " + e.getMessage(), e);
    }
  }

  /** Opens (or creates) the journal at {@code file} and replays it. */
  public static Checkpoint open(Path file) {
    return new Checkpoint(file);
  }

  public Path file() {
    return file;
  }

  private void replay(String line) {
    String[] f = line.split(" ", -1);
    switch (f.length > 0 ? f[0] : "") {
      case "S" -> {
        if (f.length == 6) {
          Entry e =
              new Entry(
                  URLDecoder.decode(f[5], StandardCharsets.UTF_8),
                  f[2],
                  ReplicationStatus.valueOf(f[1]),
                  f[3].equals("-") ? null : f[3],
                  Long.parseLong(f[4]));
          settled.put(e.sourceVersion(), e);
        }
      }
      case "C" -> claimed.add(f[1]);
      case "T" -> tagHashes.put(f[1], f[2]);
      default -> {
        // A torn last line after a crash: ignored, that version is simply pending again.
      }
    }
  }

  public synchronized Optional<Entry> settled(String sourceVersion) {
    return Optional.ofNullable(settled.get(sourceVersion));
  }

  public synchronized boolean isSettled(String sourceVersion) {
    return settled.containsKey(sourceVersion);
  }

  /** Every settled entry (a copy). */
  public synchronized List<Entry> entries() {
    return List.copyOf(settled.values());
  }

  public synchronized void settle(Entry e) {
    append(
        String.join(
            " ",
            "S",
            e.status().name(),
            e.sourceVersion(),
            e.replicaVersion() == null ? "-" : e.replicaVersion(),
            Long.toString(e.bytes()),
            URLEncoder.encode(e.key(), StandardCharsets.UTF_8)));
    settled.put(e.sourceVersion(), e);
  }

  public synchronized boolean isClaimed(String intentVersion) {
    return claimed.contains(intentVersion);
  }

  public synchronized void claim(String intentVersion) {
    append("C " + intentVersion);
    claimed.add(intentVersion);
  }

  public synchronized @Nullable String tagHash(String sourceVersion) {
    return tagHashes.get(sourceVersion);
  }

  public synchronized void tagsSynced(String sourceVersion, String hash) {
    append("T " + sourceVersion + " " + hash);
    tagHashes.put(sourceVersion, hash);
  }

  private void append(String line) {
    try {
      ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
      while (b.hasRemaining()) {
        channel.write(b);
      }
      channel.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("checkpoint " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // Nothing is buffered: every line was forced when written.
    }
  }
}
