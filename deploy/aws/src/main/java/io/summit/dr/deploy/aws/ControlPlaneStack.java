package io.summit.dr.deploy.aws;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.ec2.BlockDevice;
import software.amazon.awscdk.services.ec2.BlockDeviceVolume;
import software.amazon.awscdk.services.ec2.EbsDeviceOptions;
import software.amazon.awscdk.services.ec2.EbsDeviceVolumeType;
import software.amazon.awscdk.services.ec2.Instance;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.ec2.IpAddresses;
import software.amazon.awscdk.services.ec2.MachineImage;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.UserData;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.CloudMapNamespaceOptions;
import software.amazon.awscdk.services.ecs.CloudMapOptions;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.FargateService;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.ecs.LogDriver;
import software.amazon.awscdk.services.ecs.Secret;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.secretsmanager.SecretAttributes;
import software.amazon.awscdk.services.ssm.StringParameter;
import software.amazon.awscdk.services.ssm.StringParameterAttributes;
import software.constructs.Construct;

/**
 * The control plane in one of its three regions ({@code <name>-control-<region>}): a small VPC of
 * its own, one etcd member on EC2 at a fixed private address (the three members form one cluster
 * across the primary, the secondary and the witness region over VPC peering: a majority survives
 * the loss of any one region), an orchestrator replica on ECS Fargate, and in the two data regions
 * the region agent. Each task has its own IAM role whose policy allows exactly the AWS actions its
 * runbook calls, each on the resources the calls name ({@link RunbookPolicies}); the orchestrator
 * is given the write record's hosted zone id ({@value #HOSTED_ZONE_ENV}), so it never lists zones.
 * The container image is the stack parameter {@value #IMAGE_PARAMETER}.
 */
final class ControlPlaneStack extends Stack {
  static final String IMAGE_PARAMETER = "ControlPlaneImage";
  static final String ETCD_VERSION = "v3.5.17";
  static final String HOSTED_ZONE_ENV = "SUMMIT_DR_HOSTED_ZONE_ID";
  static final String TOPOLOGY_ENV = "SUMMIT_DR_TOPOLOGY";
  static final String DEPLOYMENT_ENV = "SUMMIT_DR_DEPLOYMENT";

  final Vpc vpc;
  final String region;
  final String etcdAddress;
  // The peerings this stack requested, by the peer's region (see peerWith).
  final Map<String, Peering> peerings = new java.util.LinkedHashMap<>();
  final Role orchestratorRole;
  // the orchestrator's API as this VPC resolves it (Cloud Map); a follower redirects to the leader
  final String orchestratorUrl;
  final @Nullable Role agentRole;

