package io.summit.dr.orchestrator.client;

/**
 * A request to the orchestrator's API did not get a usable answer. The subtypes say what the caller
 * may do: {@link ControlApiException} (the orchestrator answered with an error: change the request)
 * and {@link NoReplicaReachableException} (no replica answered: try again later). This type itself
 * says the outcome is unknown: a mutating request was sent and its answer did not come in time
 * (look before asking again), or the calling thread was interrupted (its flag restored).
 */
public class ControlClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ControlClientException(String message) {
    super(message);
  }

  ControlClientException(String message, Throwable cause) {
    super(message, cause);
  }
}
