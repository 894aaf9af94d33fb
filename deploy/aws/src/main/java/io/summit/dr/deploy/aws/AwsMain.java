package io.summit.dr.deploy.aws;

import io.summit.dr.topology.InvalidTopologyException;
import io.summit.dr.topology.Problem;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code summit-dr-aws.jar}: the {@code summit-dr aws ...} commands, which the
 * {@code summit-dr} launcher runs from this jar so that the main one stays free of the CDK. Exit
 * codes as the main CLI: 0 success, 1 the operation failed, 2 bad input (an argument, a topology
 * file, a topology that does not map onto AWS).
 */
@Command(
    name = "summit-dr",
    mixinStandardHelpOptions = true,
    description = "Summit DR: the AWS deployment commands.",
    subcommands = {AwsCommand.class})
public final class AwsMain implements Runnable {
  /** Exit code of a command whose input was bad. */
  public static final int BAD_INPUT = 2;

  /** Exit code of a command whose operation failed. */
  public static final int FAILED = 1;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    if (Relaunch.needed(args)) {
      Optional<Integer> code = Relaunch.run(AwsMain.class, args);
      if (code.isPresent()) {
        System.exit(code.get());
      }
    }
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, for {@link #main} and for tests. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new AwsMain());
    cli.setExecutionExceptionHandler(AwsMain::handle);
    return cli;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    var err = cli.getErr();
    if (e instanceof InvalidTopologyException invalid) {
      for (Problem p : invalid.problems()) {
        err.println(p.format());
      }
      int n = invalid.problems().size();
      err.println(n + " problem" + (n == 1 ? "" : "s") + "; nothing written");
      return BAD_INPUT;
    }
    if (e instanceof IllegalArgumentException) {
      err.println("summit-dr aws " + cli.getCommandName() + ": " + e.getMessage());
      return BAD_INPUT;
    }
    String message = e.getMessage();
    err.println(
        "summit-dr aws "
            + cli.getCommandName()
            + ": "
            + (message == null ? e.getClass().getSimpleName() : message));
    return FAILED;
  }
}