  /**
   * @param hostedZoneId the write record's zone: the settings' or the global stack's (a token)
   * @param topologyYaml the topology file's text, which the tasks run with
   * @param secrets the stores' passwords and the API token, from the data and global stacks
   */
  ControlPlaneStack(
      Construct scope,
      AwsTopology aws,
      ControlPlaneLayout layout,
      String region,
      String hostedZoneId,
      String topologyYaml,
      ControlSecrets secrets) {
    super(
        scope,
        aws.name() + "-control-" + region,
        StackProps.builder()
            .env(Environment.builder().account(aws.settings().account()).region(region).build())
            .crossRegionReferences(true)
            .description(
                "Summit DR "
                    + aws.name()
                    + ": control plane in "
                    + region
                    + " (etcd member,"
                    + " orchestrator replica"
                    + (layout.dataRegion(region) ? ", region agent" : "")
                    + ")")
            .build());
    vpc =
        Vpc.Builder.create(this, "Vpc")
            .ipAddresses(IpAddresses.cidr(layout.cidr(region)))
            .maxAzs(2)
            .natGateways(1)
            .subnetConfiguration(
                List.of(
                    SubnetConfiguration.builder()
                        .name("public")
                        .subnetType(SubnetType.PUBLIC)
                        .cidrMask(26)
                        .build(),
                    SubnetConfiguration.builder()
                        .name("private")
                        .subnetType(SubnetType.PRIVATE_WITH_EGRESS)
                        .cidrMask(26)
                        .build()))
            .build();
    this.region = region;
    etcdAddress = layout.etcdAddress(region);
    etcd(aws, layout, region);
    Cluster cluster =
        Cluster.Builder.create(this, "Cluster")
            .vpc(vpc)
            .clusterName(aws.name() + "-control")
            // the orchestrator's name in this VPC: orchestrator.<namespace> (A records of its task)
            .defaultCloudMapNamespace(
                CloudMapNamespaceOptions.builder().name(namespace(aws)).vpc(vpc).build())
            .build();
    orchestratorUrl =
        "http://orchestrator." + namespace(aws) + ":" + ControlPlaneLaunch.ORCHESTRATOR_PORT;
    String image =
        CfnParameter.Builder.create(this, IMAGE_PARAMETER)
            .type("String")
            .defaultValue("public.ecr.aws/summit/summit-dr:latest")
            .description("Container image of summit-dr (orchestrator and agent)")
            .build()
            .getValueAsString();
    Map<String, Secret> taskSecrets = taskSecrets(aws, secrets);
    orchestratorRole = role("OrchestratorRole", RunbookPolicies.orchestrator(aws, hostedZoneId));
    service(
        cluster,
        "Orchestrator",
        image,
        orchestratorRole,
        env(layout, region, Map.of(HOSTED_ZONE_ENV, hostedZoneId, TOPOLOGY_ENV, topologyYaml)),
        taskSecrets,
        ControlPlaneLaunch.orchestrator(layout, region),
        api(layout, "Orchestrator", ControlPlaneLaunch.ORCHESTRATOR_PORT));
    if (layout.dataRegion(region)) {
      agentRole = role("AgentRole", RunbookPolicies.agent(aws, hostedZoneId, region));
      service(
          cluster,
          "Agent",
          image,
          agentRole,
          env(layout, region, Map.of(TOPOLOGY_ENV, topologyYaml)),
          taskSecrets,
          ControlPlaneLaunch.agent(region),
          api(layout, "Agent", ControlPlaneLaunch.AGENT_PORT));
    } else {
      agentRole = null;
    }
  }

  /**
   * Requests a VPC peering with {@code earlier}'s VPC (same account, another region: accepted
   * without a role) and routes its CIDR through it from this VPC's private subnets. The way back is
   * {@link ControlPlaneRoutesStack}'s: a route in {@code earlier}'s own stack would need this
   * stack's peering id while this stack needs its VPC, a cycle.
   */
  Peering peerWith(ControlPlaneStack earlier, ControlPlaneLayout layout) {
    Peering p =
        new Peering(
            this,
            "PeerWith-" + earlier.region,
            vpc,
            earlier.vpc,
            earlier.region,
            layout.cidr(earlier.region));
    peerings.put(earlier.region, p);
    return p;
  }

  private void etcd(AwsTopology aws, ControlPlaneLayout layout, String region) {
    SecurityGroup sg =
        SecurityGroup.Builder.create(this, "EtcdSecurityGroup")
            .vpc(vpc)
            .description("etcd: clients and peers from the three control-plane VPCs")
            .allowAllOutbound(true)
            .build();
    for (String r : layout.regions()) {
      sg.addIngressRule(Peer.ipv4(layout.cidr(r)), Port.tcpRange(2379, 2380), "etcd from " + r);
    }
    UserData user = UserData.forLinux();
    user.addCommands(layout.etcdUserData(aws.name(), region).toArray(String[]::new));
    Instance.Builder.create(this, "Etcd")
        .vpc(vpc)
        .vpcSubnets(
            SubnetSelection.builder().subnets(List.of(vpc.getPrivateSubnets().get(0))).build())
        .privateIpAddress(etcdAddress)
        .instanceType(new InstanceType("t3.small"))
        .machineImage(MachineImage.latestAmazonLinux2023())
        .securityGroup(sg)
        .userData(user)
        .requireImdsv2(true)
        .blockDevices(
            List.of(
                BlockDevice.builder()
                    .deviceName("/dev/xvda")
                    .volume(
                        BlockDeviceVolume.ebs(
                            20,
                            EbsDeviceOptions.builder()
                                .encrypted(true)
                                .volumeType(EbsDeviceVolumeType.GP3)
                                .build()))
                    .build()))
        .build();
  }

  private Role role(String id, List<RunbookPolicies.Grant> grants) {
    Role role =
        Role.Builder.create(this, id)
            .assumedBy(new ServicePrincipal("ecs-tasks.amazonaws.com"))
            .description("Summit DR " + id + ": exactly the AWS calls of its runbook")
            .build();
    for (RunbookPolicies.Grant g : grants) {
      role.addToPolicy(
          PolicyStatement.Builder.create()
              .sid(g.sid())
              .actions(g.actions())
              .resources(g.resources())
              .build());
    }
    return role;
  }

