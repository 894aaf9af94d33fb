package io.summit.dr.deploy.aws;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.summit.dr.topology.Topology;
import io.summit.dr.topology.TopologyLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awscdk.App;
import software.amazon.awscdk.cxapi.CloudAssembly;
import software.amazon.awscdk.cxapi.CloudFormationStackArtifact;

/**
 * {@code summit-dr aws synth --config FILE --out DIR}: writes the CloudFormation templates of the
 * platform, offline and without credentials. The topology is checked first, both as a topology and
 * as an AWS mapping; with any problem nothing is written. Run by the {@code cdk} CLI ({@code cdk
 * --app "java -jar summit-dr-aws.jar aws synth --config FILE"}), it takes the output directory and
 * context from the CLI ({@code CDK_OUTDIR}, {@code CDK_CONTEXT_JSON}).
 */
@Command(
    name = "synth",
    mixinStandardHelpOptions = true,
    description = {
      "Write the CloudFormation templates of a topology's AWS deployment (offline, no credentials).",
      "Context keys (-c key=value): account, zoneName, hostedZoneId, readHost, writeHost,"
          + " bucketPrefix, nodeInstanceType, podsPerNode."
    })
final class SynthCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--config", required = true, paramLabel = "FILE", description = "Topology file.")
  Path config;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Output directory (cloud assembly); default: $CDK_OUTDIR, set by the cdk CLI.")
  @Nullable Path out;

  @Option(
      names = {"-c", "--context"},
      paramLabel = "KEY=VALUE",
      description = "CDK context value; overrides cdk.json and $CDK_CONTEXT_JSON.")
  Map<String, String> context = new LinkedHashMap<>();

  @Option(
      names = "--json",
      description =
          "Print what was written as one JSON document (stacks with their region, template and"
              + " resource count; the topology's regions and account); the exit code is the same.")
  boolean json;

  private static String text(Path file) {
    try {
      return java.nio.file.Files.readString(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(file + ": cannot read", e);
    }
  }

  @Override
  public Integer call() {
    Topology topology = TopologyLoader.load(config);
    Map<String, String> merged = new LinkedHashMap<>(cliContext());
    merged.putAll(context);
    AwsTopology aws = AwsTopology.of(topology, Settings.fromContext(merged));
    Path outdir = outdir();
    App app = App.Builder.create().outdir(outdir.toString()).context(Map.copyOf(context)).build();
    SummitApp summit = SummitApp.of(app, aws, text(config));
    CloudAssembly assembly = summit.synth();
    PrintWriter stdout = spec.commandLine().getOut();
    List<Stack> stacks = new ArrayList<>();
    for (var built : summit.stacks()) {
      CloudFormationStackArtifact stack = assembly.getStackArtifact(built.getArtifactId());
      stacks.add(
          new Stack(
              stack.getStackName(),
              stack.getEnvironment().getRegion(),
              stack.getTemplateFullPath(),
              resourceCount(stack)));
    }
    int resources = stacks.stream().mapToInt(Stack::resources).sum();
    if (json) {
      stdout.println(
          Report.text(
              new Report(
                  config.toString(),
                  assembly.getDirectory(),
                  aws.name(),
                  aws.primary().name(),
                  aws.secondary().name(),
                  aws.settings().account(),
                  resources,
                  stacks)));
      stdout.flush();
      return 0;
    }
    for (Stack s : stacks) {
      stdout.printf(
          "wrote %s (%s, %s, %d resources)%n", s.template(), s.name(), s.region(), s.resources());
    }
    stdout.printf(
        "synthesised %d stacks, %d resources, for topology '%s' (primary %s, secondary %s,"
            + " account %s) into %s%n",
        assembly.getStacks().size(),
        resources,
        aws.name(),
        aws.primary().name(),
        aws.secondary().name(),
        aws.settings().account(),
        assembly.getDirectory());
    return 0;
  }

  /**
   * What {@code aws synth --json} prints: the topology file, the cloud assembly's directory, the
   * topology's name, regions and account, the resources in all, and each stack written.
   */
  record Report(
      String config,
      String out,
      String topology,
      String primary,
      String secondary,
      String account,
      int resources,
      List<Stack> stacks) {
    private static final ObjectMapper JSON =
        new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    static String text(Report r) {
      try {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  /** One stack: its name, region, template file and resource count. */
  record Stack(String name, String region, String template, int resources) {}

  private Path outdir() {
    if (out != null) {
      return out;
    }
    String fromCli = System.getenv("CDK_OUTDIR");
    if (fromCli == null || fromCli.isBlank()) {
      throw new IllegalArgumentException(
          "--out: missing (expected: a directory, or $CDK_OUTDIR as the cdk CLI sets it)");
    }
    return Path.of(fromCli);
  }

  /** Context the cdk CLI passes in {@code $CDK_CONTEXT_JSON} (cdk.json, -c), as strings. */
  private static Map<String, String> cliContext() {
    String json = System.getenv("CDK_CONTEXT_JSON");
    Map<String, String> out = new LinkedHashMap<>();
    if (json == null || json.isBlank()) {
      return out;
    }
    try {
      Map<String, Object> values =
          new ObjectMapper().readValue(json, new TypeReference<Map<String, Object>>() {});
      values.forEach((k, v) -> out.put(k, String.valueOf(v)));
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(
          "CDK_CONTEXT_JSON: not a JSON object (expected: the context the cdk CLI passes)", e);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static int resourceCount(CloudFormationStackArtifact stack) {
    Object template = stack.getTemplate();
    if (template instanceof Map<?, ?> map && map.get("Resources") instanceof Map<?, ?> resources) {
      return resources.size();
    }
    return 0;
  }
}
