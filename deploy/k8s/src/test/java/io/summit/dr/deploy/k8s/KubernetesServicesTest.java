package io.summit.dr.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.summit.dr.deploy.k8s.KubernetesManifests.RegionManifests;
import io.summit.dr.orchestrator.Services;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rendered manifests applied to fabric8's mock API server (CRUD mode, one per region), read
 * back, then the failover's scale-up and restore-scale through {@link KubernetesServices}.
 */
class KubernetesServicesTest {
  private static final String NS = "summit";
  private final Map<String, KubernetesMockServer> servers = new HashMap<>();
  private final Map<String, KubernetesClient> clients = new HashMap<>();
  private KubernetesServices services;

  @BeforeEach
  void applyTheRenderedManifests() {
    for (RegionManifests region : Example.render()) {
      KubernetesMockServer server =
          new KubernetesMockServer(
              new Context(),
              new MockWebServer(),
              new HashMap<>(),
              new KubernetesCrudDispatcher(),
              false);
      server.init();
      KubernetesClient client = server.createClient();
      for (HasMetadata resource : region.resources()) {
        client.resource(resource).create();
      }
      servers.put(region.region(), server);
      clients.put(region.region(), client);
    }
    services = new KubernetesServices(Example.topology(), clients, NS);
  }

  @AfterEach
  void stop() {
    clients.values().forEach(KubernetesClient::close);
    servers.values().forEach(KubernetesMockServer::destroy);
  }

  @Test
  void appliedManifestsReadBackAsRendered() {
    KubernetesClient east = client("us-east-1");
    for (HasMetadata rendered : Example.region("us-east-1").resources()) {
      HasMetadata stored = east.resource(rendered).get();
      assertThat(stored).as(ManifestWriter.fileName(rendered)).isNotNull();
      assertThat(stored.getMetadata().getLabels()).isEqualTo(rendered.getMetadata().getLabels());
    }
    assertThat(deployment("us-east-1", "api-server").getSpec().getReplicas()).isEqualTo(1);
    assertThat(
            hpa("us-east-1", "api-server")
                .getSpec()
                .getBehavior()
                .getScaleUp()
                .getStabilizationWindowSeconds())
        .isZero();
  }

  @Test
  void scaleUpRaisesEveryAutoscalerFloorAndDeploymentInProportion() throws IOException {
    assertThat(services.scale("us-east-1")).contains(new Services.Scale(1, 20, 0));

    Services.Scale after = services.setMinimum("us-east-1", 6);

    assertThat(after).isEqualTo(new Services.Scale(6, 20, 0));
    assertThat(hpa("us-east-1", "api-server").getSpec().getMinReplicas()).isEqualTo(6);
    assertThat(deployment("us-east-1", "api-server").getSpec().getReplicas()).isEqualTo(6);
    assertThat(hpa("us-east-1", "web-client").getSpec().getMinReplicas()).isEqualTo(3);
    assertThat(deployment("us-east-1", "web-client").getSpec().getReplicas()).isEqualTo(3);
    assertThat(deployment("us-west-2", "api-server").getSpec().getReplicas()).isEqualTo(6);
  }

  @Test
  void scaleUpTwiceChangesNothingTheSecondTime() throws IOException {
    services.setMinimum("us-east-1", 6);
    String hpaVersion = hpa("us-east-1", "api-server").getMetadata().getResourceVersion();
    String deploymentVersion =
        deployment("us-east-1", "api-server").getMetadata().getResourceVersion();

    services.setMinimum("us-east-1", 6);

    assertThat(hpa("us-east-1", "api-server").getMetadata().getResourceVersion())
        .isEqualTo(hpaVersion);
    assertThat(deployment("us-east-1", "api-server").getMetadata().getResourceVersion())
        .isEqualTo(deploymentVersion);
  }

  @Test
  void restoreScaleLowersTheFloorAndLeavesScaleDownToTheAutoscaler() throws IOException {
    services.setMinimum("us-east-1", 6);

    Services.Scale restored = services.setMinimum("us-east-1", 2);

    assertThat(restored.minimum()).isEqualTo(2);
    assertThat(hpa("us-east-1", "web-client").getSpec().getMinReplicas()).isEqualTo(1);
    assertThat(deployment("us-east-1", "api-server").getSpec().getReplicas()).isEqualTo(6);
  }

  @Test
  void theFloorIsCappedAtTheAutoscalerMaximum() throws IOException {
    assertThat(services.setMinimum("us-east-1", 50).minimum()).isEqualTo(20);
    assertThat(hpa("us-east-1", "web-client").getSpec().getMinReplicas()).isEqualTo(10);
  }

  @Test
  void readyReplicasComeFromTheDeploymentStatus() throws IOException {
    services.setMinimum("us-east-1", 6);
    Deployment d = deployment("us-east-1", "api-server");
    d.setStatus(
        new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder()
            .withReadyReplicas(4)
            .build());
    client("us-east-1").apps().deployments().inNamespace(NS).resource(d).updateStatus();

    assertThat(services.scale("us-east-1")).contains(new Services.Scale(6, 20, 4));
  }

  @Test
  void aRegionWithoutAClusterRunsNoServices() throws IOException {
    assertThat(services.scale("eu-west-1")).isEmpty();
    assertThatThrownBy(() -> services.setMinimum("eu-west-1", 3))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("eu-west-1: scale: no Kubernetes cluster");
  }

  @Test
  void aMissingAutoscalerIsNamedInTheError() {
    client("us-east-1")
        .autoscaling()
        .v2()
        .horizontalPodAutoscalers()
        .inNamespace(NS)
        .withName("web-client")
        .delete();

    assertThatThrownBy(() -> services.setMinimum("us-east-1", 6))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(
            "us-east-1: scale: HorizontalPodAutoscaler web-client not found in"
                + " namespace summit");
  }

  private KubernetesClient client(String region) {
    return java.util.Objects.requireNonNull(clients.get(region), region);
  }

  private Deployment deployment(String region, String name) {
    return client(region).apps().deployments().inNamespace(NS).withName(name).get();
  }

  private HorizontalPodAutoscaler hpa(String region, String name) {
    return client(region)
        .autoscaling()
        .v2()
        .horizontalPodAutoscalers()
        .inNamespace(NS)
        .withName(name)
        .get();
  }
}
