package io.summit.dr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class JsonOptionTest {
  record Sample(String storeName, Instant tookEffect, Path reportHtml, @Nullable Long lagBytes) {}

  /** Commands without --json: servers, and commands whose output is a document already. */
  private static final Set<String> WITHOUT_JSON =
      Set.of(
          "summit-dr orchestrator",
          "summit-dr router",
          "summit-dr schema",
          "summit-dr generate-completion");

  @Test
  void recordsBecomeSnakeCaseFieldsWithIsoInstantsAndPathsAsGiven() {
    JsonNode json =
        JsonOption.tree(
            new Sample(
                "postgres",
                Instant.parse("2026-12-03T10:00:00.5Z"),
                Path.of("reports/a.html"),
                null));

    assertThat(json.get("store_name").asText()).isEqualTo("postgres");
    assertThat(json.get("took_effect").asText()).isEqualTo("2026-12-03T10:00:00.500Z");
    assertThat(json.get("report_html").asText()).isEqualTo("reports/a.html");
    assertThat(json.has("lag_bytes")).isTrue();
    assertThat(json.get("lag_bytes").isNull()).isTrue();
  }

  @Test
  void printWritesOnePrettyDocumentOnStdout() throws Exception {
    CommandLine cli = Main.commandLine();
    java.io.StringWriter out = new java.io.StringWriter();
    cli.setOut(new java.io.PrintWriter(out, true));

    JsonOption.print(cli.getCommandSpec(), java.util.Map.of("a", 1));

    assertThat(out.toString()).isEqualTo(String.format("{%n  \"a\" : 1%n}%n"));
  }

  @Test
  void everyCommandThatReportsAResultTakesJson() {
    List<String> missing = new ArrayList<>();
    leaves(Main.commandLine(), missing);

    assertThat(missing).isEmpty();
  }

  private static void leaves(CommandLine cli, List<String> missing) {
    String name = cli.getCommandSpec().qualifiedName();
    if (cli.getSubcommands().isEmpty()) {
      if (!WITHOUT_JSON.contains(name) && cli.getCommandSpec().findOption("--json") == null) {
        missing.add(name);
      }
      return;
    }
    cli.getSubcommands().values().forEach(sub -> leaves(sub, missing));
  }
}
