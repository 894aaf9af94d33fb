package io.summit.dr.cli;

import io.summit.dr.topology.InvalidTopologyException;
import io.summit.dr.topology.Problem;
import picocli.CommandLine;

/**
 * Turns exceptions into messages and exit codes, never a stack trace: a bad topology prints one
 * {@code file:line:column: field: ...} line per problem and exits 2; an {@link
 * IllegalArgumentException} is bad input too (its message names the argument); anything else exits
 * 1 with its message.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(
      Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    var err = cli.getErr();
    if (e instanceof InvalidTopologyException invalid) {
      for (Problem p : invalid.problems()) {
        err.println(p.format());
      }
      err.println(
          invalid.problems().size() + " problem" + (invalid.problems().size() == 1 ? "" : "s"));
      return Main.BAD_INPUT;
    }
    if (e instanceof IllegalArgumentException) {
      err.println("summit-dr " + cli.getCommandName() + ": " + e.getMessage());
      return Main.BAD_INPUT;
    }
    if (e instanceof io.summit.dr.lab.process.LabException
        || e instanceof io.summit.dr.drill.DrillException) {
      err.println(describe(e));
      return Main.FAILED;
    }
    err.println("summit-dr " + cli.getCommandName() + ": " + describe(e));
    return Main.FAILED;
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message;
  }
}
