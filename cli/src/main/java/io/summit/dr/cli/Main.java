package io.summit.dr.cli;

import io.summit.dr.router.RouterCommand;
import java.util.Objects;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code summit-dr} command. Exit codes: 0 success, 1 the operation failed, 2 bad input (a
 * command-line argument or a topology file).
 */
@Command(
    name = "summit-dr",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Multi-region deployment and disaster recovery for the Summit platform.",
    subcommands = {
      ValidateCommand.class,
      PlanCommand.class,
      SchemaCommand.class,
      LabCommand.class,
      OrchestratorCommand.class,
      PlanCommands.Failover.class,
      PlanCommands.Switchover.class,
      PlanCommands.Failback.class,
      PlanCommands.Approve.class,
      StatusCommand.class,
      RouterCommand.class,
      DrillCommand.class,
      DemoCommand.class,
      K8sCommand.class,
      ResidencyCommand.class,
      NotifyCommand.class,
      AutoComplete.GenerateCompletion.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Exit code of a command whose input (argument, file, request) was bad. */
  public static final int BAD_INPUT = 2;

  /** Exit code of a command whose operation failed. */
  public static final int FAILED = 1;

  public static void main(String[] args) {
    io.summit.dr.drill.canary.Canary.boundConnectionPool();
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, for {@link #main} and for tests. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    Objects.requireNonNull(cli.getSubcommands().get("generate-completion"))
        .getCommandSpec()
        .usageMessage()
        .hidden(false);
    cli.setExecutionExceptionHandler(new ErrorHandler());
    return cli;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
