package io.summit.dr.orchestrator.client;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The orchestrator replicas a client knows, and the one that answered last (the leader, as far as
 * the client knows): it is asked first. Thread-safe.
 */
final class Replicas {
  private final List<URI> all;
  private final AtomicReference<URI> leader;

  Replicas(List<URI> replicas) {
    if (replicas.isEmpty()) {
      throw new IllegalArgumentException(
          "replicas: empty (expected: at least one orchestrator API address)");
    }
    Set<URI> unique = new LinkedHashSet<>();
    for (URI r : replicas) {
      unique.add(origin(r));
    }
    this.all = List.copyOf(unique);
    this.leader = new AtomicReference<>(all.get(0));
  }

  /** {@code http://host:port} of {@code uri}; bad input named, e.g. a URI without a port. */
  static URI origin(URI uri) {
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "replica: '" + uri + "' (expected: http://HOST:PORT of an orchestrator API)");
    }
    return URI.create(uri.getScheme() + "://" + uri.getRawAuthority());
  }

  List<URI> all() {
    return all;
  }

  /** The order to ask in: the last known leader first, then the others as configured. */
  List<URI> order() {
    URI first = leader.get();
    List<URI> out = new ArrayList<>(all.size() + 1);
    out.add(first);
    all.stream().filter(r -> !r.equals(first)).forEach(out::add);
    return out;
  }

  /** {@code replica} answered a request (it may be one it was redirected to, outside the list). */
  void answered(URI replica) {
    leader.set(origin(replica));
  }

  URI leader() {
    return leader.get();
  }
}
