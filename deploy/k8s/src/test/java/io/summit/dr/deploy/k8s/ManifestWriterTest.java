package io.summit.dr.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The files as written: valid against Kubernetes' schema, and a Kustomize base kubectl builds. */
class ManifestWriterTest {
  private static final ObjectMapper YAML = new YAMLMapper();
  private final KubernetesSchemas schemas = new KubernetesSchemas();

  @TempDir Path out;

  @Test
  void everyWrittenResourceIsValidAgainstThePinnedKubernetesSchema() throws IOException {
    List<ManifestWriter.Written> written = write();
    List<String> problems = new ArrayList<>();
    int documents = 0;
    for (ManifestWriter.Written region : written) {
      for (Path file : resources(region.dir())) {
        JsonNode doc = YAML.readTree(Files.readString(file));
        schemas
            .validate(doc)
            .forEach(e -> problems.add(file.getFileName() + ": " + e.getMessage()));
        documents++;
      }
    }
    assertThat(problems).isEmpty();
    assertThat(written)
        .extracting(ManifestWriter.Written::region)
        .containsExactly("us-west-2", "us-east-1");
    assertThat(documents)
        .isEqualTo(Example.render().stream().mapToInt(r -> r.resources().size()).sum());
  }

  @Test
  void theSchemaCatchesAnUnknownFieldAndAWrongType() throws IOException {
    write();
    Path file = out.resolve("us-east-1/deployment-api-server.yaml");
    String text =
        Files.readString(file)
            .replace("replicas: 1", "replicas: one")
            .replace("revisionHistoryLimit:", "revisionHistory:");
    assertThat(schemas.validate(YAML.readTree(text))).hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  void kubectlKustomizeBuildsEveryRegion() throws Exception {
    for (ManifestWriter.Written region : write()) {
      Process p =
          new ProcessBuilder("kubectl", "kustomize", region.dir().toString())
              .redirectErrorStream(true)
              .start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(region.region() + ": kubectl kustomize: " + output).isZero();
      // The generated ConfigMap carries a content hash and the Deployments follow its new name.
      assertThat(output)
          .containsPattern("name: summit-topology-[a-z0-9]{10}")
          .contains("kind: HorizontalPodAutoscaler", "namespace: summit")
          .doesNotContain("name: summit-topology\n");
    }
  }

  @Test
  void kustomizationListsEveryResourceFileAndTheTopology() throws IOException {
    ManifestWriter.Written region = write().get(1);
    String k = Files.readString(region.dir().resolve("kustomization.yaml"));
    for (Path file : resources(region.dir())) {
      assertThat(k).contains("  - " + file.getFileName() + "\n");
    }
    assertThat(k).contains("namespace: summit", "      - topology.yaml");
    assertThat(Files.readString(region.dir().resolve("topology.yaml")))
        .isEqualTo(Files.readString(Example.FILE));
  }

  private List<ManifestWriter.Written> write() throws IOException {
    return ManifestWriter.write(Example.render(), "summit", Files.readString(Example.FILE), out);
  }

  private static List<Path> resources(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> !f.getFileName().toString().equals("kustomization.yaml"))
          .filter(f -> !f.getFileName().toString().equals("topology.yaml"))
          .sorted()
          .toList();
    }
  }
}
