package io.summit.dr.deploy.aws;

import java.util.List;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.cxapi.CloudAssembly;

/**
 * The Summit platform as a CDK app: the stacks in the account of {@link Settings#account()}.
 *
 * <ol>
 *   <li>{@code <name>-<secondary>}: the secondary region's platform (VPC, EKS, keys, buckets);
 *   <li>{@code <name>-<primary>}: the primary region's platform and the primary of every store,
 *       replicating into the secondary's buckets;
 *   <li>{@code <name>-<secondary>-replicas}: the RDS replica and Global Datastore secondary;
 *   <li>{@code <name>-global}: Route 53, health alarms and the failover hook;
 *   <li>{@code <name>-control-<region>} in the primary, the secondary and the witness region
 *       (context {@code witnessRegion}, default {@value ControlPlaneLayout#DEFAULT_WITNESS}, unless
 *       the topology names an AWS witness region): the control plane ({@link ControlPlaneStack}),
 *       each requesting a VPC peering with the ones before it;
 *   <li>{@code <name>-control-routes-<region>} in the primary and the secondary region: the routes
 *       back through those peerings ({@link ControlPlaneRoutesStack});
 *   <li>{@code <name>-control-access-<region>} in the primary and the secondary region: the
 *       orchestrator roles' access entries to the region's EKS cluster ({@link
 *       ClusterAccessStack}).
 * </ol>
 *
 * Stacks refer to each other by CDK (cross-region) references, which also order the deployment;
 * {@code cdk deploy --all} deploys them in the order above. Building an app does not call AWS.
 */
public final class SummitApp {
  private final App app;
  private final RegionStack primary;
  private final RegionStack secondary;
  private final ReplicaStack replicas;
  private final GlobalStack global;
  private final List<ControlPlaneStack> control = new java.util.ArrayList<>();
  private final List<ControlPlaneRoutesStack> controlRoutes = new java.util.ArrayList<>();
  private final List<ClusterAccessStack> clusterAccess = new java.util.ArrayList<>();

  private SummitApp(App app, AwsTopology aws, String topologyYaml) {
    this.app = app;
    // as in a new CDK project: replication roles get generated names, not one fixed name per
    // account
    app.getNode().setContext("@aws-cdk/aws-s3:setUniqueReplicationRoleName", true);
    secondary = new RegionStack(app, aws, aws.secondary(), null);
    primary = new RegionStack(app, aws, aws.primary(), secondary);
    replicas = new ReplicaStack(app, aws, primary, secondary);
    global = new GlobalStack(app, aws);
    ControlSecrets secrets = ControlSecrets.of(aws, primary, replicas, global);
    Object witness = app.getNode().tryGetContext("witnessRegion");
    ControlPlaneLayout layout =
        ControlPlaneLayout.of(
            aws, witness == null ? ControlPlaneLayout.DEFAULT_WITNESS : witness.toString());
    for (String region : layout.regions()) {
      ControlPlaneStack next =
          new ControlPlaneStack(
              app,
              aws,
              layout,
              region,
              global.routing.zone.getHostedZoneId(),
              topologyYaml,
              secrets);
      // Every pair peered once: the later stack requests, the earlier one's routes stack answers.
      control.forEach(earlier -> next.peerWith(earlier, layout));
      control.add(next);
    }
    ControlPlaneStack home =
        control.stream().filter(c -> c.region.equals(GlobalStack.REGION)).findFirst().orElse(null);
    if (home != null) {
      global.hook.subscribe(home, "FailoverHook", aws, home.vpc, home.orchestratorUrl);
    } else {
      global.hook.subscribe(global, "FailoverHookFunction", aws, null, null);
    }
    for (int i = 0; i < control.size() - 1; i++) {
      controlRoutes.add(
          new ControlPlaneRoutesStack(
              app, aws, layout, control.get(i), control.subList(i + 1, control.size())));
    }
    for (String region : List.of(aws.primary().name(), aws.secondary().name())) {
      clusterAccess.add(new ClusterAccessStack(app, aws, region, control));
    }
  }

  /**
   * Adds the platform's stacks to {@code app}; {@code topologyYaml} is the text of the topology
   * file {@code aws} was read from, which the control plane's tasks run with.
   */
  public static SummitApp of(App app, AwsTopology aws, String topologyYaml) {
    return new SummitApp(app, aws, topologyYaml);
  }

  /** Writes the cloud assembly (templates, assets, manifest) to the app's output directory. */
  public CloudAssembly synth() {
    return app.synth();
  }

  public Stack primary() {
    return primary;
  }

  public Stack secondary() {
    return secondary;
  }

  public Stack replicas() {
    return replicas;
  }

  public Stack global() {
    return global;
  }

  /** The control plane's stacks: primary, secondary and witness region. */
  public List<Stack> control() {
    return List.copyOf(control);
  }

  /** The routes back through the control plane's peerings, one stack per accepting region. */
  public List<Stack> controlRoutes() {
    return List.copyOf(controlRoutes);
  }

  /** The orchestrator roles' access entries, one stack per data region's EKS cluster. */
  public List<Stack> clusterAccess() {
    return List.copyOf(clusterAccess);
  }

  /** The stacks in deployment order. */
  public List<Stack> stacks() {
    List<Stack> out = new java.util.ArrayList<>(List.of(secondary, primary, replicas, global));
    out.addAll(control);
    out.addAll(controlRoutes);
    out.addAll(clusterAccess);
    return out;
  }
}
