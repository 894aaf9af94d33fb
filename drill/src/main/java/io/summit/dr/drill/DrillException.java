package io.summit.dr.drill;

/**
 * A drill could not run or could not finish: the lab is not in a state to drill, or it did not
 * recover in time. The message says which, with the state seen.
 */
public final class DrillException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DrillException(String message) {
    super(message);
  }

  public DrillException(String message, Throwable cause) {
    super(message, cause);
  }
}
