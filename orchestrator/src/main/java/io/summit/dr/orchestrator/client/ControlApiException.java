package io.summit.dr.orchestrator.client;

import java.net.URI;

/**
 * The orchestrator answered a request with an error status (4xx: the request was refused and
 * changed nothing; 5xx other than 503: the orchestrator failed), or with a body that is not the
 * expected JSON. The message names the endpoint, the replica, the status and the server's error.
 */
public final class ControlApiException extends ControlClientException {
  private static final long serialVersionUID = 1L;

  private final String endpoint;
  private final URI replica;
  private final int status;
  private final String error;

  /**
   * @param endpoint method and path, e.g. {@code POST /v1/plans}
   * @param error the server's {@code error} field, or its whole body when it has none
   */
  ControlApiException(String endpoint, URI replica, int status, String error) {
    super(endpoint + " at " + replica + ": " + status + ": " + error);
    this.endpoint = endpoint;
    this.replica = replica;
    this.status = status;
    this.error = error;
  }

  /** Method and path, e.g. {@code POST /v1/plans}. */
  public String endpoint() {
    return endpoint;
  }

  /** The replica that answered. */
  public URI replica() {
    return replica;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** True for a 4xx: the request was bad or refused, and nothing changed. */
  public boolean refused() {
    return status / 100 == 4;
  }

  /** The server's error text ({@code "field: what is wrong (expected: ...)"}), or its body. */
  public String error() {
    return error;
  }
}
