package io.summit.dr.stores.neo4j;

/** No entity node has the key asked for. */
final class EntityNotFoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  EntityNotFoundException(String message) {
    super(message);
  }
}
