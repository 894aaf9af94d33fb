package io.summit.dr.lab.pager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.lab.LabLayout;
import io.summit.dr.orchestrator.Events;
import io.summit.dr.orchestrator.notify.Notifier;
import io.summit.dr.topology.Topology;
import io.summit.dr.topology.TopologyLoader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab's pager against the orchestrator's real notifier: the lab's topology gets the three
 * receivers, each format's payload is checked and kept, PagerDuty's incidents open and resolve by
 * their keys, and a payload with a wrong secret or a bad field is refused, naming it, and not kept.
 */
class PagerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path labDir;
  private final HttpClient http = HttpClient.newHttpClient();
  private Pager pager;
  private Pager.Secrets secrets;
  private LabLayout layout;
  private Topology lab;

  @BeforeEach
  void start() throws Exception {
    lab = TopologyLoader.load(Path.of("..", "examples", "lab.yaml"));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    // a layout whose pager port is the free one found above
    layout = new LabLayout("127.0.0.1", port - 970, lab.servingRegions());
    secrets = LabPager.prepare(labDir, layout.pager());
    pager =
        Pager.start(
            new InetSocketAddress("127.0.0.1", layout.pager().port()),
            secrets,
            LabPager.received(labDir),
            null);
  }

  @AfterEach
  void stop() {
    pager.close();
  }

  @Test
  void theSecretsAreOwnerOnlyAndKeptAcrossAnotherPrepare() throws Exception {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(LabPager.dir(labDir))))
        .isEqualTo("rwx------");
    for (Path f :
        List.of(
            LabPager.routingKeyFile(labDir),
            LabPager.slackUrlFile(labDir),
            LabPager.webhookTokenFile(labDir))) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
          .as(f.toString())
          .isEqualTo("rw-------");
    }
    assertThat(LabPager.prepare(labDir, layout.pager())).isEqualTo(secrets);
  }

  @Test
  void overTlsANotifierTrustingTheLabsAuthorityBesidesTheJdksPagesInEveryFormat() throws Exception {
    String slackPath = secrets.slackPath();
    io.summit.dr.access.CertificateAuthority.Files ca =
        io.summit.dr.access.CertificateAuthority.create(
            io.summit.dr.lab.LabTls.directory(labDir), "pager-test CA", List.of("127.0.0.1"));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    LabLayout tlsLayout = new LabLayout("127.0.0.1", port - 970, lab.servingRegions());
    // the lab now has an authority and the pager another port: the Slack URL follows, its token
    // kept
    Pager.Secrets again = LabPager.prepare(labDir, tlsLayout.pager());
    assertThat(again.slackPath()).isEqualTo(slackPath);
    assertThat(Files.readString(LabPager.slackUrlFile(labDir)))
        .startsWith("https://" + tlsLayout.pager() + "/slack/" + slackPath);
    assertThat(LabPager.daemon(tlsLayout, labDir).arguments()).contains("--tls-cert");
    Path derived =
        LabPager.orchestratorTopology(
            lab, Path.of("..", "examples", "lab.yaml"), labDir, tlsLayout);
    Topology wired = TopologyLoader.load(derived);
    assertThat(Files.readString(derived)).contains("url: https://" + tlsLayout.pager());
    Events events = new Events(Clock.systemUTC());
    try (Pager secure =
            Pager.start(
                new InetSocketAddress("127.0.0.1", tlsLayout.pager().port()),
                again,
                dir(labDir).resolve("received-tls.jsonl"),
                null,
                io.summit.dr.access.Tls.server(ca.serverCert(), ca.serverKey()));
        Notifier notifier =
            Notifier.start(
                wired.notifications(),
                wired.name(),
                "orchestrator-test",
                labDir,
                events,
                io.summit.dr.access.Tls.trustingAlso(ca.caCert()))) {
      events.publish(
          "region-failed",
          Map.of("region", "us-west-2", "observers", List.of("observer-us-east-1", "witness")));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> PagerLog.read(dir(labDir).resolve("received-tls.jsonl")).size() == 3);
    }
    assertThat(PagerLog.read(dir(labDir).resolve("received-tls.jsonl")))
        .extracting(PagerLog.Notice::receiver)
        .containsExactlyInAnyOrder("pagerduty", "slack", "webhook");
  }

  private static Path dir(Path labDir) {
    return LabPager.dir(labDir);
  }

  @Test
  void aRegionFailureAndAPlanReachThePagerInEveryFormatAndOpenThenResolveTheirIncidents()
      throws Exception {
    Path derived =
        LabPager.orchestratorTopology(lab, Path.of("..", "examples", "lab.yaml"), labDir, layout);
    assertThat(derived).isNotEqualTo(Path.of("..", "examples", "lab.yaml"));
    Topology wired = TopologyLoader.load(derived);
    assertThat(wired.notifications().receivers())
        .extracting(r -> r.name())
        .containsExactly("lab-pagerduty", "lab-slack", "lab-webhook");
    Events events = new Events(Clock.systemUTC());
    try (Notifier notifier =
        Notifier.start(wired.notifications(), wired.name(), "orchestrator-test", labDir, events)) {
      events.publish(
          "region-failed",
          Map.of("region", "us-west-2", "observers", List.of("observer-us-east-1", "witness")));
      events.publish(
          "plan-started",
          Map.of(
              "plan",
              "failover-1",
              "kind",
              "failover",
              "from",
              "us-west-2",
              "to",
              "us-east-1",
              "forced",
              false,
              "by",
              "detector"));
      events.publish(
          "plan-succeeded",
          Map.of("plan", "failover-1", "kind", "failover", "from", "us-west-2", "to", "us-east-1"));
      events.publish("region-recovered", Map.of("region", "us-west-2"));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> PagerLog.read(LabPager.received(labDir)).size() == 12);
    }
    List<PagerLog.Notice> notices = PagerLog.read(LabPager.received(labDir));
    assertThat(notices)
        .extracting(PagerLog.Notice::receiver)
        .containsOnly("pagerduty", "slack", "webhook");
    assertThat(notices.stream().filter(n -> n.receiver().equals("webhook")))
        .extracting(PagerLog.Notice::type)
        .containsExactly("region-failed", "plan-started", "plan-succeeded", "region-recovered");
    assertThat(notices.stream().filter(n -> n.receiver().equals("slack")))
        .allSatisfy(n -> assertThat(n.summary()).contains("[summit-lab]"));
    List<PagerLog.Incident> incidents = PagerLog.incidents(notices);
    assertThat(incidents)
        .extracting(PagerLog.Incident::status)
        .as("the region's incident and the plan's, both resolved")
        .containsExactly("resolved", "resolved");
    assertThat(incidents.get(0).summary()).contains("region us-west-2 failed");
    assertThat(incidents.get(0).severity()).isEqualTo("critical");
    assertThat(events.recent())
        .as("nothing refused")
        .noneMatch(e -> e.type().equals("notification-failed"));
  }

  @Test
  void aWrongSecretOrABadFieldIsRefusedNamingItAndNothingIsKept() throws Exception {
    String base = "http://" + layout.pager();
    HttpResponse<String> r =
        post(
            base + "/v2/enqueue",
            Map.of(
                "routing_key", "x".repeat(32),
                "event_action", "trigger",
                "payload", Map.of("summary", "s", "source", "me", "severity", "fatal")),
            null);
    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode errors = JSON.readTree(r.body()).path("errors");
    assertThat(errors.toString())
        .contains("routing_key: not the lab's integration key")
        .contains("payload.severity: 'fatal' (expected: critical, error, warning or info)");
    r =
        post(
            base + "/v2/enqueue",
            Map.of("routing_key", secrets.routingKey(), "event_action", "resolve"),
            null);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("dedup_key: missing");
    r = post(base + "/slack/not-the-secret", Map.of("text", "hi"), null);
    assertThat(r.statusCode()).isEqualTo(404);
    r = post(base + "/slack/" + secrets.slackPath(), Map.of("blocks", List.of(Map.of())), null);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("text: missing").contains("blocks[0].type: missing");
    r = post(base + "/webhook", Map.of("type", "region-failed"), "Bearer wrong");
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).isPresent();
    r =
        post(
            base + "/webhook", Map.of("type", "region-failed"), "Bearer " + secrets.webhookToken());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(r.body()).path("detail").asText()).contains("summary: missing");
    assertThat(PagerLog.read(LabPager.received(labDir))).isEmpty();
  }

  @Test
  void withAnAccessListTheReadsNeedAViewerAndTheReceiversOnlyTheirOwnSecrets() throws Exception {
    io.summit.dr.access.AccessDirectory creds =
        io.summit.dr.access.AccessDirectory.create(
            labDir.resolve("access"),
            List.of(new io.summit.dr.access.Principal("ann", io.summit.dr.access.Role.VIEWER)));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path kept = dir(labDir).resolve("received-guarded.jsonl");
    try (Pager guarded =
        Pager.start(
            new InetSocketAddress("127.0.0.1", port),
            secrets,
            kept,
            io.summit.dr.access.AccessList.read("--access-file", creds.accessList()))) {
      String base = "http://127.0.0.1:" + guarded.port();

      assertThat(get(base + "/healthz", null).statusCode()).isEqualTo(200);
      HttpResponse<String> anonymous = get(base + "/v1/notices", null);
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(anonymous.headers().firstValue("WWW-Authenticate")).isPresent();

      // the receivers answer without a token of the access list: the sender knows their secrets
      HttpResponse<String> slack =
          post(base + "/slack/" + secrets.slackPath(), Map.of("text", "hi"), null);
      assertThat(slack.statusCode()).isEqualTo(200);
      assertThat(slack.body()).isEqualTo("ok");
      assertThat(slack.headers().firstValue("Content-Type")).as("as Slack: no type").isEmpty();
      HttpResponse<String> notJson =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/v2/enqueue"))
                  .POST(HttpRequest.BodyPublishers.ofString("{"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(notJson.statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(notJson.body()).path("detail").asText())
          .isEqualTo("body: not JSON (expected: a JSON object)");

      HttpResponse<String> read = get(base + "/v1/notices", creds.token("ann"));
      assertThat(read.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(read.body()).path("notices")).hasSize(1);

      HttpResponse<String> wrongMethod =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/webhook")).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(wrongMethod.statusCode()).as("a read needs a viewer first").isEqualTo(401);
      HttpResponse<String> viewerGet = get(base + "/webhook", creds.token("ann"));
      assertThat(viewerGet.statusCode()).isEqualTo(405);
      assertThat(JSON.readTree(viewerGet.body()).path("detail").asText())
          .isEqualTo("method: GET /webhook (expected: POST)");
      HttpResponse<String> put =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/webhook"))
                  .PUT(HttpRequest.BodyPublishers.ofString("{}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(put.statusCode()).isEqualTo(405);
      assertThat(put.headers().firstValue("Allow")).contains("POST");
      HttpResponse<String> missing = post(base + "/v3/enqueue", Map.of("text", "hi"), null);
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(JSON.readTree(missing.body()).path("detail").asText())
          .startsWith("path: /v3/enqueue (expected: ");
    }
    assertThat(PagerLog.read(kept)).extracting(PagerLog.Notice::receiver).containsExactly("slack");
  }

  @Test
  void aTopologyWithItsOwnReceiversIsLeftAsItIs() throws Exception {
    Path own = labDir.resolve("own.yaml");
    Files.writeString(
        own,
        Files.readString(Path.of("..", "examples", "lab.yaml"))
            + "\nnotifications:\n  receivers:\n"
            + "    - {name: hook, kind: webhook, url: 'http://127.0.0.1:9/x'}\n");
    assertThat(LabPager.orchestratorTopology(TopologyLoader.load(own), own, labDir, layout))
        .isEqualTo(own);
  }

  private HttpResponse<String> get(String url, io.summit.dr.access.@Nullable BearerToken token)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
    return http.send(
        (token == null ? b : token.sign(b)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String url, Object body, @Nullable String authorization)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
