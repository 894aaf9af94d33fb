package io.summit.dr.stores.neo4j;

/**
 * A finished snapshot: the graph as of sequence number {@code seq} (every change up to it, none
 * after), its counts and its content checksum ({@link Checksum}), and how long taking it took.
 */
public record SnapshotManifest(
    String id,
    long seq,
    String takenAt,
    long nodes,
    long relationships,
    String checksum,
    long bytes,
    long millis) {
  public SnapshotManifest {
    if (!id.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("id: '" + id + "' (expected: letters, digits, . _ -)");
    }
    if (seq < 0) {
      throw new IllegalArgumentException("seq: " + seq + " (expected: >= 0)");
    }
  }
}
