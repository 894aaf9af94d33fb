package io.summit.dr.access;

import java.io.IOException;

/**
 * A control API answered, with a status other than 2xx: the request reached it and was refused or
 * failed there (401, 403, 404, 409, 503...). The message reads {@code API METHOD PATH: STATUS
 * explanation}.
 */
public final class ApiException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String explanation;

  ApiException(String request, int status, String explanation) {
    super(request + ": " + status + (explanation.isEmpty() ? "" : " " + explanation));
    this.status = status;
    this.explanation = explanation;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The server's explanation: its problem's detail, or its body. */
  public String explanation() {
    return explanation;
  }
}
