package io.summit.dr.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.topology.WriteRules;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether a request is a read or a write.
 *
 * <ul>
 *   <li>Outside the GraphQL path, the method decides: one of {@link WriteRules#methods()} is a
 *       write, anything else (GET, HEAD, OPTIONS, ...) a read.
 *   <li>On the GraphQL path, a request that carries a document (a {@code query} parameter, or a
 *       POST body) is classified by the operation it selects: query and subscription read, mutation
 *       write. A JSON body may be one request object or a batch (array); a batch with any mutation
 *       is a write. A body of type {@code application/graphql} is the document itself.
 *   <li>Whatever cannot be classified is a write, the safe default (it goes to the writer region,
 *       which can serve either): a body over the limit, bad JSON, a syntax error, several
 *       operations without {@code operationName}, a persisted-query hash without a document.
 * </ul>
 *
 * <p>Thread-safe and stateless.
 */
public final class RequestClassifier {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final WriteRules rules;
  private final int bodyLimit;

  /**
   * @param bodyLimit most bytes of a GraphQL body read to classify it ({@code
   *     RoutingPolicy.graphqlBodyLimit})
   */
  public RequestClassifier(WriteRules rules, int bodyLimit) {
    if (bodyLimit < 1) {
      throw new IllegalArgumentException("bodyLimit: " + bodyLimit + " (expected: > 0)");
    }
    this.rules = rules;
    this.bodyLimit = bodyLimit;
  }

  public int bodyLimit() {
    return bodyLimit;
  }

  /**
   * Whether the request must be classified from its body: a request with a body on the GraphQL
   * path. The caller buffers up to {@link #bodyLimit()} bytes and calls {@link #byBody}, or treats
   * a longer body as a write.
   */
  public boolean needsBody(String method, String uri, boolean hasBody) {
    return hasBody && isGraphQlPath(uri) && !"GET".equals(method) && !"HEAD".equals(method);
  }

  /** Classifies a request from its method and URI (the GraphQL {@code query} parameter too). */
  public RequestClass byHead(String method, String uri) {
    if (isGraphQlPath(uri)) {
      String query = queryParameter(uri, "query");
      if (query != null) {
        RequestClass c = GraphQlOperations.classify(query, queryParameter(uri, "operationName"));
        return c == null ? RequestClass.WRITE : c;
      }
    }
    return rules.isWriteMethod(method) ? RequestClass.WRITE : RequestClass.READ;
  }

  /**
   * Classifies a GraphQL request from its complete body.
   *
   * @param contentType the request's Content-Type, or null
   */
  public RequestClass byBody(@Nullable String contentType, byte[] body) {
    if (body.length > bodyLimit) {
      return RequestClass.WRITE;
    }
    if (contentType != null
        && contentType.toLowerCase(Locale.ROOT).startsWith("application/graphql")) {
      RequestClass c = GraphQlOperations.classify(new String(body, StandardCharsets.UTF_8), null);
      return c == null ? RequestClass.WRITE : c;
    }
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      return RequestClass.WRITE;
    }
    if (root == null) {
      return RequestClass.WRITE;
    }
    if (!root.isArray()) {
      return classifyOne(root);
    }
    if (root.isEmpty()) {
      return RequestClass.WRITE;
    }
    for (JsonNode item : root) {
      if (classifyOne(item) == RequestClass.WRITE) {
        return RequestClass.WRITE;
      }
    }
    return RequestClass.READ;
  }

  private static RequestClass classifyOne(JsonNode request) {
    JsonNode query = request.get("query");
    if (query == null || !query.isTextual()) {
      return RequestClass.WRITE;
    }
    JsonNode name = request.get("operationName");
    String operationName = name != null && name.isTextual() ? name.asText() : null;
    RequestClass c = GraphQlOperations.classify(query.asText(), operationName);
    return c == null ? RequestClass.WRITE : c;
  }

  private boolean isGraphQlPath(String uri) {
    String path = rules.graphqlPath();
    if (path == null || !uri.startsWith(path)) {
      return false;
    }
    return uri.length() == path.length() || uri.charAt(path.length()) == '?';
  }

  private static @Nullable String queryParameter(String uri, String name) {
    int q = uri.indexOf('?');
    if (q < 0) {
      return null;
    }
    for (String pair : uri.substring(q + 1).split("&", -1)) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (decode(key).equals(name)) {
        return eq < 0 ? "" : decode(pair.substring(eq + 1));
      }
    }
    return null;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
