package io.summit.dr.deploy.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.summit.dr.cloud.aws.AwsClients;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * {@code summit-dr aws orchestrator} and {@code summit-dr aws agent}: the orchestrator starts with
 * the AWS environment of the example deployment and supervises the stores through signed AWS calls
 * (sent to a local stub of the AWS endpoints) while serving its API; bad input is refused with the
 * flag or field named and nothing started.
 */
class ControlPlaneCommandsTest {
  static final Path TOPOLOGY = Path.of("../../examples/summit.yaml");
  static final Path DEPLOYMENT = Path.of("../../examples/aws-deployment.yaml");
  static final Map<String, String> ENV =
      Map.of(
          "SUMMIT_DR_POSTGRES_PASSWORD",
          "pg-secret",
          "SUMMIT_DR_REDIS_PASSWORD_US_WEST_2",
          "r1",
          "SUMMIT_DR_REDIS_PASSWORD_US_EAST_1",
          "r2");

  @TempDir Path dir;
  private final WireMockServer aws = new WireMockServer(options().dynamicPort());

  @AfterEach
  void stop() {
    aws.stop();
  }

  private AwsClients stubbedClients() {
    aws.start();
    // Every AWS call fails as AWS answers an unknown instance: supervision reports it, retries
    // later
    aws.stubFor(
        any(anyUrl())
            .willReturn(
                aResponse()
                    .withStatus(404)
                    .withHeader("Content-Type", "text/xml")
                    .withBody(
                        "<ErrorResponse><Error><Type>Sender</Type><Code>DBInstanceNotFound</Code>"
                            + "<Message>not found</Message></Error>"
                            + "<RequestId>1</RequestId></ErrorResponse>")));
    URI uri = URI.create("http://localhost:" + aws.port());
    return new AwsClients(
        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDSUMMITTEST", "secret")),
        region -> uri);
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void anOrchestratorOnAwsSupervisesThroughSignedAwsCallsAndServesItsApi() throws Exception {
    int port = freePort();
    List<String> flags =
        List.of(
            "--config",
            TOPOLOGY.toString(),
            "--state-dir",
            dir.resolve("state").toString(),
            "--listen",
            "127.0.0.1:" + port);
    try (AwsOrchestratorCommand.Running r =
        AwsOrchestratorCommand.start(DEPLOYMENT, null, flags, stubbedClients(), ENV)) {
      LoggedRequest describe = awaitRequest("Action=DescribeDBInstances");
      assertThat(describe.getBodyAsString()).contains("DBInstanceIdentifier=summit-postgres-");
      assertThat(describe.getHeader("Authorization"))
          .matches(
              "AWS4-HMAC-SHA256 Credential=AKIDSUMMITTEST/\\d{8}/us-(west-2|east-1)/rds/aws4_request,.*");
      HttpResponse<String> status =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/status"))
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(status.statusCode()).isEqualTo(200);
      assertThat(new ObjectMapper().readTree(status.body()).path("writer_region").asText())
          .isEqualTo("us-west-2");
      assertThat(r.topology().name()).isEqualTo("summit");
    }
  }

  private LoggedRequest awaitRequest(String body) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < until) {
      for (LoggedRequest q : aws.findAll(anyRequestedFor(anyUrl()))) {
        if (q.getBodyAsString().contains(body)) {
          return q;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError(
        "no request with '" + body + "' in 20 s; got " + aws.findAll(anyRequestedFor(anyUrl())));
  }

  private static Run run(String... args) {
    CommandLine cli = AwsMain.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, err.toString());
  }

  record Run(int code, String err) {}

  @Test
  void theOrchestratorRefusesTheLabsRouterAndAMissingDeploymentFileNamingThem() throws Exception {
    Run lab =
        run(
            "aws",
            "orchestrator",
            "--deployment",
            DEPLOYMENT.toString(),
            "--config",
            TOPOLOGY.toString(),
            "--state-dir",
            dir.toString(),
            "--listen",
            "127.0.0.1:" + freePort(),
            "--router-admin",
            "127.0.0.1:1");
    Run missing =
        run(
            "aws",
            "orchestrator",
            "--deployment",
            dir.resolve("none.yaml").toString(),
            "--config",
            TOPOLOGY.toString(),
            "--state-dir",
            dir.toString(),
            "--listen",
            "127.0.0.1:" + freePort());
    Run badFlag = run("aws", "orchestrator", "--deployment", DEPLOYMENT.toString(), "--lisen", "x");

    assertThat(lab.code()).isEqualTo(AwsMain.BAD_INPUT);
    assertThat(lab.err()).contains("--router-admin, --observer: the lab's");
    assertThat(missing.code()).isEqualTo(AwsMain.BAD_INPUT);
    assertThat(missing.err()).contains("none.yaml: cannot read");
    assertThat(badFlag.code()).isEqualTo(AwsMain.BAD_INPUT);
    assertThat(badFlag.err()).contains("--lisen: unknown option");
  }

  @Test
  void theAgentTakesItsStoresFromTheDeploymentNotFromStoreFlags() {
    Run store =
        run(
            "aws",
            "agent",
            "--deployment",
            DEPLOYMENT.toString(),
            "--config",
            TOPOLOGY.toString(),
            "--region",
            "us-west-2",
            "--etcd",
            "http://127.0.0.1:2379",
            "--listen",
            "127.0.0.1:1",
            "--store",
            "postgres=127.0.0.1:5432");
    Run witness =
        run(
            "aws",
            "agent",
            "--deployment",
            DEPLOYMENT.toString(),
            "--config",
            TOPOLOGY.toString(),
            "--region",
            "nowhere-1",
            "--etcd",
            "http://127.0.0.1:2379",
            "--listen",
            "127.0.0.1:1");

    assertThat(store.code()).isEqualTo(AwsMain.BAD_INPUT);
    assertThat(store.err()).contains("--store: not taken here");
    assertThat(witness.code()).isEqualTo(AwsMain.BAD_INPUT);
    assertThat(witness.err()).contains("--region: 'nowhere-1'");
  }
}
