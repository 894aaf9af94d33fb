package io.summit.dr.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The EKS token the orchestrator makes from its own credentials, and a region's cluster reached
 * with it through the deployment file's {@code eks} entry.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class EksTokenTest {
  @SuppressWarnings("NullAway.Init") // set by the mock server extension
  KubernetesClient client;

  @SuppressWarnings("NullAway.Init")
  KubernetesMockServer server;

  private final EksToken tokens =
      new EksToken(
          StaticCredentialsProvider.create(AwsBasicCredentials.create(AwsStub.KEY_ID, "secret")),
          Clock.fixed(AwsStub.NOW, ZoneOffset.UTC));

  private static Map<String, String> query(URI uri) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String kv : uri.getRawQuery().split("&")) {
      int eq = kv.indexOf('=');
      out.put(
          kv.substring(0, eq),
          java.net.URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  static URI decode(String token) {
    assertThat(token).startsWith("k8s-aws-v1.").doesNotContain("=");
    return URI.create(
        new String(
            Base64.getUrlDecoder().decode(token.substring("k8s-aws-v1.".length())),
            StandardCharsets.UTF_8));
  }

  @Test
  void theTokenIsAPresignedStsGetCallerIdentityNamingTheClusterValidForAMinute() {
    URI url = decode(tokens.token("summit-us-east-1", "us-east-1"));

    assertThat(url.getScheme() + "://" + url.getHost() + url.getPath())
        .isEqualTo("https://sts.us-east-1.amazonaws.com/");
    Map<String, String> q = query(url);
    assertThat(q)
        .containsEntry("Action", "GetCallerIdentity")
        .containsEntry("Version", "2011-06-15")
        .containsEntry("X-Amz-Algorithm", "AWS4-HMAC-SHA256")
        .containsEntry("X-Amz-Credential", AwsStub.KEY_ID + "/20261201/us-east-1/sts/aws4_request")
        .containsEntry("X-Amz-Date", "20261201T060000Z")
        .containsEntry("X-Amz-Expires", "60");
    assertThat(Set.of(q.getOrDefault("X-Amz-SignedHeaders", "").split(";")))
        .containsExactlyInAnyOrder("host", "x-k8s-aws-id");
    assertThat(q.get("X-Amz-Signature")).matches("[0-9a-f]{64}");
    // another cluster, another signature: the header is signed
    assertThat(query(decode(tokens.token("summit-us-west-2", "us-east-1"))).get("X-Amz-Signature"))
        .isNotEqualTo(q.get("X-Amz-Signature"));
  }

  @Test
  void aClusterOfTheDeploymentFileIsAskedWithTheTokenAsItsBearer() throws Exception {
    client
        .autoscaling()
        .v2()
        .horizontalPodAutoscalers()
        .inNamespace("summit")
        .resource(
            new HorizontalPodAutoscalerBuilder()
                .withNewMetadata()
                .withName("api-server")
                .withNamespace("summit")
                .endMetadata()
                .withNewSpec()
                .withMinReplicas(2)
                .withMaxReplicas(20)
                .endSpec()
                .build())
        .create();
    String ca =
        Base64.getEncoder()
            .encodeToString(
                "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"
                    .getBytes(StandardCharsets.US_ASCII));
    AwsDeployment deployment =
        new AwsDeployment(
            "111111111111",
            null,
            Set.of(),
            null,
            Map.of("us-east-1", new AwsDeployment.EksCluster(client.getMasterUrl().toString(), ca)),
            Map.of());

    try (KubernetesClient eks =
        AwsEnvironment.client(deployment, Fixtures.targets(), tokens, "us-east-1")) {
      assertThat(
              eks.autoscaling()
                  .v2()
                  .horizontalPodAutoscalers()
                  .inNamespace("summit")
                  .withName("api-server")
                  .get()
                  .getSpec()
                  .getMinReplicas())
          .isEqualTo(2);
    }
    RecordedRequest last = server.getLastRequest();
    String bearer = String.valueOf(last.getHeader("Authorization"));
    assertThat(bearer).startsWith("Bearer k8s-aws-v1.");
    assertThat(query(decode(bearer.substring("Bearer ".length()))))
        .containsEntry("X-Amz-Credential", AwsStub.KEY_ID + "/20261201/us-east-1/sts/aws4_request");
  }
}
