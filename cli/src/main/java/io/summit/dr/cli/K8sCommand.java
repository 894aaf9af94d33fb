package io.summit.dr.cli;

import io.summit.dr.deploy.k8s.KubernetesManifests;
import io.summit.dr.deploy.k8s.ManifestWriter;
import io.summit.dr.deploy.k8s.RenderOptions;
import io.summit.dr.topology.Topology;
import io.summit.dr.topology.TopologyLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code summit-dr k8s render --config FILE --out DIR}: Kubernetes manifests per region. */
@Command(
    name = "k8s",
    mixinStandardHelpOptions = true,
    description = "Kubernetes deployment of the topology.",
    subcommands = {K8sCommand.Render.class})
final class K8sCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "k8s: missing subcommand (expected: render)");
  }

  @Command(
      name = "render",
      mixinStandardHelpOptions = true,
      description = {
        "Write a Kustomize base per region: DIR/<region>/kustomization.yaml, one file per resource"
            + " and the topology. Apply a region with: kubectl apply -k DIR/<region>"
      })
  static final class Render implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The topology.")
    Path config;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Option(
        names = "--namespace",
        defaultValue = "summit",
        description = "Namespace of every resource (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Option(
        names = "--registry",
        defaultValue = "summit",
        description = "Image repository prefix (default: ${DEFAULT-VALUE}).")
    String registry;

    @Option(
        names = "--tag",
        defaultValue = "0.1.0",
        description = "Image tag (default: ${DEFAULT-VALUE}).")
    String tag;

    @CommandLine.Mixin JsonOption json = new JsonOption();

    @Override
    public Integer call() throws IOException {
      if (Files.exists(out) && !Files.isDirectory(out)) {
        throw new IllegalArgumentException(
            "--out: " + out + " is a file (expected: a folder, created when missing)");
      }
      RenderOptions options = new RenderOptions(namespace, registry, tag);
      long start = System.nanoTime();
      Topology topology = TopologyLoader.load(config);
      List<KubernetesManifests.RegionManifests> regions =
          KubernetesManifests.render(topology, options);
      List<ManifestWriter.Written> written =
          ManifestWriter.write(regions, namespace, Files.readString(config), out);
      long millis = (System.nanoTime() - start) / 1_000_000;
      if (json.enabled) {
        JsonOption.print(spec, Report.of(config, out, options, regions, written, millis));
        return 0;
      }
      for (int i = 0; i < regions.size(); i++) {
        spec.commandLine()
            .getOut()
            .printf(
                "%s: %d resources in %s%n",
                regions.get(i).region(), regions.get(i).resources().size(), written.get(i).dir());
      }
      spec.commandLine().getOut().printf("rendered in %d ms%n", millis);
      return 0;
    }

    /**
     * What {@code k8s render --json} prints: the topology, the output folder, the render options,
     * the milliseconds it took, and per region the number of resources, its folder and the files
     * written in it.
     */
    record Report(
        Path config,
        Path out,
        String namespace,
        String registry,
        String tag,
        long millis,
        List<Region> regions) {
      static Report of(
          Path config,
          Path out,
          RenderOptions options,
          List<KubernetesManifests.RegionManifests> regions,
          List<ManifestWriter.Written> written,
          long millis) {
        List<Region> each = new java.util.ArrayList<>();
        for (int i = 0; i < regions.size(); i++) {
          ManifestWriter.Written w = written.get(i);
          each.add(new Region(w.region(), regions.get(i).resources().size(), w.dir(), w.files()));
        }
        return new Report(
            config,
            out,
            options.namespace(),
            options.registry(),
            options.tag(),
            millis,
            List.copyOf(each));
      }
    }

    /** One region's Kustomize base: its resources, folder and files. */
    record Region(String region, int resources, Path dir, List<Path> files) {}
  }
}
