package io.summit.dr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code failover}, {@code switchover}, {@code failback}, {@code approve}: ask the orchestrator for
 * a plan.
 */
final class PlanCommands {
  private PlanCommands() {}

  /** Starts a plan and, unless --no-wait, follows it to its end, one line per step. */
  abstract static class PlanRequest implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin OrchestratorClient client = new OrchestratorClient();

    @Option(names = "--no-wait", description = "Return once the plan has started.")
    boolean noWait;

    abstract Map<String, Object> request();

    @Override
    public Integer call() throws InterruptedException {
      Map<String, Object> body = new LinkedHashMap<>(request());
      body.put(
          "requested_by",
          System.getProperty("user.name", "cli") + " (summit-dr " + spec.name() + ")");
      JsonNode plan = client.send("POST", "/v1/plans", body);
      PrintWriter out = spec.commandLine().getOut();
      String id = plan.path("id").asText();
      out.println(
          spec.name()
              + ": plan "
              + id
              + " started ("
              + plan.path("from").asText()
              + " -> "
              + plan.path("to").asText()
              + ")");
      out.flush();
      return noWait ? 0 : follow(client, out, id);
    }
  }

  static int follow(OrchestratorClient client, PrintWriter out, String id)
      throws InterruptedException {
    Map<String, String> seen = new LinkedHashMap<>();
    while (true) {
      JsonNode p = client.send("GET", "/v1/plans/" + id, null);
      for (JsonNode s : p.path("steps")) {
        String state = s.path("state").asText();
        String key = s.path("id").asText();
        if ((state.equals("done") || state.equals("failed")) && !state.equals(seen.get(key))) {
          seen.put(key, state);
          out.printf(
              Locale.ROOT,
              "  %-28s %-12s %6.3fs .. %6.3fs  %s%n",
              key,
              s.path("outcome").asText(),
              s.path("start_s").asDouble(),
              s.path("end_s").asDouble(),
              s.path("detail").asText());
          out.flush();
        }
      }
      String state = p.path("state").asText();
      if (state.equals("waiting-approval") && !"waiting".equals(seen.get("#approval"))) {
        seen.put("#approval", "waiting");
        out.println("  waiting for approval: summit-dr approve " + id);
        out.flush();
      }
      if (!p.path("ended_at").isNull() && !p.path("ended_at").isMissingNode()) {
        out.println("plan " + id + " " + state + ": " + p.path("detail").asText());
        return state.equals("succeeded") ? 0 : 1;
      }
      Thread.sleep(100);
    }
  }

  @Command(
      name = "failover",
      mixinStandardHelpOptions = true,
      description =
          "Fail the writer region over to REGION (unplanned; checks the RPO budget unless --force).")
  static final class Failover extends PlanRequest {
    @Option(
        names = "--to",
        required = true,
        paramLabel = "REGION",
        description = "The region that takes over.")
    String to = "";

    @Option(
        names = "--force",
        description = "Go ahead even when the replica's lag exceeds the RPO budget (recorded).")
    boolean force;

    @Override
    Map<String, Object> request() {
      return Map.of("kind", "failover", "to", to, "force", force);
    }
  }

  @Command(
      name = "switchover",
      mixinStandardHelpOptions = true,
      description =
          "Planned move of the writer to REGION: pause writes, wait for the replica, promote, rejoin the old primary; no acknowledged write lost.")
  static final class Switchover extends PlanRequest {
    @Option(
        names = "--to",
        required = true,
        paramLabel = "REGION",
        description = "The region that becomes the writer.")
    String to = "";

    @Override
    Map<String, Object> request() {
      return Map.of("kind", "switchover", "to", to);
    }
  }

  @Command(
      name = "failback",
      mixinStandardHelpOptions = true,
      description =
          "Return the writer to the primary region once it is back: rejoin its stores, let them catch up, switch over.")
  static final class Failback extends PlanRequest {
    @Override
    Map<String, Object> request() {
      return Map.of("kind", "failback");
    }
  }

  @Command(
      name = "approve",
      mixinStandardHelpOptions = true,
      description = "Let a plan waiting at an approval gate go on.")
  static final class Approve implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin OrchestratorClient client = new OrchestratorClient();

    @Parameters(paramLabel = "PLAN_ID")
    String plan = "";

    @Override
    public Integer call() {
      JsonNode p =
          client.send(
              "POST",
              "/v1/plans/" + plan + "/approve",
              Map.of("by", System.getProperty("user.name", "cli")));
      spec.commandLine().getOut().println("approve: plan " + p.path("id").asText() + " goes on");
      return 0;
    }
  }
}
