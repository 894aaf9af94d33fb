package io.summit.dr.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.summit.dr.topology.InvalidTopologyException;
import io.summit.dr.topology.TopologyLoader;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

class KubernetesManifestsTest {
  private static final String PRIMARY = "us-west-2";
  private static final String SECONDARY = "us-east-1";

  @Test
  void primaryRunsItsReplicasAndSecondaryItsAutoscalingMinimum() {
    assertThat(replicas(PRIMARY, "api-server")).isEqualTo(6);
    assertThat(replicas(PRIMARY, "web-client")).isEqualTo(3);
    assertThat(replicas(SECONDARY, "api-server")).isEqualTo(1);
    assertThat(replicas(SECONDARY, "web-client")).isEqualTo(1);
  }

  @Test
  void autoscalersKeepTheTopologyBoundsAndTheSecondaryScalesUpAtOnce() {
    HorizontalPodAutoscaler secondary =
        Example.find(SECONDARY, HorizontalPodAutoscaler.class, "api-server");
    assertThat(secondary.getApiVersion()).isEqualTo("autoscaling/v2");
    assertThat(secondary.getSpec().getMinReplicas()).isEqualTo(1);
    assertThat(secondary.getSpec().getMaxReplicas()).isEqualTo(20);
    assertThat(secondary.getSpec().getScaleTargetRef().getName()).isEqualTo("api-server");
    var up = secondary.getSpec().getBehavior().getScaleUp();
    assertThat(up.getStabilizationWindowSeconds()).isZero();
    assertThat(up.getPolicies()).anySatisfy(p -> assertThat(p.getValue()).isEqualTo(20));
    HorizontalPodAutoscaler primary =
        Example.find(PRIMARY, HorizontalPodAutoscaler.class, "api-server");
    assertThat(primary.getSpec().getMinReplicas()).isEqualTo(3);
    assertThat(primary.getSpec().getBehavior().getScaleUp().getPolicies())
        .allSatisfy(p -> assertThat(p.getValue()).isLessThanOrEqualTo(100));
  }

  @Test
  void onlyNonCriticalServicesInTheSecondaryPreferSpotCapacity() {
    assertThat(spot(SECONDARY, "web-client")).isTrue();
    assertThat(spot(PRIMARY, "web-client")).isFalse();
    assertThat(spot(SECONDARY, "api-server")).isFalse();
    assertThat(pod(SECONDARY, "web-client").getTolerations())
        .singleElement()
        .satisfies(t -> assertThat(t.getKey()).isEqualTo(Workloads.SPOT_TAINT));
    assertThat(pod(SECONDARY, "api-server").getTolerations()).isEmpty();
  }

