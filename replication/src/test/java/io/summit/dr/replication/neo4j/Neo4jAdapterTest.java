package io.summit.dr.replication.neo4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.summit.dr.access.AccessList;
import io.summit.dr.access.BearerToken;
import io.summit.dr.access.CertificateAuthority;
import io.summit.dr.access.Tls;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreObservation;
import io.summit.dr.replication.StoreResult;
import io.summit.dr.replication.StoreRole;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Neo4j adapter against a fake admin API: what each answer becomes. */
class Neo4jAdapterTest {
  private static final String ID = "neo4j@us-west-2";
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-05T10:00:00Z"), ZoneOffset.UTC);

  @TempDir Path dir;

  private record Answer(int status, String type, String body) {}

  private final Map<String, Answer> answers = new ConcurrentHashMap<>();

  /** What the server received: METHOD PATH[?QUERY] AUTHORIZATION. */
  private final List<String> received = new CopyOnWriteArrayList<>();

  private final List<HttpServer> servers = new ArrayList<>();
  private final List<Neo4jAdapter> adapters = new ArrayList<>();

  @AfterEach
  void stop() {
    adapters.forEach(Neo4jAdapter::close);
    servers.forEach(s -> s.stop(0));
  }

  @Test
  void observesAPrimaryOverHttpsWithTheToken() throws Exception {
    CertificateAuthority.Files ca =
        CertificateAuthority.create(dir.resolve("tls"), "test CA", List.of("127.0.0.1"));
    answer("/v1/status", 200, "{\"role\":\"primary\",\"fenced\":false,\"seq\":42,\"term\":3}");
    BearerToken token = token();
    Neo4jAdapter adapter =
        adapter(
            serve(Tls.server(ca.serverCert(), ca.serverKey())), token, Tls.trusting(ca.caCert()));

    StoreObservation o = adapter.observe();

    assertThat(o.reachable()).isTrue();
    assertThat(o.role()).isEqualTo(StoreRole.PRIMARY);
    assertThat(o.position()).isEqualTo("seq 42");
    assertThat(o.detail()).isEqualTo("term 3");
    assertThat(received).containsExactly("GET /v1/status " + token.authorization());
  }

  @Test
  void observesAReplicaAndItsLag() throws Exception {
    answer(
        "/v1/status",
        200,
        "{\"role\":\"replica\",\"seq\":40,\"lagTransactions\":2,\"upstream\":\"10.0.0.9:7690\","
            + "\"lagSeconds\":0.5,\"lagMeasuredAt\":\"2026-12-05T09:59:59Z\",\"streaming\":true}");
    Neo4jAdapter adapter = adapter(serve(null), null, null);

    StoreObservation o = adapter.observe();

    assertThat(o.role()).isEqualTo(StoreRole.REPLICA);
    assertThat(o.lagSeconds()).isEqualTo(0.5);
    assertThat(o.streaming()).isTrue();
    assertThat(o.detail()).isEqualTo("lag 2 transactions behind 10.0.0.9:7690");
    assertThat(received).containsExactly("GET /v1/status -");
  }

  @Test
  void aStatusOtherThan200OrNoAnswerIsUnreachable() throws Exception {
    answer("/v1/status", 500, "{\"error\":\"store closed\"}");
    Neo4jAdapter failing = adapter(serve(null), null, null);
    Neo4jAdapter refused = adapter(closedPort(), null, null);

    StoreObservation status = failing.observe();
    StoreObservation none = refused.observe();

    assertThat(status.reachable()).isFalse();
    assertThat(status.role()).isEqualTo(StoreRole.UNKNOWN);
    assertThat(status.detail()).isEqualTo(ID + ": status 500 (store closed)");
    assertThat(none.reachable()).isFalse();
    assertThat(none.detail()).startsWith(ID + ": admin API GET /v1/status: ConnectException");
  }

  @Test
  void operationsAreAppliedAlreadyDoneRefusedOrRetried() throws Exception {
    answer("/v1/promote", 200, "{\"changed\":true,\"detail\":\"promoted at seq 42\"}");
    answer("/v1/unfence", 200, "{\"changed\":false}");
    answer("/v1/term", 409, "{\"error\":\"term 2 is older than 3\"}");
    answer(
        "/v1/verify-write",
        403,
        "application/problem+json",
        "{\"title\":\"Forbidden\",\"status\":403,"
            + "\"detail\":\"role viewer may not POST /v1/verify-write (expected: operator)\"}");
    answer("/v1/rejoin", 503, "{\"error\":\"snapshot in progress\"}");
    Neo4jAdapter adapter = adapter(serve(null), token(), null);

    assertThat(adapter.promote()).isEqualTo(new StoreResult.Applied(ID + ": promoted at seq 42"));
    assertThat(adapter.unfence()).isEqualTo(new StoreResult.AlreadyDone(ID + ": unfence"));
    assertThat(adapter.recordTerm(2))
        .isEqualTo(
            new StoreResult.Fatal(ID + ": record term 2 refused (409): term 2 is older than 3"));
    assertThat(adapter.verifyWrite())
        .isEqualTo(
            new StoreResult.Fatal(
                ID
                    + ": verify write refused (403): role viewer may not POST /v1/verify-write"
                    + " (expected: operator)"));
    assertThat(adapter.rejoin(new Endpoint("10.0.0.9", 7687)))
        .isEqualTo(new StoreResult.Retry(ID + ": rejoin refused (503): snapshot in progress"));
    String auth = " Bearer " + secret();
    assertThat(received)
        .containsExactly(
            "POST /v1/promote" + auth,
            "POST /v1/unfence" + auth,
            "POST /v1/term?term=2" + auth,
            "POST /v1/verify-write" + auth,
            "POST /v1/rejoin?upstream=10.0.0.9:7690" + auth);
  }

