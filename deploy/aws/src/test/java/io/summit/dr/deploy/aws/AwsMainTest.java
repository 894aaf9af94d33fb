package io.summit.dr.deploy.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AwsMainTest {
  /** The control plane's daemons: they run until stopped and report nothing. */
  private static final Set<String> DAEMONS =
      Set.of("summit-dr aws orchestrator", "summit-dr aws agent");

  @Test
  void everyAwsCommandButTheDaemonsTakesJson() {
    List<String> missing = new ArrayList<>();
    leaves(AwsMain.commandLine(), missing);

    assertThat(missing).isEmpty();
  }

  private static void leaves(CommandLine cli, List<String> missing) {
    String name = cli.getCommandSpec().qualifiedName();
    if (cli.getSubcommands().isEmpty()) {
      if (!DAEMONS.contains(name) && cli.getCommandSpec().findOption("--json") == null) {
        missing.add(name);
      }
      return;
    }
    cli.getSubcommands().values().forEach(sub -> leaves(sub, missing));
  }
}
