package io.summit.dr.topology;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Finds where a dotted field path ({@code replicas.us-east-1}, {@code steps[2].name}) stands. */
final class Locator {
  private Locator() {}

  /** The position of the deepest node along {@code path} below {@code from}. */
  static SourceLocation locate(Node from, String path) {
    Node current = from;
    for (String segment : segments(path)) {
      Node next = child(current, segment);
      if (next == null) {
        break;
      }
      current = next;
    }
    return current.location();
  }

  private static @Nullable Node child(Node node, String segment) {
    if (segment.startsWith("[") && node instanceof Node.Sequence seq) {
      int index = Integer.parseInt(segment.substring(1, segment.length() - 1));
      return index < seq.items().size() ? seq.items().get(index) : null;
    }
    if (node instanceof Node.Mapping map) {
      return map.entries().get(segment);
    }
    return null;
  }

  static List<String> segments(String path) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (char ch : path.toCharArray()) {
      if (ch == '.' || ch == '[') {
        if (current.length() > 0) {
          out.add(current.toString());
        }
        current.setLength(0);
        if (ch == '[') {
          current.append('[');
        }
      } else {
        current.append(ch);
        if (ch == ']') {
          out.add(current.toString());
          current.setLength(0);
        }
      }
    }
    if (current.length() > 0) {
      out.add(current.toString());
    }
    return out;
  }
}
