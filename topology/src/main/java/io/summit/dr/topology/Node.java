package io.summit.dr.topology;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A parsed YAML value that remembers where it stood in the file. */
sealed interface Node {
  SourceLocation location();

  /** What the value is, for messages: "a mapping", "a list", "the string 'x'", "the number 3". */
  String describe();

  /** A mapping; {@code keys} holds the position of each key, for errors about the key itself. */
  record Mapping(
      Map<String, Node> entries, Map<String, SourceLocation> keys, SourceLocation location)
      implements Node {
    @Override
    public String describe() {
      return "a mapping";
    }
  }

  record Sequence(List<Node> items, SourceLocation location) implements Node {
    @Override
    public String describe() {
      return "a list";
    }
  }

  /** A scalar; {@code kind} is what YAML made of it. {@code text} is null for YAML null. */
  record Scalar(@Nullable String text, Kind kind, SourceLocation location) implements Node {
    enum Kind {
      STRING,
      INTEGER,
      DECIMAL,
      BOOLEAN,
      NULL
    }

    @Override
    public String describe() {
      return switch (kind) {
        case STRING -> "the string '" + text + "'";
        case INTEGER, DECIMAL -> "the number " + text;
        case BOOLEAN -> "the boolean " + text;
        case NULL -> "null";
      };
    }
  }
}
