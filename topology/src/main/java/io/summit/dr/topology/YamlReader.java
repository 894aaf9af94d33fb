package io.summit.dr.topology;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads YAML into {@link Node}s with their positions, through Jackson's streaming YAML parser.
 * Jackson's tree model drops positions, and its data binding stops at the first error; the loader
 * needs both every error and where it stands, so it walks the token stream itself.
 */
final class YamlReader {
  private static final YAMLFactory FACTORY = new YAMLFactory();

  private final String file;
  private final List<Problem> problems = new ArrayList<>();

  private YamlReader(String file) {
    this.file = file;
  }

  /**
   * Parses {@code text}; {@code file} names it in locations.
   *
   * @throws InvalidTopologyException on a syntax error or a duplicate key
   */
  static Node read(String file, String text) {
    YamlReader reader = new YamlReader(file);
    try (JsonParser parser = FACTORY.createParser(text)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new InvalidTopologyException(
            List.of(
                new Problem(
                    "", "the file is empty", "a YAML mapping", new SourceLocation(file, 1, 1))));
      }
      Node root = reader.value(parser, "");
      if (!reader.problems.isEmpty()) {
        throw new InvalidTopologyException(reader.problems);
      }
      return root;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      SourceLocation where =
          at == null
              ? new SourceLocation(file, 1, 1)
              : new SourceLocation(file, at.getLineNr(), at.getColumnNr());
      throw new InvalidTopologyException(
          List.of(
              new Problem(
                  "",
                  "YAML syntax error: " + firstLine(e.getOriginalMessage()),
                  "valid YAML",
                  where)));
    } catch (IOException e) {
      throw new InvalidTopologyException(
          List.of(
              new Problem(
                  "",
                  "cannot read: " + e.getMessage(),
                  "a readable YAML file",
                  new SourceLocation(file, 1, 1))));
    }
  }

  private static String firstLine(String message) {
    String trimmed = message.strip();
    int newline = trimmed.indexOf('\n');
    return newline < 0 ? trimmed : trimmed.substring(0, newline).strip();
  }

  private Node value(JsonParser parser, String path) throws IOException {
    SourceLocation at = location(parser);
    JsonToken token = parser.currentToken();
    return switch (token) {
      case START_OBJECT -> mapping(parser, path, at);
      case START_ARRAY -> sequence(parser, path, at);
      case VALUE_STRING -> new Node.Scalar(parser.getText(), Node.Scalar.Kind.STRING, at);
      case VALUE_NUMBER_INT -> new Node.Scalar(parser.getText(), Node.Scalar.Kind.INTEGER, at);
      case VALUE_NUMBER_FLOAT -> new Node.Scalar(parser.getText(), Node.Scalar.Kind.DECIMAL, at);
      case VALUE_TRUE, VALUE_FALSE ->
          new Node.Scalar(parser.getText(), Node.Scalar.Kind.BOOLEAN, at);
      case VALUE_NULL -> new Node.Scalar(null, Node.Scalar.Kind.NULL, at);
      default -> throw new IllegalStateException(path + ": unexpected YAML token " + token);
    };
  }

  private Node mapping(JsonParser parser, String path, SourceLocation at) throws IOException {
    Map<String, Node> entries = new LinkedHashMap<>();
    Map<String, SourceLocation> keys = new LinkedHashMap<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      SourceLocation keyAt = location(parser);
      parser.nextToken();
      String child = path.isEmpty() ? key : path + "." + key;
      Node value = value(parser, child);
      SourceLocation first = keys.get(key);
      if (first != null) {
        problems.add(
            new Problem(
                child,
                "duplicate key (first at line " + first.line() + ")",
                "each key once",
                keyAt));
        continue;
      }
      entries.put(key, value);
      keys.put(key, keyAt);
    }
    return new Node.Mapping(entries, keys, at);
  }

  private Node sequence(JsonParser parser, String path, SourceLocation at) throws IOException {
    List<Node> items = new ArrayList<>();
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      items.add(value(parser, path + "[" + items.size() + "]"));
    }
    return new Node.Sequence(items, at);
  }

  private SourceLocation location(JsonParser parser) {
    JsonLocation l = parser.currentTokenLocation();
    return new SourceLocation(file, l.getLineNr(), l.getColumnNr());
  }
}
