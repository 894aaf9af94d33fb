package io.summit.dr.deploy.aws;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code summit-dr aws}: the AWS deployment of a topology. */
@Command(
    name = "aws",
    mixinStandardHelpOptions = true,
    description = "Deploy a topology on AWS with the AWS CDK, and run its control plane there.",
    subcommands = {
      SynthCommand.class,
      RunbookCommand.class,
      AwsOrchestratorCommand.class,
      AwsAgentCommand.class
    })
final class AwsCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
