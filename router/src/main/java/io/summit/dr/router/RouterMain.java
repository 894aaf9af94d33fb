package io.summit.dr.router;

/**
 * Runs {@link RouterCommand} as a program of its own, for processes that start a router without the
 * whole command line (the lab's edge router): the same options as {@code summit-dr router}. Bad
 * arguments exit 2 with a message naming the option.
 */
public final class RouterMain {
  private RouterMain() {}

  public static void main(String[] args) {
    System.exit(RouterCommand.commandLine().execute(args));
  }
}
