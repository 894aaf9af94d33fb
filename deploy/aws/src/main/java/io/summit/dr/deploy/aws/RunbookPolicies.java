package io.summit.dr.deploy.aws;

import io.summit.dr.cloud.aws.AwsCall;
import io.summit.dr.cloud.aws.AwsTargets;
import io.summit.dr.cloud.aws.Runbook;
import io.summit.dr.orchestrator.plan.Action;
import io.summit.dr.orchestrator.plan.PlanKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The IAM statements of each control-plane role, derived from the runbook code itself ({@link
 * Runbook}): each call's IAM action on the resources the call names ({@link AwsCall#resources()}),
 * so a policy allows exactly what the runbook calls, on exactly what it touches:
 *
 * <ul>
 *   <li>an orchestrator replica: every call of every plan (failover, switchover, failback) in both
 *       directions between the primary and the secondary region;
 *   <li>a region agent: the calls of the fence and unfence steps of its own region's stores, the
 *       only steps an agent takes (it fences its primaries when it cannot renew its lease).
 * </ul>
 *
 * One statement per action (Sid: service and action), and one statement {@value #UNSCOPED_SID} for
 * the actions AWS lets no policy scope ({@link #UNSCOPABLE}). Deriving refuses a call granted on
 * {@code *} that is not in that list, and a call that names no resource.
 */
final class RunbookPolicies {
  static final String UNSCOPED_SID = "ActionsWithoutResourceLevelPermissions";

  /**
   * The actions granted on {@code *}, and why: the Service Authorization Reference lists no
   * resource type for them, or the call names no resource.
   */
  static final Map<String, String> UNSCOPABLE =
      Map.of(
          "cloudwatch:GetMetricData",
          "no resource type: CloudWatch authorises metric reads on * only",
          "elasticache:DescribeGlobalReplicationGroups",
          "the call names no Global Datastore (its id starts with a prefix AWS picks; the runbook"
              + " lists them all and matches the suffix); a describe without an id is authorised on"
              + " *",
          "route53:ListHostedZonesByName",
          "no resource type (lists the account's zones); only called when the zone id is not given");

  /**
   * One statement: actions allowed on resources.
   *
   * @param sid the statement id
   */
  record Grant(String sid, List<String> actions, List<String> resources) {
    Grant {
      actions = List.copyOf(actions);
      resources = List.copyOf(resources);
    }
  }

  private RunbookPolicies() {}

  /** The names the runbook addresses, for the stacks that create what it acts on. */
  static AwsTargets targets(AwsTopology aws) {
    return targets(aws, aws.settings().hostedZoneId());
  }

  /**
   * The runbook's view of this deployment: the settings' account, zone, host and bucket names;
   * {@code hostedZoneId} the write record's zone (a token when the global stack creates it).
   */
  static AwsTargets targets(AwsTopology aws, @Nullable String hostedZoneId) {
    Settings s = aws.settings();
    return new AwsTargets(
        aws.topology(),
        s.account(),
        s.zoneName(),
        hostedZoneId,
        s.writeHost(),
        s.bucketPrefix(),
        aws.topology().name(),
        Set.of(),
        null);
  }

  private static List<Runbook> all(AwsTopology aws, AwsTargets t) {
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
  static List<Grant> orchestrator(AwsTopology aws, @Nullable String hostedZoneId) {
    return grants(
        all(aws, targets(aws, hostedZoneId)).stream().flatMap(r -> r.calls().stream()).toList());
  }

  /** What the region agent of {@code region} may call. */
  static List<Grant> agent(AwsTopology aws, @Nullable String hostedZoneId, String region) {
    return grants(
        all(aws, targets(aws, hostedZoneId)).stream()
            .flatMap(r -> r.steps().stream())
            .filter(step -> fencing(step, region))
            .flatMap(step -> step.calls().stream())
            .toList());
  }

  private static boolean fencing(Runbook.Step step, String region) {
    Action a = step.spec().action();
    return (a == Action.FENCE || a == Action.UNFENCE) && step.spec().region().equals(region);
  }

  /**
   * The statements allowing {@code calls}: per action the union of the resources its calls name.
   *
   * @throws IllegalStateException naming the call when it names no resource, or is granted on
   *     {@code *} without being in {@link #UNSCOPABLE}
   */
  static List<Grant> grants(List<AwsCall> calls) {
    Map<String, SortedSet<String>> byAction = new TreeMap<>();
    SortedSet<String> unscoped = new TreeSet<>();
    for (AwsCall c : calls) {
      String action = c.iamAction().orElse(null);
      if (action == null) {
        continue; // a Kubernetes request: the cluster's RBAC, not IAM
      }
      if (c.resources().isEmpty()) {
        throw new IllegalStateException(c.line() + ": names no resource (expected: AwsCall.on)");
      }
      if (c.resources().contains(AwsCall.ANY_RESOURCE)) {
        if (!UNSCOPABLE.containsKey(action)) {
          throw new IllegalStateException(
              c.line()
                  + ": granted on * (expected: an action of RunbookPolicies.UNSCOPABLE, or"
                  + " resources the call names)");
        }
        unscoped.add(action);
      } else {
        byAction.computeIfAbsent(action, k -> new TreeSet<>()).addAll(c.resources());
      }
    }
    List<Grant> out = new ArrayList<>();
    byAction.forEach(
        (action, resources) ->
            out.add(new Grant(sid(action), List.of(action), List.copyOf(resources))));
    if (!unscoped.isEmpty()) {
      out.add(new Grant(UNSCOPED_SID, List.copyOf(unscoped), List.of(AwsCall.ANY_RESOURCE)));
    }
    return out;
  }

  /**
   * {@code route53-recovery-cluster:UpdateRoutingControlState} → {@code
   * Route53RecoveryClusterUpdateRoutingControlState}.
   */
  static String sid(String action) {
    StringBuilder b = new StringBuilder();
    Stream.of(action.split("[:-]"))
        .filter(p -> !p.isEmpty())
        .forEach(p -> b.append(p.substring(0, 1).toUpperCase(Locale.ROOT)).append(p.substring(1)));
    return b.toString();
  }
}