  /**
   * The tasks' secrets: the deployment file (an SSM parameter the operator writes in each control
   * region, {@code /<name>/control/deployment}: what the data stacks made, see
   * examples/aws-deployment.yaml), the stores' passwords and the API token.
   */
  private Map<String, Secret> taskSecrets(AwsTopology aws, ControlSecrets secrets) {
    Map<String, Secret> out = new java.util.TreeMap<>();
    out.put(
        DEPLOYMENT_ENV,
        Secret.fromSsmParameter(
            StringParameter.fromStringParameterAttributes(
                this,
                "DeploymentParameter",
                // the task reads it by ARN; no template parameter to resolve it at deploy time
                StringParameterAttributes.builder()
                    .parameterName(deploymentParameter(aws))
                    .forceDynamicReference(true)
                    .build())));
    for (ControlSecrets.Entry e : secrets.entries()) {
      ISecret imported =
          software.amazon.awscdk.services.secretsmanager.Secret.fromSecretAttributes(
              this,
              "Secret-" + e.env(),
              SecretAttributes.builder()
                  .secretCompleteArn(e.secret().getSecretArn())
                  .encryptionKey(
                      e.key() == null
                          ? null
                          : Key.fromKeyArn(this, "Key-" + e.env(), e.key().getKeyArn()))
                  .build());
      String field = e.field();
      out.put(
          e.env(),
          field == null
              ? Secret.fromSecretsManager(imported)
              : Secret.fromSecretsManager(imported, field));
    }
    return out;
  }

  /**
   * A task's security group: its API port open to the control plane's three VPCs (replicas redirect
   * clients to the leader, the witness reaches the data regions' replicas), nothing else.
   */
  private SecurityGroup api(ControlPlaneLayout layout, String id, int port) {
    SecurityGroup sg =
        SecurityGroup.Builder.create(this, id + "SecurityGroup")
            .vpc(vpc)
            .description(id + " API from the three control-plane VPCs")
            .allowAllOutbound(true)
            .build();
    for (String r : layout.regions()) {
      sg.addIngressRule(Peer.ipv4(layout.cidr(r)), Port.tcp(port), id + " API from " + r);
    }
    return sg;
  }

  /** The control plane's private DNS namespace, in each control VPC. */
  static String namespace(AwsTopology aws) {
    return aws.name() + "-control.internal";
  }

  /** The SSM parameter holding the deployment file in each control region. */
  static String deploymentParameter(AwsTopology aws) {
    return "/" + aws.name() + "/control/deployment";
  }

  private static Map<String, String> env(
      ControlPlaneLayout layout, String region, Map<String, String> more) {
    Map<String, String> out = new java.util.TreeMap<>(more);
    out.put("SUMMIT_DR_LOCATION", region);
    out.put("SUMMIT_DR_ETCD_ENDPOINTS", layout.etcdEndpoints());
    return out;
  }

  private void service(
      Cluster cluster,
      String id,
      String image,
      Role role,
      Map<String, String> environment,
      Map<String, Secret> secrets,
      List<String> command,
      SecurityGroup group) {
    FargateTaskDefinition task =
        FargateTaskDefinition.Builder.create(this, id + "Task")
            .cpu(512)
            .memoryLimitMiB(1024)
            .taskRole(role)
            .build();
    task.addContainer(
        id,
        ContainerDefinitionOptions.builder()
            .image(ContainerImage.fromRegistry(image))
            .entryPoint(List.of("/bin/sh", "-c"))
            .command(command)
            .environment(environment)
            .secrets(secrets)
            .logging(
                LogDriver.awsLogs(
                    AwsLogDriverProps.builder()
                        .streamPrefix(id.toLowerCase(java.util.Locale.ROOT))
                        .build()))
            .build());
    FargateService.Builder.create(this, id + "Service")
        .cluster(cluster)
        .cloudMapOptions(
            CloudMapOptions.builder().name(id.toLowerCase(java.util.Locale.ROOT)).build())
        .taskDefinition(task)
        .desiredCount(1)
        .securityGroups(List.of(group))
        .vpcSubnets(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build())
        .build();
  }
}
