package io.summit.dr.deploy.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.summit.dr.deploy.k8s.KubernetesManifests.RegionManifests;
import io.summit.dr.topology.Topology;
import io.summit.dr.topology.TopologyLoader;
import java.nio.file.Path;
import java.util.List;

/** The example topology ({@code examples/summit.yaml}) and its rendering with the defaults. */
final class Example {
  static final Path FILE = Path.of("../../examples/summit.yaml");

  private Example() {}

  static Topology topology() {
    return TopologyLoader.load(FILE);
  }

  static List<RegionManifests> render() {
    return KubernetesManifests.render(topology(), RenderOptions.defaults());
  }

  static RegionManifests region(String name) {
    return render().stream().filter(r -> r.region().equals(name)).findFirst().orElseThrow();
  }

  static <T extends HasMetadata> T find(String region, Class<T> type, String name) {
    return region(region).resources().stream()
        .filter(type::isInstance)
        .map(type::cast)
        .filter(r -> r.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError(region + ": no " + type.getSimpleName() + " " + name));
  }
}
