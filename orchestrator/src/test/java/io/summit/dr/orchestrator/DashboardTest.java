package io.summit.dr.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.summit.dr.access.AccessDirectory;
import io.summit.dr.topology.TopologyLoader;
import java.io.File;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The live dashboard in Debian's headless Chromium ({@code bash .ci/setup} installs it and its
 * chromedriver), against an orchestrator on fake stores behind an access list: signed in with an
 * operator's token it shows the writer, the regions and the stores; an event appears within a
 * second; a switchover started from its button runs to the end on the page; a viewer's click is
 * refused with the API's 403. The API listens with TLS under an authority of the test's own, as a
 * lab's orchestrators do (the browser trusts the server's key, as a user trusts the lab's {@code
 * ca.crt}). The last screenshot is written to {@code target/dashboard.png} (the README's).
 */
class DashboardTest {
  private static final Path BROWSER = Path.of("/usr/bin/chromium");
  private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  @TempDir Path state;
  @TempDir Path secrets;
  private final FakeStores stores = new FakeStores(Clock.systemUTC());
  private GuardedApi fixture;
  private Orchestrator orchestrator;
  private AccessDirectory creds;
  private URI base;
  private ChromeDriver browser;
  // What the observers see of us-east-1: the "fault" the test injects turns it down.
  private volatile String eastSeenAs = "up";

  /** The shape of detection's regions view: per region, writer, failed, each observer's view. */
  private Map<String, Object> regionsView() {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    for (String r : List.of("us-west-2", "us-east-1")) {
      String seen = r.equals("us-east-1") ? eastSeenAs : "up";
      out.put(
          r,
          Map.of(
              "writer",
              r.equals(orchestrator.writerRegion()),
              "failed",
              false,
              "observers",
              Map.of("observer-witness", seen, "edge-router", seen)));
    }
    return out;
  }

  @BeforeEach
  void start() throws Exception {
    fixture =
        GuardedApi.start(
            TopologyLoader.load(Path.of("..", "examples", "lab.yaml")),
            stores,
            state,
            secrets,
            o -> regionsView(),
            true);
    orchestrator = fixture.orchestrator;
    creds = fixture.creds;
    base = fixture.base.resolve("/");
    assertThat(base.getScheme()).isEqualTo("https");
    browser = chromium(fixture.tls);
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    fixture.close();
  }

  /** Debian's headless Chromium through its chromedriver (the dashboard tests share it). */
  static ChromeDriver chromium() {
    return chromium(null);
  }

  /**
   * @param tls the certificates of the server the browser visits: it trusts the server's key (the
   *     headless browser has no certificate store to add the authority to)
   */
  static ChromeDriver chromium(
      io.summit.dr.access.CertificateAuthority.@org.jspecify.annotations.Nullable Files tls) {
    assertThat(Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER))
        .as(BROWSER + " and " + DRIVER + " (install chromium and chromium-driver: bash .ci/setup)")
        .isTrue();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-dev-shm-usage",
        "--window-size=1200,900");
    if (tls != null) {
      options.addArguments("--ignore-certificate-errors-spki-list=" + spki(tls.serverCert()));
    }
    return new ChromeDriver(
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(DRIVER.toString()))
            .build(),
        options);
  }

  /** Base64 of the SHA-256 of the first certificate's SubjectPublicKeyInfo (Chromium's pin). */
  private static String spki(Path certificate) {
    try {
      byte[] key =
          io.summit.dr.access.CertificateAuthority.read(certificate)
              .get(0)
              .getPublicKey()
              .getEncoded();
      return java.util.Base64.getEncoder()
          .encodeToString(java.security.MessageDigest.getInstance("SHA-256").digest(key));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void signIn(String caller) throws Exception {
    browser.get(base.toString());
    browser.findElement(By.id("token")).sendKeys(Files.readString(creds.tokenFile(caller)).strip());
    browser.findElement(By.id("signin-button")).click();
  }

  /** A wait that looks again when the page re-drew what it was reading (it does once a second). */
  private WebDriverWait within(Duration d) {
    WebDriverWait wait = new WebDriverWait(browser, d, Duration.ofMillis(20));
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    return wait;
  }

  private void click(String css) {
    within(Duration.ofSeconds(5))
        .until(
            d -> {
              d.findElement(By.cssSelector(css)).click();
              return true;
            });
  }

  private static String text(WebDriver d, String id) {
    return d.findElement(By.id(id)).getText();
  }

  @Test
  void thePageNeedsNoTokenButItsDataDoes() throws Exception {
    HttpClient http = fixture.client();
    HttpResponse<String> page =
        http.send(HttpRequest.newBuilder(base).build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> status =
        http.send(
            HttpRequest.newBuilder(base.resolve("/v1/status")).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(page.body()).contains("<title>Summit DR</title>").doesNotContain("us-west-2");
    assertThat(status.statusCode()).isEqualTo(401);
  }

  @Test
  void anOperatorWatchesTheLabLiveAndASwitchoverStartedFromThePageCompletes() throws Exception {
    signIn("oscar");
    within(Duration.ofSeconds(15)).until(d -> text(d, "writer").equals("us-west-2"));
    assertThat(browser.findElements(By.cssSelector("#stores tr"))).hasSize(5);
    assertThat(text(browser, "regions")).contains("us-west-2", "us-east-1", "us-west-2a");
    String termBefore = text(browser, "term");
    assertThat(termBefore).isEqualTo(String.valueOf(orchestrator.discovery().snapshot().term()));

    // The fault: the observers lose us-east-1, and detection says so on the event stream.
    long injected = System.nanoTime();
    eastSeenAs = "down";
    orchestrator.events().publish("alert-partition", Map.of("between", "us-east-1 witness"));
    within(Duration.ofSeconds(1))
        .until(
            d ->
                !d.findElements(By.cssSelector("tr[data-event='alert-partition']")).isEmpty()
                    && d.findElement(By.cssSelector("tr[data-region='us-east-1']"))
                        .getText()
                        .contains("down"));
    System.out.printf(
        "FIGURE dashboard shows the fault after %.3f s%n", (System.nanoTime() - injected) / 1e9);
    eastSeenAs = "up";

    click("button[data-action='switchover'][data-to='us-east-1']");
    within(Duration.ofSeconds(30))
        .withMessage(
            () ->
                "page message: "
                    + text(browser, "message")
                    + "; plans "
                    + orchestrator.plans().plans()
                    + "; writer "
                    + text(browser, "writer")
                    + "; title "
                    + text(browser, "plan-title")
                    + "; live "
                    + text(browser, "live"))
        .until(
            d ->
                text(d, "writer").equals("us-east-1")
                    && text(d, "plan-title").contains("succeeded"));
    assertThat(text(browser, "plan-title")).contains("switchover").contains("oscar");
    assertThat(text(browser, "steps")).contains("promote/postgres");
    within(Duration.ofSeconds(5))
        .withMessage(() -> "term before " + termBefore + ", now " + text(browser, "term"))
        .until(d -> Long.parseLong(text(d, "term")) > Long.parseLong(termBefore));
    assertThat(orchestrator.writerRegion()).isEqualTo("us-east-1");
    Path shot = Path.of("target", "dashboard.png");
    Files.write(shot, browser.getScreenshotAs(OutputType.BYTES));
  }

  @Test
  void aViewerSeesTheStateAndIsRefusedAnAction() throws Exception {
    signIn("ann");
    within(Duration.ofSeconds(15)).until(d -> text(d, "writer").equals("us-west-2"));

    click("button[data-action='failback']");

    within(Duration.ofSeconds(5))
        .until(d -> text(d, "message").contains("ann has role viewer (expected: operator"));
    assertThat(orchestrator.plans().plans()).isEmpty();
  }

  @Test
  void aWrongTokenSendsBackToTheSignIn() throws Exception {
    browser.get(base.toString());
    browser.findElement(By.id("token")).sendKeys("not-a-token-anybody-holds");
    browser.findElement(By.id("signin-button")).click();

    within(Duration.ofSeconds(10))
        .until(d -> text(d, "signin-error").contains("the bearer token is nobody's"));
    assertThat(browser.findElement(By.id("board")).isDisplayed()).isFalse();
  }
}
