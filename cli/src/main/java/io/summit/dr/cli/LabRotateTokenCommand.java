package io.summit.dr.cli;

import io.summit.dr.lab.Lab;
import io.summit.dr.lab.LabAccess;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code summit-dr lab rotate-token CALLER}: a new token for one caller, nothing restarted. */
@Command(
    name = "rotate-token",
    mixinStandardHelpOptions = true,
    description = {
      "Give one caller of the lab's access list a new token without restarting anything: the new"
          + " token is listed beside the old one until every guarded daemon accepts it, the"
          + " caller's token file gets it, and 2 s later the old token is dropped until every"
          + " daemon refuses it (docs/access.md)."
    })
final class LabRotateTokenCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin LabCommand.DirOption dir = new LabCommand.DirOption();
  @CommandLine.Mixin JsonOption json = new JsonOption();

  @Parameters(
      index = "0",
      paramLabel = "CALLER",
      description = "The caller, e.g. lab-operator, lab-viewer, drill, orchestrator.")
  String caller;

  @Override
  public Integer call() {
    Lab lab = dir.lab();
    if (lab.state().isEmpty()) {
      spec.commandLine()
          .getErr()
          .println("lab: nothing recorded in " + lab.dir() + "; run 'summit-dr lab up' first");
      return 1;
    }
    PrintWriter out = json.progress(spec);
    LabAccess.Rotation r;
    try {
      r =
          LabAccess.rotate(
              lab,
              caller,
              line -> {
                out.println(line);
                out.flush();
              });
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "CALLER: " + e.getMessage());
    }
    if (json.enabled) {
      JsonOption.print(spec, r);
    } else {
      out.printf(
          java.util.Locale.ROOT,
          "rotated: %s's token is %s; %d daemons took the change without a restart%n",
          r.caller(),
          r.tokenFile(),
          r.servers());
    }
    return 0;
  }
}
