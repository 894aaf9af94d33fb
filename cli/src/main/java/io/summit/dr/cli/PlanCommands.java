package io.summit.dr.cli;

import io.summit.dr.orchestrator.client.ControlClient;
import io.summit.dr.orchestrator.client.ControlClientException;
import io.summit.dr.orchestrator.client.PlanRequest;
import io.summit.dr.orchestrator.plan.PlanStatus;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
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
  abstract static class PlanRequestCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin OrchestratorOptions orchestrator = new OrchestratorOptions();

    @Option(names = "--no-wait", description = "Return once the plan has started.")
    boolean noWait;

    abstract PlanRequest request(String requestedBy);

    @Override
    public Integer call() throws InterruptedException {
      String who = System.getProperty("user.name", "cli") + " (summit-dr " + spec.name() + ")";
      try (ControlClient client = orchestrator.client()) {
        PlanStatus plan = client.request(request(who));
        PrintWriter out = spec.commandLine().getOut();
        out.println(
            spec.name()
                + ": plan "
                + plan.id()
                + " started ("
                + plan.from()
                + " -> "
                + plan.to()
                + ")");
        out.flush();
        return noWait ? 0 : follow(client, out, plan.id());
      } catch (ControlClientException e) {
        throw OrchestratorOptions.translated(e);
      }
    }
  }

  static int follow(ControlClient client, PrintWriter out, String id) throws InterruptedException {
    Map<String, String> seen = new LinkedHashMap<>();
    while (true) {
      PlanStatus p = client.plan(id);
      for (PlanStatus.StepStatus s : p.steps()) {
        String state = s.state();
        if ((state.equals("done") || state.equals("failed")) && !state.equals(seen.get(s.id()))) {
          seen.put(s.id(), state);
          out.printf(
              Locale.ROOT,
              "  %-28s %-12s %6.3fs .. %6.3fs  %s%n",
              s.id(),
              s.outcome(),
              orZero(s.startS()),
              orZero(s.endS()),
              s.detail());
          out.flush();
        }
      }
      String state = p.state();
      if (state.equals("waiting-approval") && !"waiting".equals(seen.get("#approval"))) {
        seen.put("#approval", "waiting");
        out.println("  waiting for approval: summit-dr approve " + id);
        out.flush();
      }
      if (p.endedAt() != null) {
        out.println("plan " + id + " " + state + ": " + p.detail());
        return state.equals("succeeded") ? 0 : 1;
      }
      Thread.sleep(100);
    }
  }

  private static double orZero(@Nullable Double seconds) {
    return seconds == null ? 0 : seconds;
  }

  @Command(
      name = "failover",
      mixinStandardHelpOptions = true,
      description =
          "Fail the writer region over to REGION (unplanned; checks the RPO budget unless --force).")
  static final class Failover extends PlanRequestCommand {
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
    PlanRequest request(String requestedBy) {
      return PlanRequest.failover(to, force, requestedBy);
    }
  }

  @Command(
      name = "switchover",
      mixinStandardHelpOptions = true,
      description =
          "Planned move of the writer to REGION: pause writes, wait for the replica, promote, rejoin the old primary; no acknowledged write lost.")
  static final class Switchover extends PlanRequestCommand {
    @Option(
        names = "--to",
        required = true,
        paramLabel = "REGION",
        description = "The region that becomes the writer.")
    String to = "";

    @Override
    PlanRequest request(String requestedBy) {
      return PlanRequest.switchover(to, requestedBy);
    }
  }

  @Command(
      name = "failback",
      mixinStandardHelpOptions = true,
      description =
          "Return the writer to the primary region once it is back: rejoin its stores, let them catch up, switch over.")
  static final class Failback extends PlanRequestCommand {
    @Override
    PlanRequest request(String requestedBy) {
      return PlanRequest.failback(requestedBy);
    }
  }

  @Command(
      name = "approve",
      mixinStandardHelpOptions = true,
      description = "Let a plan waiting at an approval gate go on.")
  static final class Approve implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin OrchestratorOptions orchestrator = new OrchestratorOptions();

    @Parameters(paramLabel = "PLAN_ID")
    String plan = "";

    @Override
    public Integer call() {
      try (ControlClient client = orchestrator.client()) {
        PlanStatus p = client.approve(plan, System.getProperty("user.name", "cli"));
        spec.commandLine().getOut().println("approve: plan " + p.id() + " goes on");
        return 0;
      } catch (ControlClientException e) {
        throw OrchestratorOptions.translated(e);
      }
    }
  }
}
