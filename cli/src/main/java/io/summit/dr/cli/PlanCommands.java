package io.summit.dr.cli;

import io.summit.dr.orchestrator.Events;
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

    @Option(
        names = "--json",
        description =
            "Print the plan as the orchestrator has it (GET /v1/plans/ID) once it has ended (with"
                + " --no-wait: once it has started), instead of a line per step.")
    boolean json;

    abstract PlanRequest request(String requestedBy);

    @Override
    public Integer call() throws InterruptedException {
      String who = System.getProperty("user.name", "cli") + " (summit-dr " + spec.name() + ")";
      try (ControlClient client = orchestrator.client()) {
        PlanStatus plan = client.request(request(who));
        if (json) {
          int code =
              noWait ? 0 : follow(client, new PrintWriter(java.io.Writer.nullWriter()), plan.id());
          printJson(spec.commandLine().getOut(), noWait ? plan : client.plan(plan.id()));
          return code;
        }
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

  /**
   * Follows plan {@code id} on the leader's event stream ({@code step-ended}, {@code
   * plan-waiting-approval} and the plan's end), one line per step as it ends; when the stream
   * cannot be had or ends first (the leader changed), polls the plan instead, printing only what
   * the stream did not.
   *
   * @return 0 when the plan succeeded, 1 otherwise
   */
  static int follow(ControlClient client, PrintWriter out, String id) throws InterruptedException {
    Map<String, String> seen = new LinkedHashMap<>();
    try (java.util.stream.Stream<Events.Event> events = client.eventStream()) {
      java.util.Iterator<Events.Event> it = events.iterator();
      while (it.hasNext()) {
        Events.Event e = it.next();
        Map<String, Object> d = e.data();
        if (!id.equals(d.get("plan"))) {
          continue;
        }
        switch (e.type()) {
          case "step-ended" -> {
            String step = String.valueOf(d.get("step"));
            String state = String.valueOf(d.get("state"));
            if (!state.equals(seen.get(step))) {
              seen.put(step, state);
              printStep(
                  out,
                  step,
                  String.valueOf(d.get("outcome")),
                  seconds(d.get("start_s")),
                  seconds(d.get("end_s")),
                  String.valueOf(d.get("detail")));
            }
          }
          case "plan-waiting-approval" -> {
            if (!"waiting".equals(seen.get("#approval"))) {
              seen.put("#approval", "waiting");
              out.println("  waiting for approval: summit-dr approve " + id);
              out.flush();
            }
          }
          case "plan-approved" -> seen.remove("#approval");
          case "plan-succeeded", "plan-failed", "plan-rolled-back" -> {
            String state = e.type().substring("plan-".length());
            out.println("plan " + id + " " + state + ": " + d.get("detail"));
            return state.equals("succeeded") ? 0 : 1;
          }
          default -> {}
        }
      }
    } catch (ControlClientException | java.io.UncheckedIOException e) {
      // no stream, or it broke: the plan is polled below
    }
    return poll(client, out, id, seen);
  }

  /** A plan as JSON, as the orchestrator's API writes it. */
  static void printJson(PrintWriter out, PlanStatus plan) {
    try {
      out.println(
          new com.fasterxml.jackson.databind.ObjectMapper()
              .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
              .disable(
                  com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
              .writerWithDefaultPrettyPrinter()
              .writeValueAsString(plan));
      out.flush();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static double seconds(@Nullable Object v) {
    return v instanceof Number n ? n.doubleValue() : 0;
  }

  private static void printStep(
      PrintWriter out,
      String step,
      @Nullable String outcome,
      double start,
      double end,
      @Nullable String detail) {
    out.printf(
        Locale.ROOT, "  %-28s %-12s %6.3fs .. %6.3fs  %s%n", step, outcome, start, end, detail);
    out.flush();
  }

  private static int poll(
      ControlClient client, PrintWriter out, String id, Map<String, String> seen)
      throws InterruptedException {
    while (true) {
      PlanStatus p = client.plan(id);
      for (PlanStatus.StepStatus s : p.steps()) {
        String state = s.state();
        if ((state.equals("done") || state.equals("failed")) && !state.equals(seen.get(s.id()))) {
          seen.put(s.id(), state);
          printStep(out, s.id(), s.outcome(), orZero(s.startS()), orZero(s.endS()), s.detail());
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

    @Option(names = "--json", description = "Print the approved plan as JSON.")
    boolean json;

    @Override
    public Integer call() {
      try (ControlClient client = orchestrator.client()) {
        PlanStatus p = client.approve(plan, System.getProperty("user.name", "cli"));
        if (json) {
          printJson(spec.commandLine().getOut(), p);
          return 0;
        }
        spec.commandLine().getOut().println("approve: plan " + p.id() + " goes on");
        return 0;
      } catch (ControlClientException e) {
        throw OrchestratorOptions.translated(e);
      }
    }
  }
}
