package io.summit.dr.orchestrator.client;

import java.net.URI;
import java.util.List;
import java.util.stream.Collectors;

/**
 * No orchestrator replica gave an answer to a request: each was unreachable, timed out, answered
 * 503 (no leader yet, say) or redirected too often. {@link #attempts()} says what each one did.
 */
public final class NoReplicaReachableException extends ControlClientException {
  private static final long serialVersionUID = 1L;

  /** What asking one replica gave: {@code what} is the error or the status and body. */
  public record Attempt(URI replica, String what) {
    @Override
    public String toString() {
      return replica + " (" + what + ")";
    }
  }

  private final String endpoint;
  private final List<Attempt> attempts;

  NoReplicaReachableException(String endpoint, List<Attempt> attempts) {
    super(
        endpoint
            + ": no orchestrator replica answers: "
            + attempts.stream().map(Attempt::toString).collect(Collectors.joining(", ")));
    this.endpoint = endpoint;
    this.attempts = List.copyOf(attempts);
  }

  /** Method and path, e.g. {@code GET /v1/status}. */
  public String endpoint() {
    return endpoint;
  }

  /** Every replica asked, in order, with what it said. */
  public List<Attempt> attempts() {
    return attempts;
  }
}
