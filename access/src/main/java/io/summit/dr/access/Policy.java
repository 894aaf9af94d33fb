package io.summit.dr.access;

import org.jspecify.annotations.Nullable;

/** The role one server's request needs, or null for a request anyone may make (health probes). */
@FunctionalInterface
public interface Policy {
  @Nullable Role required(String method, String path);

  /**
   * The usual policy of a control server: {@code GET /healthz} open (liveness probes carry no
   * token), every other GET or HEAD a viewer's, any other method {@code changes}.
   */
  static Policy readsAndChanges(Role changes) {
    return (method, path) -> {
      boolean read = method.equals("GET") || method.equals("HEAD");
      if (read && path.equals("/healthz")) {
        return null;
      }
      return read ? Role.VIEWER : changes;
    };
  }
}
