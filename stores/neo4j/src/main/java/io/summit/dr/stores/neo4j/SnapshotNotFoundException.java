package io.summit.dr.stores.neo4j;

/** No published snapshot has the id asked for. */
public final class SnapshotNotFoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SnapshotNotFoundException(String message) {
    super(message);
  }
}
