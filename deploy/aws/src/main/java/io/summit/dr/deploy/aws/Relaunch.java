package io.summit.dr.deploy.aws;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps the jsii runtime's notices out of the command's output. The CDK runs in a node process that
 * jsii starts with this JVM's environment and that prints a large end-of-life banner for an old
 * node (Node 20 on these machines) unless an environment variable says not to; a JVM cannot change
 * its own environment, so {@link AwsMain#main} runs the command in a child JVM with the variables
 * set when they are missing (the {@code summit-dr} launcher may set them and skip this).
 */
final class Relaunch {
  static final Map<String, String> QUIET_JSII =
      Map.of(
          "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "18,20",
          "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1",
          "JSII_DEPRECATED", "quiet");

  private Relaunch() {}

  /**
   * Whether {@code args} name a command that runs the CDK ({@code aws synth}) while the environment
   * does not quiet jsii yet; the control plane's commands ({@code aws orchestrator}, {@code aws
   * agent}) and the dry run never start jsii, and run in this JVM.
   */
  static boolean needed(String[] args) {
    boolean cdk = args.length < 2 || args[1].equals("synth");
    return cdk && System.getenv("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION") == null;
  }

  /**
   * Runs {@code mainClass} with {@code args} in a child JVM like this one, with {@link #QUIET_JSII}
   * added to the environment, and returns its exit code; empty when the child cannot be started.
   */
  static Optional<Integer> run(Class<?> mainClass, String[] args) {
    Optional<String> java = ProcessHandle.current().info().command();
    if (java.isEmpty()) {
      return Optional.empty();
    }
    List<String> command = new ArrayList<>();
    command.add(java.get());
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
    builder.environment().putAll(QUIET_JSII);
    try {
      return Optional.of(builder.start().waitFor());
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of(AwsMain.FAILED);
    }
  }
}
