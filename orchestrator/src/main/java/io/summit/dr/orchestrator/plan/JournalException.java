package io.summit.dr.orchestrator.plan;

/**
 * The journal could not be read or written: a disk that refuses the append, a corrupt entry, a
 * coordination store that cannot be reached, or a leadership that was lost. The message starts with
 * where the journal lives.
 */
public final class JournalException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JournalException(String message) {
    super(message);
  }

  public JournalException(String message, Throwable cause) {
    super(message, cause);
  }
}
