package io.summit.dr.cli;

import io.summit.dr.topology.Topology;
import io.summit.dr.topology.TopologyLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code summit-dr validate FILE}: checks a topology file and reports every problem in it. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Check a topology file. Prints every problem as file:line:column: field: message"
          + " (expected: ...) and exits 2 when there is any."
    })
final class ValidateCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "The topology file (YAML).")
  Path file;

  @Override
  public Integer call() {
    Topology t = TopologyLoader.load(file);
    spec.commandLine()
        .getOut()
        .printf(
            "%s: valid: topology '%s', %d regions (primary %s), %d services, %d stores, %d plan"
                + " steps%n",
            file,
            t.name(),
            t.regions().size(),
            t.primary().name(),
            t.services().size(),
            t.stores().size(),
            t.failover().steps().size());
    return 0;
  }
}
