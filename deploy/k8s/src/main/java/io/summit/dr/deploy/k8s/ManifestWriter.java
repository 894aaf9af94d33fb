package io.summit.dr.deploy.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.summit.dr.deploy.k8s.KubernetesManifests.RegionManifests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes rendered manifests as Kustomize bases: {@code DIR/<region>/kustomization.yaml}, one YAML
 * file per resource ({@code <kind>-<name>.yaml}) and {@code topology.yaml}, the topology every
 * container reads, turned into the ConfigMap {@value #TOPOLOGY_CONFIG_MAP} by Kustomize's generator
 * (its name gets a content hash, so a changed topology rolls the pods). {@code kubectl apply -k
 * DIR/<region>} applies a region.
 */
public final class ManifestWriter {
  /** The ConfigMap (before Kustomize's hash suffix) that holds the topology. */
  public static final String TOPOLOGY_CONFIG_MAP = "summit-topology";

  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  private ManifestWriter() {}

  /** One written region: its folder and the files it holds. */
  public record Written(String region, Path dir, List<Path> files) {
    public Written {
      files = List.copyOf(files);
    }
  }

  /**
   * Writes every region under {@code out} (created when missing; files of the same names are
   * replaced).
   *
   * @param topologyYaml the topology file's text, shipped to the containers
   * @throws IOException when a file cannot be written
   */
  public static List<Written> write(
      List<RegionManifests> regions, String namespace, String topologyYaml, Path out)
      throws IOException {
    List<Written> written = new ArrayList<>();
    for (RegionManifests r : regions) {
      written.add(writeRegion(r, namespace, topologyYaml, out.resolve(r.region())));
    }
    return written;
  }

  private static Written writeRegion(
      RegionManifests r, String namespace, String topologyYaml, Path dir) throws IOException {
    Files.createDirectories(dir);
    List<Path> files = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (HasMetadata resource : r.resources()) {
      String name = fileName(resource);
      names.add(name);
      files.add(write(dir.resolve(name), YAML.asYaml(resource)));
    }
    files.add(write(dir.resolve("topology.yaml"), topologyYaml));
    files.add(
        write(dir.resolve("kustomization.yaml"), kustomization(r.region(), namespace, names)));
    return new Written(r.region(), dir, files);
  }

  /** {@code deployment-api-server.yaml}: unique per region, since names are unique per kind. */
  static String fileName(HasMetadata resource) {
    return resource.getKind().toLowerCase(Locale.ROOT)
        + "-"
        + resource.getMetadata().getName()
        + ".yaml";
  }

  static String kustomization(String region, String namespace, List<String> resources) {
    StringBuilder y = new StringBuilder();
    y.append("# Rendered by `summit-dr k8s render` for region ").append(region).append(".\n");
    y.append("# Apply with: kubectl apply -k .\n");
    y.append("apiVersion: kustomize.config.k8s.io/v1beta1\n");
    y.append("kind: Kustomization\n");
    y.append("namespace: ").append(namespace).append('\n');
    y.append("resources:\n");
    resources.forEach(name -> y.append("  - ").append(name).append('\n'));
    y.append("configMapGenerator:\n");
    y.append("  - name: ").append(TOPOLOGY_CONFIG_MAP).append('\n');
    y.append("    files:\n");
    y.append("      - topology.yaml\n");
    return y.toString();
  }

  private static Path write(Path file, String text) throws IOException {
    return Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
