package io.summit.dr.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassDataArchiveTest {

  @Test
  void aDaemonRunFromOneJarGetsAnArchiveOfItsOwn() {
    List<String> west =
        ClassDataArchive.options("/lab/lib/summit-dr.jar", "a.b.Main", List.of("w"));
    List<String> east =
        ClassDataArchive.options("/lab/lib/summit-dr.jar", "a.b.Main", List.of("e"));

    assertThat(west).hasSize(2).contains("-XX:+AutoCreateSharedArchive");
    assertThat(west.get(0))
        .startsWith("-XX:SharedArchiveFile=")
        .contains("/cds/Main-")
        .endsWith(".jsa");
    assertThat(east.get(0)).as("two daemons never write one archive").isNotEqualTo(west.get(0));
    assertThat(ClassDataArchive.options("/lab/lib/summit-dr.jar", "a.b.Main", List.of("w")))
        .as("the same daemon restarted finds its archive")
        .isEqualTo(west);
  }

  @Test
  void aClassPathOfManyEntriesRunsWithout() {
    assertThat(ClassDataArchive.options("a.jar:b.jar", "a.b.Main", List.of())).isEmpty();
    assertThat(ClassDataArchive.options("target/classes", "a.b.Main", List.of())).isEmpty();
  }
}
