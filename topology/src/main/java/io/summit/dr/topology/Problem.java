package io.summit.dr.topology;

import org.jspecify.annotations.Nullable;

/**
 * One thing wrong with a topology file: the dotted path of the field ({@code
 * services[0].autoscaling.us-east-1.min}), what is wrong, what was expected, and where in the file
 * it stands when that is known.
 */
public record Problem(
    String path, String message, String expected, @Nullable SourceLocation location) {

  public static Problem of(String path, String message, String expected) {
    return new Problem(path, message, expected, null);
  }

  /** The same problem one level further down: {@code inner.prefixed("regions[1]")}. */
  Problem prefixed(String parent) {
    String joined =
        path.isEmpty() ? parent : path.startsWith("[") ? parent + path : parent + "." + path;
    return new Problem(joined, message, expected, location);
  }

  Problem at(SourceLocation where) {
    return new Problem(path, message, expected, where);
  }

  /** {@code file:line:column: path: message (expected: ...)}, or without the position. */
  public String format() {
    String field = path.isEmpty() ? "<root>" : path;
    String where = location == null ? "" : location + ": ";
    return where + field + ": " + message + " (expected: " + expected + ")";
  }
}
