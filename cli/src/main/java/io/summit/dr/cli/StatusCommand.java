package io.summit.dr.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.orchestrator.client.ControlClient;
import io.summit.dr.orchestrator.client.ControlClientException;
import io.summit.dr.orchestrator.client.Status;
import io.summit.dr.orchestrator.client.StoreStatus;
import io.summit.dr.orchestrator.plan.PlanStatus;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code summit-dr status}: the orchestrator's view: writer, regions, stores, last plan. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "The writer region, each region as the observers see it, the stores with role and lag, and the last plan with its step timings.")
final class StatusCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin OrchestratorOptions orchestrator = new OrchestratorOptions();

  @Option(names = "--json", description = "Print the orchestrator's status document.")
  boolean json;

  @Override
  public Integer call() throws JsonProcessingException {
    PrintWriter out = spec.commandLine().getOut();
    try (ControlClient client = orchestrator.client()) {
      if (json) {
        out.println(
            JSON.writerWithDefaultPrettyPrinter().writeValueAsString(client.statusDocument()));
        return 0;
      }
      print(client.status(), out);
      return 0;
    } catch (ControlClientException e) {
      throw OrchestratorOptions.translated(e);
    }
  }

  private static void print(Status s, PrintWriter out) {
    out.println("writer region: " + s.writerRegion());
    s.regions().forEach((region, view) -> out.println("  " + region + ": " + view));
    Table stores = new Table("store", "kind", "region", "role", "lag");
    for (StoreStatus st : s.stores()) {
      String lag =
          st.lagBytes() == null
              ? "-"
              : st.lagBytes()
                  + " B / "
                  + String.format(
                      Locale.ROOT, "%.3f s", st.lagSeconds() == null ? 0.0 : st.lagSeconds());
      stores.row(st.name(), st.kind(), st.region(), st.role(), lag);
    }
    out.println();
    stores.print(out);
    PlanStatus plan = s.lastPlan();
    if (plan != null) {
      out.println();
      out.println(
          "last plan "
              + plan.id()
              + " ("
              + plan.kind()
              + ", "
              + plan.state()
              + "): "
              + plan.detail());
      Table steps = new Table("step", "state", "start", "end", "outcome");
      for (PlanStatus.StepStatus st : plan.steps()) {
        steps.row(
            st.id(),
            st.state(),
            seconds(st.startS()),
            seconds(st.endS()),
            st.outcome() == null ? "-" : st.outcome());
      }
      steps.print(out);
    }
  }

  private static String seconds(@Nullable Double s) {
    return s == null ? "-" : String.format(Locale.ROOT, "%.3fs", s);
  }
}
