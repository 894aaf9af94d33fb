package io.summit.dr.routing;

import graphql.language.Document;
import graphql.language.OperationDefinition;
import graphql.parser.Parser;
import graphql.parser.ParserEnvironment;
import graphql.parser.ParserOptions;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Finds the type of the operation a GraphQL request executes, with graphql-java's parser, so that
 * comments, fragments before the operation, strings containing keywords and the anonymous query
 * shorthand {@code { a }} are all read as a GraphQL server would read them.
 */
final class GraphQlOperations {
  private static final ParserOptions OPTIONS =
      ParserOptions.getDefaultOperationParserOptions()
          .transform(
              b ->
                  b.captureSourceLocation(false)
                      .captureIgnoredChars(false)
                      .captureLineComments(false));

  private GraphQlOperations() {}

  /**
   * The class of the operation that {@code document} runs under {@code operationName}: queries and
   * subscriptions read, mutations write. Null when the request cannot be classified: syntax error,
   * no operation, an unknown operation name, or several operations and no name.
   */
  static @Nullable RequestClass classify(String document, @Nullable String operationName) {
    Document parsed;
    try {
      parsed =
          Parser.parse(
              ParserEnvironment.newParserEnvironment()
                  .document(document)
                  .parserOptions(OPTIONS)
                  .build());
    } catch (RuntimeException e) {
      // InvalidSyntaxException, or a parser limit (tokens, depth) exceeded.
      return null;
    }
    List<OperationDefinition> ops = parsed.getDefinitionsOfType(OperationDefinition.class);
    OperationDefinition selected = select(ops, operationName);
    if (selected == null) {
      return null;
    }
    return selected.getOperation() == OperationDefinition.Operation.MUTATION
        ? RequestClass.WRITE
        : RequestClass.READ;
  }

  private static @Nullable OperationDefinition select(
      List<OperationDefinition> ops, @Nullable String operationName) {
    if (operationName == null || operationName.isEmpty()) {
      return ops.size() == 1 ? ops.get(0) : null;
    }
    for (OperationDefinition op : ops) {
      if (operationName.equals(op.getName())) {
        return op;
      }
    }
    return null;
  }
}
