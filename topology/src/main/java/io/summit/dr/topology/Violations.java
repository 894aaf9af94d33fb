package io.summit.dr.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Collects the rule violations of one record so that its compact constructor reports all of them at
 * once, then throws them together with {@link #throwIfAny()}. Field names are the file's
 * (snake_case) names, since that is what the person reading the message wrote.
 */
final class Violations {
  private final List<Problem> problems = new ArrayList<>();

  void add(String path, String message, String expected) {
    problems.add(Problem.of(path, message, expected));
  }

  void addAll(String parent, InvalidTopologyException nested) {
    nested.problems().forEach(p -> problems.add(p.prefixed(parent)));
  }

  void check(boolean ok, String path, String message, String expected) {
    if (!ok) {
      add(path, message, expected);
    }
  }

  void positive(String path, Duration value) {
    check(
        !value.isNegative() && !value.isZero(),
        path,
        Durations.format(value),
        "a duration > 0, such as 500ms");
  }

  void atLeast(String path, long value, long min) {
    check(value >= min, path, Long.toString(value), ">= " + min);
  }

  void between(String path, long value, long min, long max) {
    check(value >= min && value <= max, path, Long.toString(value), min + ".." + max);
  }

  void notBlank(String path, String value) {
    check(!value.isBlank(), path, "empty", "a non-empty name");
  }

  /** Reports the second and later occurrences of each name, at the item that repeats it. */
  <T> void unique(String listPath, List<T> items, Function<T, String> name) {
    unique(listPath, items, name, ".name");
  }

  /** Reports the second and later occurrences of each value of a list of strings. */
  void uniqueValues(String listPath, List<String> values) {
    unique(listPath, values, s -> s, "");
  }

  private <T> void unique(String listPath, List<T> items, Function<T, String> name, String field) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      String n = name.apply(items.get(i));
      check(
          seen.add(n),
          listPath + "[" + i + "]" + field,
          "duplicate '" + n + "'",
          "unique values in " + listPath);
    }
  }

  void throwIfAny() {
    if (!problems.isEmpty()) {
      throw new InvalidTopologyException(problems);
    }
  }
}
