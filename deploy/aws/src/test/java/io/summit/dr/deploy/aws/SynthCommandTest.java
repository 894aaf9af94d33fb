package io.summit.dr.deploy.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code summit-dr aws synth}: templates for the example, exit 2 and nothing written otherwise. */
class SynthCommandTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void synthWritesATemplatePerStackForBothRegionsAndASummary() throws IOException {
    Path cdkOut = dir.resolve("cdk.out");

    int code =
        run("aws", "synth", "--config", ExampleApp.EXAMPLE.toString(), "--out", cdkOut.toString());

    assertThat(code).as(err.toString()).isZero();
    for (String stack :
        new String[] {
          "summit-us-west-2", "summit-us-east-1", "summit-us-east-1-replicas", "summit-global"
        }) {
      Path template = cdkOut.resolve(stack + ".template.json");
      assertThat(template).isRegularFile();
      assertThat(out.toString()).contains("wrote " + template);
    }
    assertThat(Files.readString(cdkOut.resolve("manifest.json")))
        .contains("aws://111111111111/us-west-2");
    assertThat(out.toString())
        .contains("synthesised 11 stacks")
        .contains("primary us-west-2, secondary us-east-1, account 111111111111");
    // the CDK's CloudFormation validation: no schema failure (F: a value CloudFormation or the
    // service refuses, e.g. a security group description EC2 would reject) and no error (E);
    // best-practice warnings (W) may stay: W3010 is the topology's pinned zones, on purpose
    Path report = cdkOut.resolve("validation-report.json");
    List<String> rules = new java.util.ArrayList<>();
    if (Files.exists(report)) {
      new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(report.toFile())
          .findValues("ruleName")
          .forEach(r -> rules.add(r.asText()));
    }
    assertThat(rules).noneMatch(r -> r.startsWith("F") || r.startsWith("E"));
    assertThat(err.toString()).doesNotContain("is deprecated");
  }

  @Test
  void jsonDescribesEveryStackWrittenAsOneDocument() throws IOException {
    Path cdkOut = dir.resolve("cdk.out");

    int code =
        run(
            "aws",
            "synth",
            "--json",
            "--config",
            ExampleApp.EXAMPLE.toString(),
            "--out",
            cdkOut.toString());

    assertThat(code).as(err.toString()).isZero();
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toString());
    assertThat(json.get("config").asText()).isEqualTo(ExampleApp.EXAMPLE.toString());
    assertThat(json.get("primary").asText()).isEqualTo("us-west-2");
    assertThat(json.get("secondary").asText()).isEqualTo("us-east-1");
    assertThat(json.get("account").asText()).isEqualTo("111111111111");
    assertThat(json.get("stacks")).hasSize(11);
    int resources = 0;
    for (var stack : json.get("stacks")) {
      assertThat(Path.of(stack.get("template").asText())).isRegularFile();
      assertThat(stack.get("region").asText()).matches("[a-z]{2}-[a-z]+-\\d");
      resources += stack.get("resources").asInt();
    }
    assertThat(json.get("resources").asInt()).isEqualTo(resources).isPositive();
    assertThat(json.get("stacks").findValuesAsText("name")).contains("summit-global");
    assertThat(json.get("stacks").findValuesAsText("region")).contains("us-west-2", "us-east-1");
  }

  @Test
  void jsonWithABadContextValueIsBadInputAndPrintsNoJson() {
    int code =
        run(
            "aws",
            "synth",
            "--json",
            "--config",
            ExampleApp.EXAMPLE.toString(),
            "--out",
            dir.resolve("o").toString(),
            "-c",
            "account=12");

    assertThat(code).isEqualTo(AwsMain.BAD_INPUT);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).contains("context account: '12'");
  }

  @Test
  void topologyThatDoesNotMapOntoAwsExitsTwoNamingTheFieldAndWritesNothing() throws IOException {
    Path config = dir.resolve("mars.yaml");
    Files.writeString(config, ExampleApp.exampleText().replace("us-east-1", "mars-east-1"));
    Path cdkOut = dir.resolve("cdk.out");

    int code = run("aws", "synth", "--config", config.toString(), "--out", cdkOut.toString());

    assertThat(code).isEqualTo(AwsMain.BAD_INPUT);
    assertThat(err.toString())
        .contains("regions[1].name: 'mars-east-1' is not an AWS region (expected: ")
        .contains("1 problem; nothing written");
    assertThat(cdkOut).doesNotExist();
  }

  @Test
  void invalidTopologyFileExitsTwoWithItsPosition() throws IOException {
    Path config = dir.resolve("overlap.yaml");
    Files.writeString(config, ExampleApp.exampleText().replace("10.20.0.0/16", "10.10.0.0/17"));

    int code =
        run("aws", "synth", "--config", config.toString(), "--out", dir.resolve("o").toString());

    assertThat(code).isEqualTo(AwsMain.BAD_INPUT);
    assertThat(err.toString()).containsPattern("overlap\\.yaml:\\d+:\\d+: regions\\[1\\]\\.cidr: ");
    assertThat(dir.resolve("o")).doesNotExist();
  }

  @Test
  void badContextValueExitsTwoNamingTheKey() {
    int code =
        run(
            "aws",
            "synth",
            "--config",
            ExampleApp.EXAMPLE.toString(),
            "--out",
            dir.resolve("o").toString(),
            "-c",
            "account=12");

    assertThat(code).isEqualTo(AwsMain.BAD_INPUT);
    assertThat(err.toString())
        .contains("context account: '12' (expected: a 12-digit AWS account id)");
    assertThat(dir.resolve("o")).doesNotExist();
  }

  private int run(String... args) {
    CommandLine cli = AwsMain.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }
}