  @Test
  void aVerifiedWriteIsAppliedAndAReplicaIsNotFenced() throws Exception {
    answer("/v1/verify-write", 200, "{\"changed\":false,\"detail\":\"wrote and read back\"}");
    answer("/v1/status", 200, "{\"role\":\"replica\",\"seq\":7,\"upstream\":\"10.0.0.9:7690\"}");
    int admin = serve(null);
    Neo4jAdapter adapter = adapter(admin, null, null);

    assertThat(adapter.verifyWrite())
        .isEqualTo(new StoreResult.Applied(ID + ": wrote and read back"));
    assertThat(adapter.fence())
        .isEqualTo(new StoreResult.AlreadyDone(ID + ": a replica takes no writes"));
    assertThat(adapter.rejoin(new Endpoint("127.0.0.1", admin - 3)))
        .isInstanceOf(StoreResult.Fatal.class);
    assertThat(received).containsExactly("POST /v1/verify-write -", "GET /v1/status -");
  }

  @Test
  void noAnswerIsRetriedAndAnInterruptSaysSoAndKeepsTheFlag() throws Exception {
    Neo4jAdapter refused = adapter(closedPort(), null, null);

    assertThat(refused.promote())
        .isInstanceOfSatisfying(
            StoreResult.Retry.class,
            r ->
                assertThat(r.detail())
                    .startsWith(
                        ID + ": promote failed: admin API POST /v1/promote: ConnectException"));

    answer("/v1/status", 200, "{\"role\":\"primary\"}");
    Neo4jAdapter adapter = adapter(serve(null), null, null);
    Thread.currentThread().interrupt();
    try {
      assertThat(adapter.observe().detail()).isEqualTo(ID + ": interrupted");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
      assertThat(adapter.promote()).isEqualTo(new StoreResult.Retry(ID + ": interrupted"));
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  private void answer(String path, int status, String body) {
    answer(path, status, "application/json", body);
  }

  private void answer(String path, int status, String type, String body) {
    answers.put(path, new Answer(status, type, body));
  }

  /** The admin API's port: a fake server answering {@link #answers}, HTTPS with {@code tls}. */
  private int serve(@Nullable SSLContext tls) throws IOException {
    HttpServer server =
        Tls.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8, tls);
    server.createContext(
        "/",
        x -> {
          @Nullable String auth = x.getRequestHeaders().getFirst("Authorization");
          @Nullable String query = x.getRequestURI().getRawQuery();
          received.add(
              x.getRequestMethod()
                  + " "
                  + x.getRequestURI().getPath()
                  + (query == null ? "" : "?" + query)
                  + " "
                  + (auth == null ? "-" : auth));
          Answer a =
              answers.getOrDefault(
                  x.getRequestURI().getPath(), new Answer(404, "text/plain", "no such path"));
          byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
          x.getResponseHeaders().set("Content-Type", a.type());
          x.sendResponseHeaders(a.status(), out.length);
          x.getResponseBody().write(out);
          x.close();
        });
    server.start();
    servers.add(server);
    return server.getAddress().getPort();
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** An adapter whose Bolt port is three below {@code adminPort}, as in the lab. */
  private Neo4jAdapter adapter(
      int adminPort, @Nullable BearerToken token, @Nullable SSLContext trust) {
    Neo4jAdapter a =
        new Neo4jAdapter(
            ID,
            new Endpoint("127.0.0.1", adminPort - 3),
            Neo4jAdapter::adminThreeAbove,
            CLOCK,
            Duration.ofSeconds(2),
            token,
            trust);
    adapters.add(a);
    return a;
  }

  private BearerToken token() throws IOException {
    Path file = dir.resolve("operator.token");
    if (!Files.exists(file)) {
      Files.writeString(file, AccessList.newToken());
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
    return BearerToken.read("--token-file", file);
  }

  private String secret() throws IOException {
    return Files.readString(dir.resolve("operator.token")).strip();
  }
}
