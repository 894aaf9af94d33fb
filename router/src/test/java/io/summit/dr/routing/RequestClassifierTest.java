package io.summit.dr.routing;

import static io.summit.dr.routing.RequestClass.READ;
import static io.summit.dr.routing.RequestClass.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import io.summit.dr.topology.WriteRules;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class RequestClassifierTest {
  private final RequestClassifier classifier =
      new RequestClassifier(
          new WriteRules(List.of("POST", "PUT", "PATCH", "DELETE"), "/graphql"), 256);

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
    "GET, /items, READ",
    "HEAD, /items, READ",
    "OPTIONS, /items, READ",
    "POST, /items, WRITE",
    "PUT, /items/1, WRITE",
    "PATCH, /items/1, WRITE",
    "DELETE, /items/1, WRITE",
    "OPTIONS, /graphql, READ",
    "GET, /graphql?query=%7B%20a%20%7D, READ",
    "GET, /graphql?query=mutation%20%7B%20a%20%7D, WRITE",
    "GET, /graphql?query=%7B%20a, WRITE",
    "GET, /graphqlx, READ",
  })
  void methodAndPathDecideWithoutABody(String method, String uri, RequestClass expected) {
    assertThat(classifier.byHead(method, uri)).isEqualTo(expected);
  }

  @Test
  void onlyBodiesOnTheGraphQlPathAreRead() {
    assertThat(classifier.needsBody("POST", "/graphql", true)).isTrue();
    assertThat(classifier.needsBody("POST", "/graphql?x=1", true)).isTrue();
    assertThat(classifier.needsBody("POST", "/graphql", false)).isFalse();
    assertThat(classifier.needsBody("POST", "/items", true)).isFalse();
    assertThat(classifier.needsBody("GET", "/graphql", true)).isFalse();
  }

  static List<Arguments> bodies() {
    return List.of(
        Arguments.of("query", "{\"query\":\"query Q { a }\"}", READ),
        Arguments.of("anonymous shorthand", "{\"query\":\"{ a }\"}", READ),
        Arguments.of("subscription", "{\"query\":\"subscription S { a }\"}", READ),
        Arguments.of("mutation", "{\"query\":\"mutation M { add(x: 1) { id } }\"}", WRITE),
        Arguments.of(
            "comment before the mutation mentions query",
            "{\"query\":\"# query first\\nmutation M { a }\"}",
            WRITE),
        Arguments.of(
            "fragment before the query",
            "{\"query\":\"fragment F on T { a } query Q { ...F }\"}",
            READ),
        Arguments.of(
            "fragment before the mutation",
            "{\"query\":\"fragment F on T { a } mutation M { b { ...F } }\"}",
            WRITE),
        Arguments.of(
            "string argument containing mutation",
            "{\"query\":\"query Q { a(s: \\\"mutation { x }\\\") }\"}",
            READ),
        Arguments.of(
            "operationName selects the query",
            "{\"query\":\"query Q { a } mutation M { b }\",\"operationName\":\"Q\"}",
            READ),
        Arguments.of(
            "operationName selects the mutation",
            "{\"query\":\"query Q { a } mutation M { b }\",\"operationName\":\"M\"}",
            WRITE),
        Arguments.of(
            "several operations without operationName",
            "{\"query\":\"query Q { a } query R { b }\"}",
            WRITE),
        Arguments.of(
            "unknown operationName",
            "{\"query\":\"query Q { a }\",\"operationName\":\"X\"}",
            WRITE),
        Arguments.of(
            "null operationName with one operation",
            "{\"query\":\"query Q { a }\",\"operationName\":null,\"variables\":{}}",
            READ),
        Arguments.of(
            "batch of queries", "[{\"query\":\"{ a }\"},{\"query\":\"query Q { b }\"}]", READ),
        Arguments.of(
            "batch with one mutation",
            "[{\"query\":\"{ a }\"},{\"query\":\"mutation M { b }\"}]",
            WRITE),
        Arguments.of("empty batch", "[]", WRITE),
        Arguments.of("syntax error", "{\"query\":\"query Q { a \"}", WRITE),
        Arguments.of("not JSON", "query Q { a }", WRITE),
        Arguments.of(
            "persisted query without document",
            "{\"extensions\":{\"persistedQuery\":{\"sha256Hash\":\"ab\"}}}",
            WRITE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bodies")
  void theSelectedOperationDecidesOnTheGraphQlPath(
      String name, String body, RequestClass expected) {
    assertThat(classify("application/json", body)).isEqualTo(expected);
  }

  @Test
  void aBodyOfTypeApplicationGraphqlIsTheDocument() {
    assertThat(classify("application/graphql", "{ a }")).isEqualTo(READ);
    assertThat(classify("application/graphql", "mutation { a }")).isEqualTo(WRITE);
  }

  @Test
  void aBodyOverTheLimitIsAWrite() {
    String query = "{\"query\":\"{ a }\"" + " ".repeat(300) + "}";

    assertThat(classify("application/json", query)).isEqualTo(WRITE);
  }

  private RequestClass classify(@Nullable String type, String body) {
    return classifier.byBody(type, body.getBytes(StandardCharsets.UTF_8));
  }
}
