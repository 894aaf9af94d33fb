package io.summit.dr.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.summit.dr.orchestrator.api.ApiServer;
import io.summit.dr.orchestrator.api.ApiToken;
import io.summit.dr.replication.StoreRole;
import io.summit.dr.topology.Topology;
import io.summit.dr.topology.TopologyLoader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The orchestrator API with {@code --api-token-file}: the AWS alarm hook (and anyone else) starts a
 * plan only with the bearer token; without it, 401 and nothing changes. Reads stay open.
 */
class ApiBearerTokenTest {
  private static final String TOKEN = "0123456789abcdefghijklmnopqrstuv";

  @TempDir Path state;
  @TempDir Path secrets;
  private final FakeStores stores = new FakeStores(Clock.systemUTC());
  private Orchestrator orchestrator;
  private ApiServer api;
  private URI base;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    Topology lab = TopologyLoader.load(Path.of("..", "examples", "lab.yaml"));
    for (String store : List.of("postgres", "redis")) {
      stores.node(store, "us-west-2").role = StoreRole.PRIMARY;
      stores.node(store, "us-east-1").role = StoreRole.REPLICA;
    }
    orchestrator = new Orchestrator(lab, stores, null, null, state, Clock.systemUTC());
    orchestrator.resume();
    api =
        new ApiServer(orchestrator, new InetSocketAddress("127.0.0.1", 0), Map::of)
            .requireBearer(ApiToken.read("--api-token-file", tokenFile(TOKEN, "rw-------")));
    api.start();
    InetSocketAddress at = api.address().orElseThrow();
    base = URI.create("http://127.0.0.1:" + at.getPort());
  }

  @AfterEach
  void stop() {
    api.close();
    orchestrator.close();
  }

  private Path tokenFile(String content, String mode) throws Exception {
    Path file = Files.createTempFile(secrets, "token", "");
    Files.writeString(file, content + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    return file;
  }

  private HttpResponse<String> postPlan(@org.jspecify.annotations.Nullable String authorization)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve("/v1/plans"))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"kind\":\"failover\",\"to\":\"us-east-1\",\"force\":true,"
                        + "\"requested_by\":\"cloudwatch-alarm test\"}"));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aPlanWithoutTheTokenOrWithAnotherIsRefusedWith401AndNothingStarts() throws Exception {
    HttpResponse<String> none = postPlan(null);
    HttpResponse<String> wrong = postPlan("Bearer " + TOKEN.replace('0', 'x'));
    HttpResponse<String> basic = postPlan("Basic dXNlcjpwYXNz");

    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.body()).contains("Authorization: missing");
    assertThat(none.headers().firstValue("WWW-Authenticate"))
        .contains("Bearer realm=\"summit-dr\"");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).contains("does not match").doesNotContain(TOKEN);
    assertThat(basic.statusCode()).isEqualTo(401);
    assertThat(basic.body()).contains("not a bearer token");
    assertThat(orchestrator.plans().plans()).isEmpty();
    assertThat(orchestrator.writerRegion()).isEqualTo("us-west-2");
  }

  @Test
  void withTheTokenThePlanStartsAndReadsNeedNone() throws Exception {
    HttpResponse<String> started = postPlan("Bearer " + TOKEN);

    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    assertThat(orchestrator.plans().plans()).hasSize(1);
    HttpResponse<String> status =
        http.send(
            HttpRequest.newBuilder(base.resolve("/v1/status")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(status.statusCode()).isEqualTo(200);
  }

  @Test
  void aTokenFileOthersCanReadOrThatHoldsTooLittleIsRefusedNamingTheFlag() throws Exception {
    Path open = tokenFile(TOKEN, "rw-r--r--");
    Path shortOne = tokenFile("short", "rw-------");

    assertThatThrownBy(() -> ApiToken.read("--api-token-file", open))
        .hasMessageStartingWith("--api-token-file: " + open + " has mode rw-r--r--")
        .hasMessageContaining("chmod 600");
    assertThatThrownBy(() -> ApiToken.read("--api-token-file", shortOne))
        .hasMessageContaining("holds 5 characters (expected: one token of at least 16");
    assertThatThrownBy(() -> ApiToken.read("--api-token-file", secrets.resolve("missing")))
        .hasMessageContaining("is not a regular file");
    assertThatThrownBy(
            () ->
                OrchestratorMain.parse(
                    new String[] {
                      "--config",
                      "x.yaml",
                      "--state-dir",
                      "s",
                      "--listen",
                      "127.0.0.1:8080",
                      "--api-token-file",
                      open.toString()
                    }))
        .hasMessageStartingWith("--api-token-file: ");
    assertThatThrownBy(
            () ->
                OrchestratorMain.parse(
                    new String[] {"--config", "x.yaml", "--state-dir", "s", "--listen", "h:0"}))
        .hasMessageStartingWith("--listen: ");
    assertThat(ApiToken.read("--api-token-file", tokenFile(TOKEN, "r--------")).toString())
        .doesNotContain(TOKEN);
  }
}
