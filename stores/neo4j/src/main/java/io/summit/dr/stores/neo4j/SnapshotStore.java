package io.summit.dr.stores.neo4j;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

/**
 * Where snapshots are kept: a local directory now ({@link DirectorySnapshotStore}), a versioned
 * object store later. A snapshot is written as a stream, then published with its manifest; only a
 * published snapshot is listed or opened, so a crash while writing leaves nothing half-visible.
 */
public interface SnapshotStore {
  /** A stream for the content of snapshot {@code id}; {@link #publish} makes it visible. */
  OutputStream create(String id);

  /** Makes the snapshot whose content was written visible, with its manifest. */
  void publish(SnapshotManifest manifest);

  /** The published snapshots, oldest first. */
  List<SnapshotManifest> list();

  Optional<SnapshotManifest> find(String id);

  /**
   * The content of a published snapshot.
   *
   * @throws SnapshotNotFoundException when no snapshot {@code id} is published
   */
  InputStream open(String id);
}
