package io.summit.dr.cli;

import io.summit.dr.lab.Lab;
import io.summit.dr.lab.residency.ResidencyCheck;
import io.summit.dr.topology.DataClass;
import io.summit.dr.topology.Topology;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code summit-dr residency check}: data found outside its class's regions in a running lab. */
@Command(
    name = "residency",
    mixinStandardHelpOptions = true,
    description = "Data residency of a running lab.",
    subcommands = {ResidencyCommand.Check.class})
final class ResidencyCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "missing subcommand (expected: check)");
  }

  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = {
        "Inspect every store node of the running lab for records and objects of a data class in a"
            + " region outside the class's regions; print each with its location. Exit 1 when any"
            + " is found. Touches nothing."
      })
  static final class Check implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin LabCommand.DirOption dir = new LabCommand.DirOption();
    @CommandLine.Mixin JsonOption json = new JsonOption();

    @Override
    public Integer call() {
      Lab lab = dir.lab();
      Topology t = lab.topology();
      PrintWriter out = spec.commandLine().getOut();
      if (t.residency().classes().isEmpty()) {
        if (json.enabled) {
          JsonOption.print(spec, Report.of(t, new ResidencyCheck.Result(List.of(), List.of(), 0)));
        } else {
          out.println("residency: the lab's topology declares no data classes; nothing to check");
        }
        return 0;
      }
      ResidencyCheck.Result r =
          ResidencyCheck.check(t, (store, region) -> lab.layout().store(store.kind(), region));
      if (json.enabled) {
        JsonOption.print(spec, Report.of(t, r));
        return r.violations().isEmpty() ? 0 : 1;
      }
      r.violations().forEach(v -> out.println("violation  " + v.format()));
      r.unchecked().forEach(u -> out.println("unchecked  " + u));
      out.printf(
          "residency: %d violation(s) in %d store node(s) inspected, %d not inspected%n",
          r.violations().size(), r.nodesInspected(), r.unchecked().size());
      return r.violations().isEmpty() ? 0 : 1;
    }

    /**
     * What {@code residency check --json} prints: the topology's data classes, each violation (data
     * class, component, location, detail), each node not inspected with the reason, and how many
     * nodes were.
     */
    record Report(
        List<String> classes,
        List<ResidencyCheck.Violation> violations,
        List<String> unchecked,
        int nodesInspected) {
      static Report of(Topology t, ResidencyCheck.Result r) {
        return new Report(
            t.residency().classes().stream().map(DataClass::name).toList(),
            r.violations(),
            r.unchecked(),
            r.nodesInspected());
      }
    }
  }
}
