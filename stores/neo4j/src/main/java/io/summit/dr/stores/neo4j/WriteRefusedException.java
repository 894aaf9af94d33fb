package io.summit.dr.stores.neo4j;

/**
 * A write this server refuses in its current state (fenced, a replica, an older writer term, a node
 * without a business key). Thrown from the commit listener, it vetoes the transaction.
 */
public final class WriteRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public WriteRefusedException(String message) {
    super(message);
  }
}
