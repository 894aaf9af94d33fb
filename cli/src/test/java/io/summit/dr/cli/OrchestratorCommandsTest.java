package io.summit.dr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code status}, {@code failover}, {@code approve} against orchestrator replicas given by {@code
 * --url}: a dead one, a follower that redirects, and a leader (JDK HttpServers on ephemeral ports).
 */
class OrchestratorCommandsTest {
  private static final String PLAN =
      """
      {"id":"p7","kind":"FAILOVER","from":"us-west-2","to":"us-east-1","forced":false,
       "requested_by":"alice","state":"succeeded","started_at":"2026-12-01T02:00:00Z",
       "ended_at":"2026-12-01T02:00:01.5Z","detail":"writer region is us-east-1","steps":[
        {"id":"fence-postgres","action":"fence","region":"us-west-2","store":"postgres",
         "group":null,"state":"done","start_s":0.0,"end_s":0.125,"outcome":"applied",
         "detail":"read-only"},
        {"id":"promote-postgres","action":"promote","region":"us-east-1","store":"postgres",
         "group":null,"state":"done","start_s":0.125,"end_s":0.9,"outcome":"applied",
         "detail":"promoted"}]}
      """;
  private static final String STATUS =
      """
      {"writer_region":"us-east-1",
       "regions":{"us-west-2":{"writer":false,"failed":true},"us-east-1":{"writer":true,"failed":false}},
       "stores":[{"name":"postgres","kind":"postgres","region":"us-west-2","role":"unknown",
                  "lag_bytes":null,"lag_seconds":null},
                 {"name":"postgres","kind":"postgres","region":"us-east-1","role":"primary",
                  "lag_bytes":0,"lag_seconds":0.0}],
       "running_plan":null,"last_plan":%s}
      """
          .formatted(PLAN);

  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
  private final List<String> leaderGot = new CopyOnWriteArrayList<>();
  private final Map<String, String[]> replies = new ConcurrentHashMap<>();

  @AfterEach
  void stop() {
    servers.forEach(s -> s.stop(0));
  }

  private String leader() throws IOException {
    HttpServer s = server();
    s.createContext(
        "/",
        x -> {
          try (x) {
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String key = x.getRequestMethod() + " " + x.getRequestURI();
            leaderGot.add(key + " " + body);
            String[] r =
                replies.getOrDefault(key, new String[] {"404", "{\"error\":\"no such resource\"}"});
            byte[] bytes = r[1].getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(Integer.parseInt(r[0]), bytes.length);
            x.getResponseBody().write(bytes);
          }
        });
    return url(s);
  }

  private String follower(String leader) throws IOException {
    HttpServer s = server();
    s.createContext(
        "/",
        x -> {
          try (x) {
            x.getResponseHeaders().set("Location", leader + x.getRequestURI());
            x.sendResponseHeaders(307, -1);
          }
        });
    return url(s);
  }

  private String dead() throws IOException {
    HttpServer s = server();
    String url = url(s);
    s.stop(0);
    servers.remove(s);
    return url;
  }

