package io.summit.dr.stores.neo4j;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Snapshots as files in one directory: {@code ID.jsonl.gz} (content) and {@code ID.json} (manifest,
 * written last by rename: its presence means the snapshot is complete). Several servers may share
 * the directory (the lab's stand-in for object storage).
 */
public final class DirectorySnapshotStore implements SnapshotStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path dir;

  public DirectorySnapshotStore(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": cannot create the snapshot directory", e);
    }
  }

  private Path content(String id) {
    return dir.resolve(id + ".jsonl.gz");
  }

  @Override
  public OutputStream create(String id) {
    try {
      return Files.newOutputStream(content(id));
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": cannot write snapshot " + id, e);
    }
  }

  @Override
  public void publish(SnapshotManifest m) {
    try {
      Path tmp = dir.resolve(m.id() + ".json.tmp");
      JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), m);
      Files.move(tmp, dir.resolve(m.id() + ".json"), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": cannot publish snapshot " + m.id(), e);
    }
  }

  @Override
  public List<SnapshotManifest> list() {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".json"))
          .map(this::read)
          .sorted(Comparator.comparing(SnapshotManifest::takenAt))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": cannot list snapshots", e);
    }
  }

  private SnapshotManifest read(Path p) {
    try {
      return JSON.readValue(p.toFile(), SnapshotManifest.class);
    } catch (IOException e) {
      throw new UncheckedIOException(p + ": unreadable snapshot manifest", e);
    }
  }

  @Override
  public Optional<SnapshotManifest> find(String id) {
    Path p = dir.resolve(id + ".json");
    return id.matches("[A-Za-z0-9._-]+") && Files.exists(p)
        ? Optional.of(read(p))
        : Optional.empty();
  }

  @Override
  public InputStream open(String id) {
    if (find(id).isEmpty()) {
      throw new SnapshotNotFoundException(
          "snapshot: '" + id + "' is not in " + dir + " (expected: one of " + ids() + ")");
    }
    try {
      return Files.newInputStream(content(id));
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": cannot read snapshot " + id, e);
    }
  }

  private List<String> ids() {
    return list().stream().map(SnapshotManifest::id).toList();
  }
}
