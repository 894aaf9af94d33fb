package io.summit.dr.deploy.aws;

import io.summit.dr.cloud.aws.AwsTargets;
import io.summit.dr.cloud.aws.Runbook;
import io.summit.dr.orchestrator.plan.Action;
import io.summit.dr.orchestrator.plan.PlanKind;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The IAM actions of each control-plane role, derived from the runbook code itself ({@link
 * Runbook}), so a policy allows exactly what the runbook calls:
 *
 * <ul>
 *   <li>an orchestrator replica: every call of every plan (failover, switchover, failback) in both
 *       directions between the primary and the secondary region;
 *   <li>a region agent: the calls of the fence and unfence steps of its own region's stores, the
 *       only steps an agent takes (it fences its primaries when it cannot renew its lease).
 * </ul>
 */
final class RunbookPolicies {
  private RunbookPolicies() {}

  static AwsTargets targets(AwsTopology aws) {
    return AwsTargets.defaults(aws.topology());
  }

  private static List<Runbook> all(AwsTopology aws) {
    AwsTargets t = targets(aws);
    String p = aws.primary().name();
    String s = aws.secondary().name();
    return List.of(
        Runbook.of(t, PlanKind.FAILOVER, p, s),
        Runbook.of(t, PlanKind.FAILOVER, s, p),
        Runbook.of(t, PlanKind.SWITCHOVER, p, s),
        Runbook.of(t, PlanKind.SWITCHOVER, s, p),
        Runbook.of(t, PlanKind.FAILBACK, s, p),
        Runbook.of(t, PlanKind.FAILBACK, p, s));
  }

  /** What an orchestrator replica may call. */
  static Set<String> orchestrator(AwsTopology aws) {
    Set<String> out = new TreeSet<>();
    all(aws).forEach(r -> out.addAll(r.iamActions()));
    return out;
  }

  /** What the region agent of {@code region} may call. */
  static Set<String> agent(AwsTopology aws, String region) {
    Set<String> out = new TreeSet<>();
    for (Runbook r : all(aws)) {
      for (Runbook.Step step : r.steps()) {
        Action a = step.spec().action();
        if ((a == Action.FENCE || a == Action.UNFENCE) && step.spec().region().equals(region)) {
          step.calls().forEach(c -> c.iamAction().ifPresent(out::add));
        }
      }
    }
    return out;
  }
}
