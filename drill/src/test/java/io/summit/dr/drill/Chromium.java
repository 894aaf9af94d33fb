package io.summit.dr.drill;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium, driven through its chromedriver (no browser download): opens a page
 * and reports what the page drew. {@code bash .ci/setup} installs both.
 */
final class Chromium implements AutoCloseable {
  static final Path BROWSER = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  /** What the report page drew: its chart's counts, its error line, a screenshot. */
  record Page(Map<String, Object> chartStats, String error, String title, byte[] screenshot) {}

  private final ChromeDriver driver;

  Chromium() {
    if (!Files.isExecutable(BROWSER) || !Files.isExecutable(DRIVER)) {
      throw new IllegalStateException(
          BROWSER
              + " or "
              + DRIVER
              + " is missing: install chromium and chromium-driver"
              + " (bash .ci/setup does)");
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1200,1400");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(DRIVER.toString()))
            .build();
    this.driver = new ChromeDriver(service, options);
  }

  @SuppressWarnings("unchecked")
  Page open(Path html) {
    driver.get(html.toUri().toString());
    new WebDriverWait(driver, Duration.ofSeconds(20))
        .until(
            d ->
                "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-rendered"))
                    || !d.findElement(By.id("error")).getText().isEmpty());
    Object stats = ((JavascriptExecutor) driver).executeScript("return window.chartStats || {};");
    return new Page(
        stats instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of(),
        driver.findElement(By.id("error")).getText(),
        driver.findElement(By.id("title")).getText(),
        driver.getScreenshotAs(OutputType.BYTES));
  }

  long count(String cssSelector) {
    return driver.findElements(By.cssSelector(cssSelector)).size();
  }

  @Override
  public void close() {
    driver.quit();
  }
}
