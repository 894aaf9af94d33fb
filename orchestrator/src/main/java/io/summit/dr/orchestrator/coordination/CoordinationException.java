package io.summit.dr.orchestrator.coordination;

/**
 * The coordination store could not be read or written, or refused a write because this replica is
 * no longer the leader. The message starts with the store and the key. The caller retries later or
 * steps down; it never acts as if the write happened.
 */
public final class CoordinationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CoordinationException(String message) {
    super(message);
  }

  public CoordinationException(String message, Throwable cause) {
    super(message, cause);
  }
}
