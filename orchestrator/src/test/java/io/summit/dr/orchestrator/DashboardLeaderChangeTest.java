package io.summit.dr.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.access.AccessDirectory;
import io.summit.dr.access.Principal;
import io.summit.dr.access.Role;
import io.summit.dr.orchestrator.coordination.TestEtcd;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreRole;
import io.summit.dr.topology.Topology;
import io.summit.dr.topology.TopologyLoader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard follows a leader change without a reload: two orchestrator replicas on a real etcd
 * ({@link TestEtcd}) and fake stores, behind an access list; the page signed in on the leader's
 * address. The leader dies as a crashed process would (its etcd connection cut, so that its lease
 * is not revoked and expires, then its listener closed); the page goes on asking the other replica
 * (cross-origin, with the token it holds), says which replica it talks to and that it switched, and
 * a switchover started from its button runs to the end on the new leader.
 */
class DashboardLeaderChangeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Services NO_SERVICES =
      new Services() {
        @Override
        public Optional<Scale> scale(String region) {
          return Optional.empty();
        }

        @Override
        public Scale setMinimum(String region, int minimum) throws IOException {
          throw new IOException(region + ": no service cluster in this test");
        }
      };

  @TempDir Path state;
  @TempDir Path secrets;
  private final FakeStores stores = new FakeStores(Clock.systemUTC());
  private final Topology topology = TopologyLoader.load(Path.of("..", "examples", "lab.yaml"));
  private TestEtcd etcd;
  private CuttableLink firstLink;
  private AccessDirectory creds;
  private Replica first;
  private Replica second;
  private int firstPort;
  private int secondPort;
  private @Nullable Thread firstDying;
  private ChromeDriver browser;

  DashboardLeaderChangeTest() throws IOException {}

  @BeforeEach
  void start() throws Exception {
    for (String store : List.of("postgres", "redis")) {
      stores.node(store, "us-west-2").role = StoreRole.PRIMARY;
      stores.node(store, "us-east-1").role = StoreRole.REPLICA;
    }
    creds =
        AccessDirectory.create(
            secrets.resolve("access"), List.of(new Principal("oscar", Role.OPERATOR)));
    etcd = TestEtcd.start();
    URI etcdUrl = URI.create(etcd.url);
    firstLink = CuttableLink.to(new InetSocketAddress(etcdUrl.getHost(), etcdUrl.getPort()));
    firstPort = freePort();
    first = replica("orchestrator-a", firstPort, firstLink.url());
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(first::leading);
    secondPort = freePort();
    second = replica("orchestrator-b", secondPort, etcd.url);
    // Both are listed before the page loads: its Content-Security-Policy names the replicas then.
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> replicasListedBy(firstPort) == 2);
    browser = DashboardTest.chromium();
  }

  @AfterEach
  void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> second == null || noPlanRunning(secondPort));
    for (Replica r : new Replica[] {second, first}) {
      if (r != null) {
        r.close();
      }
    }
    if (firstDying != null) {
      firstDying.join(Duration.ofSeconds(30));
    }
    firstLink.close();
    etcd.close();
  }

  private Replica replica(String id, int port, String etcdUrl) throws IOException {
    Path dir = Files.createDirectories(state.resolve(id));
    OrchestratorMain.Options options =
        new OrchestratorMain.Options(
            Path.of("..", "examples", "lab.yaml"),
            dir,
            new Endpoint("127.0.0.1", port),
            null,
            null,
            Map.of(),
            List.of(etcdUrl),
            id,
            "edge",
            List.of(),
            null,
            creds.accessList(),
            null,
            null,
            null,
            null);
    return Replica.start(
        options, topology, new OrchestratorMain.Environment(stores, NO_SERVICES, null));
  }

  private int replicasListedBy(int port) throws Exception {
    JsonNode replicas = JSON.readTree(get(port, "/v1/replica").body()).path("replicas");
    return replicas.size();
  }

  /** Whether the replica at {@code port} runs no plan (or answers no status: it is gone). */
  private boolean noPlanRunning(int port) {
    try {
      HttpResponse<String> s = get(port, "/v1/status");
      return s.statusCode() != 200 || JSON.readTree(s.body()).path("running_plan").isNull();
    } catch (Exception e) {
      return true;
    }
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", creds.token("oscar").authorization())
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private WebDriverWait within(Duration d) {
    WebDriverWait wait = new WebDriverWait(browser, d, Duration.ofMillis(20));
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    return wait;
  }

  private static String text(WebDriver d, String id) {
    return d.findElement(By.id(id)).getText();
  }

  private String page() {
    return "replica "
        + text(browser, "replica")
        + " "
        + text(browser, "switched")
        + "; live "
        + text(browser, "live")
        + "; writer "
        + text(browser, "writer")
        + "; plan "
        + text(browser, "plan-title")
        + "; message "
        + text(browser, "message");
  }

  @Test
  void whenTheLeaderDiesThePageFollowsTheNewLeaderWithoutAReloadAndAnActionStillWorks()
      throws Exception {
    browser.get("http://127.0.0.1:" + firstPort + "/");
    browser
        .findElement(By.id("token"))
        .sendKeys(Files.readString(creds.tokenFile("oscar")).strip());
    browser.findElement(By.id("signin-button")).click();
    within(Duration.ofSeconds(15))
        .withMessage(this::page)
        .until(
            d ->
                text(d, "writer").equals("us-west-2")
                    && text(d, "replica").startsWith("orchestrator-a")
                    && text(d, "switched").isEmpty());

    long killed = System.nanoTime();
    firstLink.cut();
    firstDying = Thread.ofVirtual().start(first::close);

    within(Duration.ofSeconds(15))
        .withMessage(this::page)
        .until(
            d ->
                text(d, "replica").startsWith("orchestrator-b")
                    && text(d, "switched").startsWith("switched from orchestrator-a")
                    && text(d, "live").startsWith("live")
                    && text(d, "writer").equals("us-west-2"));
    System.out.printf(
        "FIGURE dashboard shows the new leader %.3f s after the leader died%n",
        (System.nanoTime() - killed) / 1e9);
    assertThat(second.leading()).isTrue();
    assertThat(browser.getCurrentUrl()).isEqualTo("http://127.0.0.1:" + firstPort + "/");
    Files.write(
        Path.of("target", "dashboard-leader-change.png"),
        browser.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));

    within(Duration.ofSeconds(5))
        .until(
            d -> {
              d.findElement(By.cssSelector("button[data-action='switchover'][data-to='us-east-1']"))
                  .click();
              return true;
            });
    within(Duration.ofSeconds(30))
        .withMessage(this::page)
        .until(
            d ->
                text(d, "writer").equals("us-east-1")
                    && text(d, "plan-title").contains("succeeded"));
    assertThat(text(browser, "plan-title")).contains("switchover").contains("oscar");
  }
}
