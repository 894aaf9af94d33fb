package io.summit.dr.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.summit.dr.orchestrator.Services;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class EksServicesTest {
  @SuppressWarnings("NullAway.Init") // set by the mock server extension
  KubernetesClient client;

  private final List<AwsCall> made = new ArrayList<>();
  private EksServices services;

  @BeforeEach
  void cluster() {
    for (String[] s : new String[][] {{"api-server", "2", "20"}, {"web-client", "1", "10"}}) {
      client
          .autoscaling()
          .v2()
          .horizontalPodAutoscalers()
          .inNamespace("summit")
          .resource(
              new HorizontalPodAutoscalerBuilder()
                  .withNewMetadata()
                  .withName(s[0])
                  .withNamespace("summit")
                  .endMetadata()
                  .withNewSpec()
                  .withMinReplicas(Integer.parseInt(s[1]))
                  .withMaxReplicas(Integer.parseInt(s[2]))
                  .withNewScaleTargetRef()
                  .withApiVersion("apps/v1")
                  .withKind("Deployment")
                  .withName(s[0])
                  .endScaleTargetRef()
                  .endSpec()
                  .build())
          .create();
      client
          .apps()
          .deployments()
          .inNamespace("summit")
          .resource(
              new DeploymentBuilder()
                  .withNewMetadata()
                  .withName(s[0])
                  .withNamespace("summit")
                  .endMetadata()
                  .withNewSpec()
                  .withReplicas(Integer.parseInt(s[1]))
                  .endSpec()
                  .withNewStatus()
                  .withReadyReplicas(Integer.parseInt(s[1]))
                  .endStatus()
                  .build())
          .create();
    }
    services =
        new EksServices(
            AwsTargets.defaults(Fixtures.topology()),
            region -> client,
            new CallRunner(
                2, java.time.Duration.ofMillis(10), java.time.Duration.ofSeconds(5), made::add));
  }

  private int hpaMin(String name) {
    return client
        .autoscaling()
        .v2()
        .horizontalPodAutoscalers()
        .inNamespace("summit")
        .withName(name)
        .get()
        .getSpec()
        .getMinReplicas();
  }

  private int replicas(String name) {
    return client
        .apps()
        .deployments()
        .inNamespace("summit")
        .withName(name)
        .get()
        .getSpec()
        .getReplicas();
  }

  @Test
  void scaleUpRaisesTheHpaFloorAndTheDeploymentOfEveryService() throws IOException {
    Services.Scale s = services.setMinimum("us-east-1", 6);

    assertThat(s.minimum()).isEqualTo(6);
    assertThat(s.maximum()).isEqualTo(20);
    assertThat(hpaMin("api-server")).isEqualTo(6);
    assertThat(replicas("api-server")).isEqualTo(6);
    assertThat(hpaMin("web-client")).isEqualTo(3);
    assertThat(replicas("web-client")).isEqualTo(3);
    assertThat(EksServices.calls(AwsTargets.defaults(Fixtures.topology()), "us-east-1", true))
        .containsAll(made);
  }

  @Test
  void theFloorIsCappedAtTheHpaMaximum() throws IOException {
    services.setMinimum("us-east-1", 40);
    assertThat(hpaMin("api-server")).isEqualTo(20);
  }

  @Test
  void restoringTheFloorLowersOnlyTheHpaAndPatchesNothingAtTheFloorAlready() throws IOException {
    services.setMinimum("us-east-1", 6);
    made.clear();

    services.setMinimum("us-east-1", 2);
    assertThat(hpaMin("api-server")).isEqualTo(2);
    assertThat(replicas("api-server")).isEqualTo(6);
    made.clear();

    services.setMinimum("us-east-1", 2);
    assertThat(made).noneMatch(AwsCall::mutating);
  }

  @Test
  void scaleReportsTheFirstServiceReadyReplicas() throws IOException {
    assertThat(services.scale("us-east-1")).contains(new Services.Scale(2, 20, 2));
  }
}
