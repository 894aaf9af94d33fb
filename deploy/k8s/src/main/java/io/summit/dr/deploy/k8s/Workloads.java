package io.summit.dr.deploy.k8s;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPathBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.summit.dr.topology.HealthPolicy;
import io.summit.dr.topology.Region;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The resources every {@link Component} of a region gets: a Deployment (probes on its health path,
 * spread across the region's zones, pinned to them, spot capacity preferred when non-critical), a
 * ClusterIP Service, a ServiceAccount and a PodDisruptionBudget.
 */
final class Workloads {
  /** The node label EKS managed node groups carry: {@code ON_DEMAND} or {@code SPOT}. */
  static final String CAPACITY_TYPE = "eks.amazonaws.com/capacityType";

  /** The taint a spot node group carries so that only work meant for it lands there. */
  static final String SPOT_TAINT = "summit.io/spot";

  static final String ZONE = "topology.kubernetes.io/zone";

  /** The user every pod runs as, and the fsGroup of those that mount the control Secrets. */
  static final long RUN_AS = 10001L;

  /** The mode of the mounted Secrets' files: read by root and the pod's fsGroup (0440). */
  static final int SECRET_MODE = 0440;

  private final String partOf;
  private final Region region;
  private final HealthPolicy health;
  private final RenderOptions options;

  Workloads(String partOf, Region region, HealthPolicy health, RenderOptions options) {
    this.partOf = partOf;
    this.region = region;
    this.health = health;
    this.options = options;
  }

  String namespace() {
    return options.namespace();
  }

  ObjectMeta meta(String name, String role) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app.kubernetes.io/name", name);
    labels.put("app.kubernetes.io/component", role);
    labels.put("app.kubernetes.io/part-of", partOf);
    labels.put("summit.io/region", region.name());
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(options.namespace())
        .withLabels(labels)
        .build();
  }

  Deployment deployment(Component c) {
    ObjectMeta meta = meta(c.name(), c.role());
    return new DeploymentBuilder()
        .withMetadata(meta)
        .withNewSpec()
        .withReplicas(c.replicas())
        .withRevisionHistoryLimit(5)
        .withNewSelector()
        .withMatchLabels(c.selector())
        .endSelector()
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxSurge(new IntOrString("25%"))
        .withMaxUnavailable(new IntOrString(0))
        .endRollingUpdate()
        .endStrategy()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(meta.getLabels())
        .withAnnotations(scrapeAnnotations(c))
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName(c.name())
        .withAutomountServiceAccountToken(c.apiAccess())
        .withTerminationGracePeriodSeconds(30L)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(RUN_AS)
        // The group that may read the mounted Secrets (mode 0440, owned by root).
        .withFsGroup(c.api() == Component.Api.NONE ? null : RUN_AS)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .withTopologySpreadConstraints(spread(c))
        .withAffinity(affinity(c))
        .withTolerations(c.spot() ? List.of(spotToleration()) : List.of())
        .withContainers(container(c))
        .withVolumes(volumes(c))
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static List<Volume> volumes(Component c) {
    List<Volume> out = new ArrayList<>();
    out.add(
        new VolumeBuilder()
            .withName("topology")
            .withNewConfigMap()
            .withName(ManifestWriter.TOPOLOGY_CONFIG_MAP)
            .endConfigMap()
            .build());
    out.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build());
    if (c.api() != Component.Api.NONE) {
      List<String> tlsKeys =
          c.api() == Component.Api.SERVES_AND_CALLS
              ? List.of("tls.crt", "tls.key", "ca.crt")
              : List.of("tls.crt", "tls.key");
      List<String> accessKeys =
          c.api() == Component.Api.SERVES_AND_CALLS
              ? List.of(ControlCredentials.ACCESS_LIST, ControlCredentials.ORCHESTRATOR_TOKEN)
              : List.of(ControlCredentials.ACCESS_LIST);
      out.add(secret("tls", ControlCredentials.TLS_SECRET, tlsKeys));
      out.add(secret("access", ControlCredentials.ACCESS_SECRET, accessKeys));
    }
    return out;
  }

  /** A Secret volume with only {@code keys}, mode 0440: root's and the pod's fsGroup's. */
  private static Volume secret(String volume, String secret, List<String> keys) {
    return new VolumeBuilder()
        .withName(volume)
        .withNewSecret()
        .withSecretName(secret)
        .withDefaultMode(SECRET_MODE)
        .withItems(
            keys.stream().map(k -> new KeyToPathBuilder().withKey(k).withPath(k).build()).toList())
        .endSecret()
        .build();
  }

  private static Map<String, String> scrapeAnnotations(Component c) {
    return Map.of(
        "prometheus.io/scrape",
        "true",
        "prometheus.io/scheme",
        c.scheme().toLowerCase(java.util.Locale.ROOT),
        "prometheus.io/port",
        Integer.toString(c.metricsPortNumber()),
        "prometheus.io/path",
        "/metrics");
  }

  private io.fabric8.kubernetes.api.model.Container container(Component c) {
    ContainerBuilder b = new ContainerBuilder();
    if (c.api() != Component.Api.NONE) {
      b.addNewVolumeMount()
          .withName("tls")
          .withMountPath(ControlCredentials.TLS_DIR)
          .withReadOnly(true)
          .endVolumeMount()
          .addNewVolumeMount()
          .withName("access")
          .withMountPath(ControlCredentials.ACCESS_DIR)
          .withReadOnly(true)
          .endVolumeMount();
    }
    return b.withName(c.image())
        .withImage(options.image(c.image()))
        .withImagePullPolicy("IfNotPresent")
        .withArgs(c.args())
        .withPorts(containerPorts(c))
        .addNewEnv()
        .withName("SUMMIT_REGION")
        .withValue(region.name())
        .endEnv()
        .addNewEnv()
        .withName("POD_NAMESPACE")
        .withNewValueFrom()
        .withNewFieldRef()
        .withFieldPath("metadata.namespace")
        .endFieldRef()
        .endValueFrom()
        .endEnv()
        .withReadinessProbe(probe(c, health.failureThreshold()))
        .withLivenessProbe(probe(c, 2 * health.failureThreshold()))
        .withNewResources()
        .withRequests(Map.of("cpu", new Quantity("250m"), "memory", new Quantity("384Mi")))
        .withLimits(Map.of("memory", new Quantity("768Mi")))
        .endResources()
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext()
        .addNewVolumeMount()
        .withName("topology")
        .withMountPath("/etc/summit")
        .withReadOnly(true)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("tmp")
        .withMountPath("/tmp")
        .endVolumeMount()
        .build();
  }

  private static List<ContainerPort> containerPorts(Component c) {
    return c.ports().entrySet().stream()
        .map(
            e ->
                new ContainerPortBuilder()
                    .withName(e.getKey())
                    .withContainerPort(e.getValue())
                    .withProtocol("TCP")
                    .build())
        .toList();
  }

  /**
   * Readiness and liveness on the health path, at the topology's probe interval and timeout;
   * liveness allows twice the failures, so a slow instance leaves the Service before it restarts.
   */
  private Probe probe(Component c, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withScheme(c.scheme())
        .withPath(c.healthPath())
        .withPort(new IntOrString(c.probePort()))
        .endHttpGet()
        .withPeriodSeconds(seconds(health.probeInterval()))
        .withTimeoutSeconds(seconds(health.timeout()))
        .withFailureThreshold(failureThreshold)
        .withSuccessThreshold(1)
        .build();
  }

  private static int seconds(java.time.Duration d) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (d.toMillis() + 999) / 1000));
  }

  /** At most one pod more in a zone than in another: a zone's loss takes a third, not all. */
  private static TopologySpreadConstraint spread(Component c) {
    return new TopologySpreadConstraintBuilder()
        .withMaxSkew(1)
        .withTopologyKey(ZONE)
        .withWhenUnsatisfiable("ScheduleAnyway")
        .withLabelSelector(new LabelSelectorBuilder().withMatchLabels(c.selector()).build())
        .build();
  }

  /** Pinned to the region's zones when the topology names them; spot preferred when allowed. */
  private Affinity affinity(Component c) {
    AffinityBuilder a = new AffinityBuilder();
    var node = a.withNewNodeAffinity();
    if (!region.zones().isEmpty()) {
      node.withNewRequiredDuringSchedulingIgnoredDuringExecution()
          .addNewNodeSelectorTerm()
          .withMatchExpressions(
              new NodeSelectorRequirementBuilder()
                  .withKey(ZONE)
                  .withOperator("In")
                  .withValues(region.zones())
                  .build())
          .endNodeSelectorTerm()
          .endRequiredDuringSchedulingIgnoredDuringExecution();
    }
    if (c.spot()) {
      node.addNewPreferredDuringSchedulingIgnoredDuringExecution()
          .withWeight(100)
          .withNewPreference()
          .withMatchExpressions(
              new NodeSelectorRequirementBuilder()
                  .withKey(CAPACITY_TYPE)
                  .withOperator("In")
                  .withValues("SPOT")
                  .build())
          .endPreference()
          .endPreferredDuringSchedulingIgnoredDuringExecution();
    }
    return node.endNodeAffinity().build();
  }

  private static Toleration spotToleration() {
    return new TolerationBuilder()
        .withKey(SPOT_TAINT)
        .withOperator("Equal")
        .withValue("true")
        .withEffect("NoSchedule")
        .build();
  }

  Service service(Component c) {
    List<ServicePort> ports =
        c.ports().entrySet().stream()
            .map(
                e ->
                    new ServicePortBuilder()
                        .withName(e.getKey())
                        .withPort(e.getValue())
                        .withTargetPort(new IntOrString(e.getKey()))
                        .withProtocol("TCP")
                        .build())
            .toList();
    return new ServiceBuilder()
        .withMetadata(meta(c.name(), c.role()))
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(c.selector())
        .withPorts(ports)
        .endSpec()
        .build();
  }

  ServiceAccount serviceAccount(Component c) {
    return new ServiceAccountBuilder()
        .withMetadata(meta(c.name(), c.role()))
        .withAutomountServiceAccountToken(c.apiAccess())
        .build();
  }

  /** One pod down at a time by choice (drains, upgrades), whatever the replica count. */
  PodDisruptionBudget disruptionBudget(Component c) {
    return new PodDisruptionBudgetBuilder()
        .withMetadata(meta(c.name(), c.role()))
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(1))
        .withNewSelector()
        .withMatchLabels(c.selector())
        .endSelector()
        .endSpec()
        .build();
  }
}
