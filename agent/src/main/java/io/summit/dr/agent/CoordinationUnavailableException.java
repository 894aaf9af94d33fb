package io.summit.dr.agent;

/**
 * etcd did not answer a request in time or refused it for want of a quorum or leader. The caller
 * may try again later; the agent's deadline, not this exception, decides when to fence.
 */
public final class CoordinationUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CoordinationUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
