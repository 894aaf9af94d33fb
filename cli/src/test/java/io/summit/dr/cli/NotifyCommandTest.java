package io.summit.dr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code summit-dr notify test} against a real HTTP receiver on 127.0.0.1. */
class NotifyCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private final List<String> paths = new CopyOnWriteArrayList<>();
  private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
  private final List<String> auth = new CopyOnWriteArrayList<>();
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
    server.createContext(
        "/",
        x -> {
          paths.add(x.getRequestURI().getPath());
          bodies.add(
              JSON.readTree(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
          String a = x.getRequestHeaders().getFirst("Authorization");
          auth.add(a == null ? "" : a);
          int status = x.getRequestURI().getPath().equals("/gone") ? 410 : 200;
          x.sendResponseHeaders(status, -1);
          x.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  private Path topology(String receivers) throws Exception {
    Path f = dir.resolve("lab.yaml");
    Files.writeString(
        f,
        Files.readString(Path.of("..", "examples", "lab.yaml"))
            + "\nnotifications:\n  receivers:\n"
            + receivers);
    return f;
  }

  private void secret(String name, String text) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void everyReceiverGetsATestNoticeAndItsResolution() throws Exception {
    secret("hook.token", "hook-token-0123456789");
    secret("slack.url", url("/slack"));
    Path config =
        topology(
            "    - {name: audit, kind: webhook, url: '"
                + url("/hook")
                + "', token_file: hook.token}\n"
                + "    - {name: chat, kind: slack, url_file: slack.url}\n");

    CliRun run = CliRun.of("notify", "test", "--config", config.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().lines())
        .containsExactly(
            "audit            trigger  delivered after 1 attempt(s): HTTP 200",
            "audit            resolve  delivered after 1 attempt(s): HTTP 200",
            "chat             trigger  delivered after 1 attempt(s): HTTP 200",
            "chat             resolve  delivered after 1 attempt(s): HTTP 200",
            "4 of 4 notices delivered to 2 receiver(s)");
    assertThat(paths).containsExactly("/hook", "/hook", "/slack", "/slack");
    assertThat(auth.subList(0, 2)).containsOnly("Bearer hook-token-0123456789");
    assertThat(bodies.get(0).get("summary").asText())
        .startsWith("[TEST] [summit-lab] region us-west-2 failed")
        .endsWith("(sent by summit-dr notify test; nothing happened)");
    assertThat(bodies.get(0).get("dedup_key").asText()).isEqualTo("summit-dr/summit-lab/test");
    assertThat(bodies.get(1).get("resolves").asBoolean()).isTrue();
    assertThat(bodies.get(2).get("text").asText()).startsWith(":rotating_light: [TEST] ");
  }

  @Test
  void aReceiverThatRefusesExitsOneNamingItsAnswer() throws Exception {
    Path config = topology("    - {name: old-hook, kind: webhook, url: '" + url("/gone") + "'}\n");

    CliRun run = CliRun.of("notify", "test", "--config", config.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out())
        .contains("old-hook         trigger  NOT delivered after 1 attempt(s): HTTP 410")
        .contains("0 of 2 notices delivered to 1 receiver(s)");
  }

  @Test
  void jsonListsEachAnswer() throws Exception {
    Path config = topology("    - {name: audit, kind: webhook, url: '" + url("/hook") + "'}\n");

    CliRun run = CliRun.of("notify", "test", "--config", config.toString(), "--json");

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode answers = JSON.readTree(run.out());
    assertThat(answers).hasSize(2);
    assertThat(answers.get(0).get("receiver").asText()).isEqualTo("audit");
    assertThat(answers.get(0).get("action").asText()).isEqualTo("trigger");
    assertThat(answers.get(0).get("delivered").asBoolean()).isTrue();
    assertThat(answers.get(1).get("action").asText()).isEqualTo("resolve");
    assertThat(answers.get(1).get("detail").asText()).isEqualTo("HTTP 200");
  }

  @Test
  void badArgumentsAreRefusedNamingTheOptionAndNothingIsSent() throws Exception {
    Path config = topology("    - {name: audit, kind: webhook, url: '" + url("/hook") + "'}\n");

    CliRun event =
        CliRun.of("notify", "test", "--config", config.toString(), "--event", "region-faild");
    CliRun region =
        CliRun.of("notify", "test", "--config", config.toString(), "--region", "eu-west-1");
    CliRun none = CliRun.of("notify", "test", "--config", "../examples/lab.yaml");

    assertThat(event.exitCode()).isEqualTo(2);
    assertThat(event.err()).contains("--event: 'region-faild' (expected: one of region-failed,");
    assertThat(region.exitCode()).isEqualTo(2);
    assertThat(region.err()).contains("--region: 'eu-west-1' (expected: one of us-west-2");
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err()).contains("has no notifications.receivers (expected: at least one)");
    assertThat(paths).isEmpty();
  }
}
