package io.summit.dr.cloud.aws;

import io.summit.dr.orchestrator.PlanFactory;
import io.summit.dr.orchestrator.plan.Action;
import io.summit.dr.orchestrator.plan.PlanKind;
import io.summit.dr.orchestrator.plan.StepSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The AWS calls of a plan, step by step in the order the orchestrator runs them ({@link
 * PlanFactory}'s steps, so the dry run shows what a run does). Each step's calls are those its
 * adapter makes: the reads it observes with first, then the changes it makes only when the observed
 * state is not already the target (a rerun makes the reads and none of the changes). Pure: building
 * a runbook calls nothing.
 *
 * @param kind failover, switchover or failback
 * @param from the current writer region
 * @param to the region that becomes the writer
 * @param steps the plan's steps with their calls
 */
public record Runbook(PlanKind kind, String from, String to, List<Step> steps) {
  public Runbook {
    steps = List.copyOf(steps);
  }

  /**
   * One plan step and the calls it makes.
   *
   * @param note what the step does on AWS, and why it makes no AWS call when it makes none
   */
  public record Step(StepSpec spec, List<AwsCall> calls, String note) {
    public Step {
      calls = List.copyOf(calls);
    }
  }

  /**
   * The runbook of {@code kind} from {@code from} to {@code to}.
   *
   * @throws IllegalArgumentException naming the argument when a region is unknown, a witness, or
   *     both are the same
   */
  public static Runbook of(AwsTargets targets, PlanKind kind, String from, String to) {
    PlanFactory plans = new PlanFactory(targets.topology());
    List<StepSpec> specs =
        switch (kind) {
          case FAILOVER -> plans.failover(from, to);
          case SWITCHOVER -> checkedSwitchover(targets, plans, from, to);
          case FAILBACK -> plans.failback(from, to);
        };
    List<Step> steps = new ArrayList<>();
    for (StepSpec s : specs) {
      steps.add(step(targets, kind, s, from, to));
    }
    return new Runbook(kind, from, to, steps);
  }

  private static List<StepSpec> checkedSwitchover(
      AwsTargets targets, PlanFactory plans, String from, String to) {
    // the failover outline checks both regions; a switchover has the same rules
    io.summit.dr.topology.FailoverOutline.of(targets.topology(), from, to);
    return plans.switchover(from, to);
  }

  /** Every IAM action of the runbook, sorted. */
  public Set<String> iamActions() {
    Set<String> out = new TreeSet<>();
    steps.forEach(s -> s.calls().forEach(c -> c.iamAction().ifPresent(out::add)));
    return out;
  }

  /** Every call in order, the steps flattened. */
  public List<AwsCall> calls() {
    return steps.stream().flatMap(s -> s.calls().stream()).toList();
  }

  private static Step step(AwsTargets t, PlanKind kind, StepSpec s, String from, String to) {
    String region = s.region();
    String peer = region.equals(to) ? from : to;
    String store = s.store();
    if (store == null) {
      return regionStep(t, s, peer);
    }
    StoreCalls calls = StoreCalls.of(t, Objects.requireNonNull(store));
    return new Step(s, calls.of(s.action(), kind, region, peer), calls.note(s.action(), kind));
  }

  private static Step regionStep(AwsTargets t, StepSpec s, String peer) {
    String region = s.region();
    Action a = s.action();
    return switch (a) {
      case STOP_WRITES -> new Step(s, WriteRouting.stopCalls(t, region), WriteRouting.stopNote(t));
      case ROUTE_WRITES ->
          new Step(s, WriteRouting.routeCalls(t, region, peer), WriteRouting.routeNote(t));
      case SCALE_UP, RESTORE_SCALE ->
          new Step(
              s,
              EksServices.calls(t, region, a == Action.SCALE_UP),
              "the services' HorizontalPodAutoscaler floor and Deployment replicas through the"
                  + " EKS cluster's Kubernetes API");
      case PUBLISH_ENDPOINTS ->
          new Step(
              s,
              List.of(),
              "no AWS call: the writer region and term are published through the control"
                  + " plane's coordination store (etcd) to the services following discovery");
      case VERIFY ->
          new Step(
              s,
              List.of(),
              "no AWS call: a write through the write host name ("
                  + t.writeRecord()
                  + ") must land in the new writer region");
      default -> throw new IllegalStateException(a + " is a store step");
    };
  }
}
