package io.summit.dr.topology;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A topology that cannot be used, with every problem found in it. Thrown by the loader and by the
 * compact constructors of the model's records; the caller may print {@link #problems()} and stop.
 */
public final class InvalidTopologyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<Problem> problems;

  public InvalidTopologyException(List<Problem> problems) {
    super(problems.stream().map(Problem::format).collect(Collectors.joining("\n")));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("problems: [] (expected: at least one problem)");
    }
    this.problems = List.copyOf(problems);
  }

  static InvalidTopologyException of(String path, String message, String expected) {
    return new InvalidTopologyException(List.of(Problem.of(path, message, expected)));
  }

  public List<Problem> problems() {
    return problems;
  }
}
