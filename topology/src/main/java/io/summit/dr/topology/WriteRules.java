package io.summit.dr.topology;

import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which requests of a service are writes. Requests with one of {@link #methods()} are writes; on
 * {@link #graphqlPath()} the selected GraphQL operation decides instead (mutation: write).
 */
public record WriteRules(
    @Doc("HTTP methods that are writes.") @Default("[POST, PUT, PATCH, DELETE]")
        List<String> methods,
    @Doc("Path of the GraphQL endpoint, where the operation type decides.")
        @Nullable String graphqlPath) {

  private static final Set<String> HTTP_METHODS =
      Set.of("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE", "TRACE", "CONNECT");

  public static WriteRules defaults() {
    return new WriteRules(List.of("POST", "PUT", "PATCH", "DELETE"), null);
  }

  public WriteRules {
    methods = List.copyOf(methods);
    Violations v = new Violations();
    for (int i = 0; i < methods.size(); i++) {
      v.check(
          HTTP_METHODS.contains(methods.get(i)),
          "methods[" + i + "]",
          "'" + methods.get(i) + "' is not an HTTP method",
          "one of " + String.join(", ", HTTP_METHODS.stream().sorted().toList()));
    }
    v.uniqueValues("methods", methods);
    if (graphqlPath != null) {
      v.check(
          graphqlPath.startsWith("/"),
          "graphql_path",
          "'" + graphqlPath + "'",
          "a path starting with /");
    }
    v.throwIfAny();
  }

  public boolean isWriteMethod(String method) {
    return methods.contains(method);
  }
}