  private HttpServer server() throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    s.start();
    servers.add(s);
    return s;
  }

  private static String url(HttpServer s) {
    return "http://127.0.0.1:" + s.getAddress().getPort();
  }

  @Test
  void statusFindsTheLeaderPastADeadReplicaAndAFollower() throws IOException {
    replies.put("GET /v1/status", new String[] {"200", STATUS});
    String leader = leader();
    String urls = dead() + "," + follower(leader) + "," + leader;

    CliRun run = CliRun.of("status", "--url", urls);

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .startsWith("writer region: us-east-1\n  us-west-2: {\"writer\":false,\"failed\":true}\n")
        .containsPattern("postgres +postgres +us-west-2 +unknown +-")
        .containsPattern("postgres +postgres +us-east-1 +primary +0 B / 0.000 s")
        .contains("last plan p7 (FAILOVER, succeeded): writer region is us-east-1")
        .containsPattern("fence-postgres +done +0.000s +0.125s +applied");
  }

  @Test
  void statusJsonPrintsTheDocumentAsTheOrchestratorSentIt() throws IOException {
    replies.put("GET /v1/status", new String[] {"200", STATUS});

    CliRun run = CliRun.of("status", "--json", "--url", leader());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("\"writer_region\" : \"us-east-1\"")
        .contains("\"lag_bytes\" : null");
  }

  @Test
  void failoverIsSentThroughTheFollowerToTheLeaderAndFollowedToItsEnd() throws IOException {
    replies.put("POST /v1/plans", new String[] {"202", PLAN});
    replies.put("GET /v1/plans/p7", new String[] {"200", PLAN});
    String leader = leader();

    CliRun run =
        CliRun.of("failover", "--to", "us-east-1", "--url", follower(leader) + "," + leader);

    assertThat(run.exitCode()).isZero();
    assertThat(leaderGot.get(0))
        .startsWith("POST /v1/plans {\"kind\":\"failover\",\"to\":\"us-east-1\",\"force\":false,")
        .contains("\"requested_by\":");
    assertThat(run.out())
        .startsWith("failover: plan p7 started (us-west-2 -> us-east-1)\n")
        .contains("  fence-postgres               applied       0.000s ..  0.125s  read-only\n")
        .endsWith("plan p7 succeeded: writer region is us-east-1\n");
  }

  @Test
  void aPlanIsFollowedOnTheLeadersEventStreamWithoutPollingIt() throws IOException {
    replies.put("POST /v1/plans", new String[] {"202", PLAN});
    replies.put(
        "GET /v1/events",
        new String[] {
          "200",
          frame(1, "plan-started", "{\"plan\":\"p7\",\"kind\":\"failover\"}")
              + frame(2, "step-ended", "{\"plan\":\"p6\",\"step\":\"old\",\"state\":\"done\"}")
              + frame(
                  3,
                  "step-ended",
                  "{\"plan\":\"p7\",\"step\":\"fence/postgres\",\"state\":\"done\","
                      + "\"outcome\":\"applied\",\"detail\":\"read-only\",\"start_s\":0.0,"
                      + "\"end_s\":0.125}")
              + ": keep-alive\n\n"
              + frame(4, "plan-succeeded", "{\"plan\":\"p7\",\"detail\":\"11 steps\"}")
        });
    String leader = leader();

    CliRun run = CliRun.of("failover", "--to", "us-east-1", "--url", leader);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .isEqualTo(
            "failover: plan p7 started (us-west-2 -> us-east-1)\n"
                + "  fence/postgres               applied       0.000s ..  0.125s  read-only\n"
                + "plan p7 succeeded: 11 steps\n");
    assertThat(leaderGot)
        .extracting(g -> g.substring(0, g.indexOf(' ', 5)))
        .containsExactly("POST /v1/plans", "GET /v1/events");
  }

  @Test
  void withJsonAFollowedPlanIsPrintedAsTheOrchestratorHasItOnceItHasEnded() throws Exception {
    replies.put("POST /v1/plans", new String[] {"202", PLAN});
    replies.put("GET /v1/plans/p7", new String[] {"200", PLAN});
    replies.put(
        "GET /v1/events",
        new String[] {"200", frame(4, "plan-succeeded", "{\"plan\":\"p7\",\"detail\":\"x\"}")});
    String leader = leader();

    CliRun run = CliRun.of("failover", "--to", "us-east-1", "--json", "--url", leader);

    assertThat(run.exitCode()).as(run.err()).isZero();
    var plan = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.out());
    assertThat(plan.get("id").asText()).isEqualTo("p7");
    assertThat(plan.get("state").asText()).isEqualTo("succeeded");
    assertThat(plan.get("steps").get(0).get("id").asText()).isEqualTo("fence-postgres");
  }

  private static String frame(long id, String type, String data) {
    return "id: "
        + id
        + "\nevent: "
        + type
        + "\ndata: {\"id\":"
        + id
        + ",\"type\":\""
        + type
        + "\",\"at\":\"2026-12-03T12:00:00Z\",\"data\":"
        + data
        + "}\n\n";
  }

  @Test
  void aRefusedRequestIsBadInputWithTheOrchestratorsMessage() throws IOException {
    replies.put(
        "POST /v1/plans/p7/approve",
        new String[] {"409", "{\"error\":\"plan: 'p7' is not waiting for approval\"}"});

    CliRun run = CliRun.of("approve", "p7", "--url", leader());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("summit-dr approve: plan: 'p7' is not waiting for approval\n");
  }

  @Test
  void whenNoReplicaAnswersTheErrorNamesEachAndExitsOne() throws IOException {
    String a = dead();
    String b = dead();

    CliRun run = CliRun.of("status", "--url", a + "," + b);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .startsWith(
            "summit-dr status: GET /v1/status: no orchestrator replica answers: " + a + " (")
        .contains(", " + b + " (")
        .endsWith("; is the lab up?\n");
  }

  @Test
  void aBadUrlInTheListIsBadInputNamingIt() {
    CliRun run = CliRun.of("status", "--url", "http://127.0.0.1:1,127.0.0.1:2");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "summit-dr status: --url: '127.0.0.1:2' (expected: https://HOST:PORT or"
                + " http://HOST:PORT, several separated by commas)\n");
  }

  @Test
  void aCaFileThatHoldsNoCertificateIsBadInputNamingIt() throws Exception {
    java.nio.file.Path bad = java.nio.file.Files.createTempFile("ca", ".crt");
    java.nio.file.Files.writeString(bad, "not a certificate\n");

    CliRun run = CliRun.of("status", "--url", "https://127.0.0.1:1", "--ca-file", bad.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith("summit-dr status: --ca-file: " + bad);
    java.nio.file.Files.delete(bad);
  }
}
