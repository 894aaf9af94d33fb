package io.summit.dr.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file under {@code malformed/} is rejected with exactly the problems of its {@code
 * .expected} file: message, field path, line and column. Adding a case is adding two files.
 */
class MalformedTopologyTest {

  static Stream<String> cases() throws IOException, URISyntaxException {
    try (Stream<Path> files = Files.list(dir())) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml"))
          .sorted()
          .toList()
          .stream();
    }
  }

  @Test
  void thereAreAtLeastTwentyFiveMalformedFiles() throws Exception {
    assertThat(cases()).hasSizeGreaterThanOrEqualTo(25);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void malformedFileIsRejectedWithExactlyTheExpectedProblems(String name) throws Exception {
    String text = Files.readString(dir().resolve(name), StandardCharsets.UTF_8);
    List<String> expected =
        Files.readAllLines(
            dir().resolve(name.replace(".yaml", ".expected")), StandardCharsets.UTF_8);

    InvalidTopologyException e =
        catchThrowableOfType(
            InvalidTopologyException.class, () -> TopologyLoader.parse(name, text));

    assertThat(e).as("%s must be rejected", name).isNotNull();
    assertThat(e.problems()).allSatisfy(p -> assertThat(p.location()).isNotNull());
    assertThat(e.problems().stream().map(Problem::format).toList())
        .containsExactlyElementsOf(expected);
  }

  @Test
  void theBaseOfTheMalformedFilesIsValid() throws Exception {
    Path valid = dir().resolveSibling("valid-minimal.yaml");

    Topology t = TopologyLoader.load(valid);

    assertThat(t.primary().name()).isEqualTo("us-west-2");
  }

  private static Path dir() throws URISyntaxException {
    return Path.of(
        java.util.Objects.requireNonNull(MalformedTopologyTest.class.getResource("/malformed"))
            .toURI());
  }
}
