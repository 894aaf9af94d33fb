package io.summit.dr.topology;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads topology files. Every problem of a file is reported at once, each with its line, column and
 * field path; a file with any problem yields no topology.
 *
 * <p>Structural problems (YAML syntax, wrong types, unknown or missing fields) are found first; the
 * cross-field rules of {@link Topology} run once the structure is sound, so a file with a type
 * error in one section is not also blamed for rules that section would have satisfied.
 */
public final class TopologyLoader {
  private TopologyLoader() {}

  /**
   * Loads {@code file}.
   *
   * @throws InvalidTopologyException with every problem of the file, positions included
   */
  public static Topology load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InvalidTopologyException(
          List.of(
              new Problem(
                  "",
                  "cannot read the file: " + reason(e),
                  "a readable YAML file",
                  new SourceLocation(file.toString(), 1, 1))));
    }
    return parse(file.toString(), text);
  }

  /**
   * Parses {@code text}; {@code fileName} names it in error positions.
   *
   * @throws InvalidTopologyException with every problem of the text
   */
  public static Topology parse(String fileName, String text) {
    Node root = YamlReader.read(fileName, text);
    Binder binder = new Binder();
    Object topology = binder.bind(root, Topology.class, "");
    if (topology == null || !binder.problems().isEmpty()) {
      throw new InvalidTopologyException(binder.problems());
    }
    return (Topology) topology;
  }

  private static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    return String.valueOf(e.getMessage());
  }
}
