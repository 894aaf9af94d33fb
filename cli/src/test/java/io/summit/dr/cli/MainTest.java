package io.summit.dr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MainTest {
  @Test
  void versionNamesTheToolAndTheJava() {
    CliRun run = CliRun.of("--version");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("summit-dr ").contains("Java " + Runtime.version().feature());
  }

  @Test
  void everyCommandHasHelp() {
    for (String command : new String[] {"validate", "plan", "schema", "generate-completion"}) {
      CliRun run = CliRun.of(command, "--help");

      assertThat(run.exitCode()).as(command).isZero();
      assertThat(run.out()).as(command).startsWith("Usage: summit-dr " + command);
    }
  }

  @Test
  void generatesABashCompletionScriptThatKnowsTheCommands() {
    CliRun run = CliRun.of("generate-completion");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("complete -F").contains("validate").contains("plan");
  }

  @Test
  void unknownCommandExitsTwo() {
    assertThat(CliRun.of("bogus").exitCode()).isEqualTo(2);
  }
}