  @Test
  void podsSpreadAcrossTheRegionsZonesAndStayInThem() {
    PodSpec pod = pod(SECONDARY, "api-server");
    assertThat(pod.getTopologySpreadConstraints())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getTopologyKey()).isEqualTo(Workloads.ZONE);
              assertThat(c.getMaxSkew()).isEqualTo(1);
            });
    var required =
        pod.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
    assertThat(required.getNodeSelectorTerms().get(0).getMatchExpressions().get(0).getValues())
        .containsExactly("us-east-1a", "us-east-1b", "us-east-1c");
  }

  @Test
  void probesUseTheServiceHealthPathAtTheTopologyInterval() {
    Container c = pod(PRIMARY, "api-server").getContainers().get(0);
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health/ready");
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health/ready");
    assertThat(c.getReadinessProbe().getPeriodSeconds()).isEqualTo(10);
    assertThat(c.getReadinessProbe().getTimeoutSeconds()).isEqualTo(5);
    assertThat(c.getLivenessProbe().getFailureThreshold())
        .isGreaterThan(c.getReadinessProbe().getFailureThreshold());
    assertThat(c.getPorts().get(0).getContainerPort()).isEqualTo(4000);
  }

  @Test
  void controlApisListenWithTlsAndCheckTheAccessListFromSecretsTheServicesDoNotMount() {
    for (String name : List.of("orchestrator", "router-api-server", "agent")) {
      PodSpec pod = pod(PRIMARY, name);
      Container c = pod.getContainers().get(0);
      assertThat(c.getArgs())
          .as(name)
          .containsSequence("--tls-cert", "/etc/summit-dr/tls/tls.crt")
          .containsSequence("--tls-key", "/etc/summit-dr/tls/tls.key")
          .containsSequence("--access-file", "/etc/summit-dr/access/access-list");
      assertThat(c.getReadinessProbe().getHttpGet().getScheme()).as(name).isEqualTo("HTTPS");
      assertThat(c.getLivenessProbe().getHttpGet().getScheme()).as(name).isEqualTo("HTTPS");
      assertThat(c.getVolumeMounts())
          .as(name)
          .filteredOn(m -> m.getName().equals("tls") || m.getName().equals("access"))
          .extracting(m -> m.getMountPath() + " " + m.getReadOnly())
          .containsExactly("/etc/summit-dr/tls true", "/etc/summit-dr/access true");
      assertThat(pod.getSecurityContext().getFsGroup()).as(name).isEqualTo(10001L);
      var secrets =
          pod.getVolumes().stream().filter(v -> v.getSecret() != null).map(v -> v.getSecret());
      assertThat(secrets.toList())
          .as(name)
          .extracting(s -> s.getSecretName() + " " + s.getDefaultMode())
          .containsExactly("summit-dr-tls 288", "summit-dr-access 288");
      assertThat(
              Example.find(PRIMARY, Deployment.class, name)
                  .getSpec()
                  .getTemplate()
                  .getMetadata()
                  .getAnnotations())
          .containsEntry("prometheus.io/scheme", "https");
    }
    // Only the orchestrator calls the others: it alone gets the authority and a token.
    assertThat(pod(PRIMARY, "orchestrator").getContainers().get(0).getArgs())
        .containsSequence("--ca-file", "/etc/summit-dr/tls/ca.crt")
        .containsSequence("--token-file", "/etc/summit-dr/access/orchestrator.token");
    assertThat(pod(PRIMARY, "agent").getContainers().get(0).getArgs())
        .doesNotContain("--token-file", "--ca-file");
    // The router's probes reach its admin API, not its proxy.
    assertThat(
            pod(PRIMARY, "router-api-server")
                .getContainers()
                .get(0)
                .getReadinessProbe()
                .getHttpGet()
                .getPort()
                .getStrVal())
        .isEqualTo("admin");
    // The service itself: plain HTTP, no Secret, no fsGroup.
    PodSpec service = pod(PRIMARY, "api-server");
    assertThat(service.getContainers().get(0).getReadinessProbe().getHttpGet().getScheme())
        .isEqualTo("HTTP");
    assertThat(service.getVolumes()).noneMatch(v -> v.getSecret() != null);
    assertThat(service.getSecurityContext().getFsGroup()).isNull();
  }

  @Test
  void everyRegionRunsRoutersControlPlaneAndAgentWithDisruptionBudgets() {
    for (String region : List.of(PRIMARY, SECONDARY)) {
      for (String name :
          List.of("router-api-server", "router-web-client", "orchestrator", "agent")) {
        Example.find(region, Deployment.class, name);
        Example.find(region, io.fabric8.kubernetes.api.model.Service.class, name);
        Example.find(region, PodDisruptionBudget.class, name);
      }
    }
    Deployment agent = Example.find(PRIMARY, Deployment.class, "agent");
    assertThat(agent.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .containsSequence("--region", "us-west-2")
        .containsSequence("--store", "postgres=postgres.$(POD_NAMESPACE).svc:5432");
  }

  @Test
  void onlyTheOrchestratorMayCallTheApiAndOnlyOnTheServicesByName() {
    List<HasMetadata> all = Example.region(SECONDARY).resources();
    assertThat(all.stream().filter(Role.class::isInstance).map(r -> r.getMetadata().getName()))
        .containsExactly("orchestrator");
    Role role = Example.find(SECONDARY, Role.class, "orchestrator");
    for (PolicyRule rule : role.getRules()) {
      assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "update", "patch");
      assertThat(rule.getResourceNames()).containsExactly("api-server", "web-client");
    }
    RoleBinding binding = Example.find(SECONDARY, RoleBinding.class, "orchestrator");
    assertThat(binding.getSubjects().get(0).getNamespace()).isEqualTo("summit");
    assertThat(pod(SECONDARY, "api-server").getAutomountServiceAccountToken()).isFalse();
    assertThat(pod(SECONDARY, "orchestrator").getAutomountServiceAccountToken()).isTrue();
  }

  @Test
  void badRenderOptionsAreRefusedNamingTheField() {
    assertThatThrownBy(() -> new RenderOptions("Summit_NS", "summit", "v1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("namespace: 'Summit_NS' (expected: a DNS label");
    assertThatThrownBy(() -> new RenderOptions("summit", "summit", "bad tag"))
        .hasMessageContaining("tag: 'bad tag' (expected:");
  }

  @Test
  void aNonBooleanCriticalFlagIsALocatedTopologyError() throws Exception {
    String text = Files.readString(Example.FILE).replace("critical: false", "critical: sometimes");
    assertThatThrownBy(() -> TopologyLoader.parse("summit.yaml", text))
        .isInstanceOf(InvalidTopologyException.class)
        .hasMessageMatching("(?s).*summit\\.yaml:\\d+:\\d+: services\\[1\\]\\.critical: .*");
  }

  private static int replicas(String region, String service) {
    return Example.find(region, Deployment.class, service).getSpec().getReplicas();
  }

  private static PodSpec pod(String region, String name) {
    return Example.find(region, Deployment.class, name).getSpec().getTemplate().getSpec();
  }

  private static boolean spot(String region, String service) {
    var preferred =
        pod(region, service)
            .getAffinity()
            .getNodeAffinity()
            .getPreferredDuringSchedulingIgnoredDuringExecution();
    return preferred.stream()
        .flatMap(p -> p.getPreference().getMatchExpressions().stream())
        .anyMatch(
            e -> e.getKey().equals(Workloads.CAPACITY_TYPE) && e.getValues().contains("SPOT"));
  }
}
