package io.summit.dr.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
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
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin OrchestratorClient client = new OrchestratorClient();

  @Option(names = "--json", description = "Print the orchestrator's status document.")
  boolean json;

  @Override
  public Integer call() throws JsonProcessingException {
    JsonNode s = client.send("GET", "/v1/status", null);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(OrchestratorClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(s));
      return 0;
    }
    out.println("writer region: " + s.path("writer_region").asText());
    s.path("regions")
        .fields()
        .forEachRemaining(e -> out.println("  " + e.getKey() + ": " + e.getValue()));
    Table stores = new Table("store", "kind", "region", "role", "lag");
    for (JsonNode st : s.path("stores")) {
      String lag =
          st.path("lag_bytes").isNull()
              ? "-"
              : st.path("lag_bytes").asText()
                  + " B / "
                  + String.format(Locale.ROOT, "%.3f s", st.path("lag_seconds").asDouble());
      stores.row(
          st.path("name").asText(),
          st.path("kind").asText(),
          st.path("region").asText(),
          st.path("role").asText(),
          lag);
    }
    out.println();
    stores.print(out);
    JsonNode plan = s.path("last_plan");
    if (!plan.isNull() && !plan.isMissingNode()) {
      out.println();
      out.println(
          "last plan "
              + plan.path("id").asText()
              + " ("
              + plan.path("kind").asText()
              + ", "
              + plan.path("state").asText()
              + "): "
              + plan.path("detail").asText());
      Table steps = new Table("step", "state", "start", "end", "outcome");
      for (JsonNode st : plan.path("steps")) {
        steps.row(
            st.path("id").asText(),
            st.path("state").asText(),
            seconds(st.path("start_s")),
            seconds(st.path("end_s")),
            st.path("outcome").asText("-"));
      }
      steps.print(out);
    }
    return 0;
  }

  private static String seconds(JsonNode n) {
    return n.isNumber() ? String.format(Locale.ROOT, "%.3fs", n.asDouble()) : "-";
  }
}
