package io.summit.dr.router;

import picocli.CommandLine;

/**
 * Runs {@link RouterCommand} as a program of its own, for processes that start a router without the
 * whole command line (the lab's edge router): the same options as {@code summit-dr router}. Bad
 * arguments exit 2 with a message naming the option.
 */
public final class RouterMain {
  private RouterMain() {}

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new RouterCommand());
    cli.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          line.getErr().println("router: " + e.getMessage());
          return e instanceof IllegalArgumentException ? 2 : 1;
        });
    System.exit(cli.execute(args));
  }
}
