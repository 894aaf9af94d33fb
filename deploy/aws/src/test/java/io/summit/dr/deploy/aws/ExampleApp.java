package io.summit.dr.deploy.aws;

import io.summit.dr.topology.Topology;
import io.summit.dr.topology.TopologyLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;

/**
 * The example topology ({@code examples/summit.yaml}) built into a CDK app once per test JVM, with
 * each stack's template: synthesis runs node through jsii and takes seconds, so the assertion tests
 * share it.
 */
final class ExampleApp {
  static final Path EXAMPLE = Path.of("../../examples/summit.yaml");

  private static @Nullable ExampleApp instance;

  final AwsTopology aws;
  final SummitApp app;
  final Template primary;
  final Template secondary;
  final Template replicas;
  final Template global;

  private ExampleApp() {
    this(example(), exampleText());
  }

  private ExampleApp(Topology topology, String text) {
    aws = AwsTopology.of(topology, Settings.defaults());
    try {
      Path out = Files.createTempDirectory("summit-cdk-test");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(out)));
      app = SummitApp.of(App.Builder.create().outdir(out.toString()).build(), aws, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    primary = Template.fromStack(app.primary());
    secondary = Template.fromStack(app.secondary());
    replicas = Template.fromStack(app.replicas());
    global = Template.fromStack(app.global());
  }

  private static void delete(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary directory is harmless
    }
  }

  static synchronized ExampleApp get() {
    ExampleApp app = instance;
    if (app == null) {
      app = new ExampleApp();
      instance = app;
    }
    return app;
  }

  /** Another topology's app, built anew (seconds): for what the example cannot show. */
  static ExampleApp of(String fileName, String text) {
    return new ExampleApp(TopologyLoader.parse(fileName, text), text);
  }

  static Topology example() {
    return TopologyLoader.load(EXAMPLE);
  }

  static String exampleText() {
    try {
      return Files.readString(EXAMPLE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
