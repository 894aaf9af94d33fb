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

  @CommandLine.Option(
      names = "--json",
      description =
          "Print the result as one JSON document: what the topology holds, or every problem with"
              + " its file, line, column, field, message and what was expected (exit 2).")
  boolean json;

  @Override
  public Integer call() throws com.fasterxml.jackson.core.JsonProcessingException {
    if (json) {
      return json();
    }
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

  private int json() throws com.fasterxml.jackson.core.JsonProcessingException {
    java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
    out.put("file", file.toString());
    int code;
    try {
      Topology t = TopologyLoader.load(file);
      out.put("valid", true);
      out.put("name", t.name());
      out.put("regions", t.regions().size());
      out.put("primary", t.primary().name());
      out.put("services", t.services().size());
      out.put("stores", t.stores().size());
      out.put("plan_steps", t.failover().steps().size());
      code = 0;
    } catch (io.summit.dr.topology.InvalidTopologyException e) {
      out.put("valid", false);
      out.put("problems", e.problems().stream().map(ValidateCommand::problem).toList());
      code = Main.BAD_INPUT;
    }
    spec.commandLine()
        .getOut()
        .println(
            new com.fasterxml.jackson.databind.ObjectMapper()
                .writerWithDefaultPrettyPrinter()
                .writeValueAsString(out));
    return code;
  }

  private static java.util.Map<String, Object> problem(io.summit.dr.topology.Problem p) {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    io.summit.dr.topology.SourceLocation at = p.location();
    if (at != null) {
      m.put("file", at.file());
      m.put("line", at.line());
      m.put("column", at.column());
    }
    m.put("path", p.path().isEmpty() ? "<root>" : p.path());
    m.put("message", p.message());
    m.put("expected", p.expected());
    return m;
  }
}
