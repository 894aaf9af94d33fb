package io.summit.dr.cli;

import io.summit.dr.deploy.k8s.ControlCredentials;
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

/**
 * {@code summit-dr k8s render --config FILE --out DIR}: Kubernetes manifests per region; {@code
 * summit-dr k8s credentials --config FILE --out DIR}: the control APIs' certificates and tokens the
 * manifests mount as Secrets.
 */
@Command(
    name = "k8s",
    mixinStandardHelpOptions = true,
    description = "Kubernetes deployment of the topology.",
    subcommands = {K8sCommand.Render.class, K8sCommand.Credentials.class})
final class K8sCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Refuses an {@code --out} that is a file. */
  static void requireFolder(Path out) {
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new IllegalArgumentException(
          "--out: " + out + " is a file (expected: a folder, created when missing)");
    }
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "k8s: missing subcommand (expected: render or credentials)");
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
      requireFolder(out);
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

  @Command(
      name = "credentials",
      mixinStandardHelpOptions = true,
      description = {
        "Write the control APIs' credentials for the rendered manifests: a certificate authority"
            + " and a server certificate naming every control Service (DIR/tls), and a token per"
            + " caller with the access list naming them (DIR/access), every file mode 0600. Kept"
            + " when present (a certificate is renewed when it no longer names every Service or"
            + " nears its end). Prints the kubectl commands that create the Secrets "
            + ControlCredentials.TLS_SECRET
            + " and "
            + ControlCredentials.ACCESS_SECRET
            + " the manifests mount; run them in each region's cluster."
      })
  static final class Credentials implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The topology.")
    Path config;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "DIR",
        description = "Output folder (mode 0700), kept out of version control.")
    Path out;

    @Option(
        names = "--namespace",
        defaultValue = "summit",
        description = "Namespace the Services run in (default: ${DEFAULT-VALUE}).")
    String namespace;

    @CommandLine.Mixin JsonOption json = new JsonOption();

    @Override
    public Integer call() {
      requireFolder(out);
      RenderOptions options =
          new RenderOptions(
              namespace, RenderOptions.defaults().registry(), RenderOptions.defaults().tag());
      Topology topology = TopologyLoader.load(config);
      ControlCredentials.Written written = ControlCredentials.create(topology, options, out);
      List<String> kubectl = written.kubectl(namespace);
      if (json.enabled) {
        JsonOption.print(
            spec,
            new Report(
                config,
                written.tlsDir(),
                written.accessDir(),
                namespace,
                written.hosts(),
                kubectl));
        return 0;
      }
      var o = spec.commandLine().getOut();
      o.printf(
          "tls: %s (an authority and a certificate for the Services %s, each as NAME, NAME.%s,"
              + " NAME.%s.svc and NAME.%s.svc.cluster.local)%n",
          written.tlsDir(), String.join(", ", written.services()), namespace, namespace, namespace);
      o.printf(
          "access: %s (tokens of %s; hand out operator.token and viewer.token, give Prometheus"
              + " prometheus.token)%n",
          written.accessDir(),
          ControlCredentials.CALLERS.stream()
              .map(io.summit.dr.access.Principal::name)
              .collect(java.util.stream.Collectors.joining(", ")));
      o.println("create the Secrets in each region's cluster:");
      kubectl.forEach(k -> o.println("  " + k));
      return 0;
    }

    /**
     * What {@code k8s credentials --json} prints: the topology, the two folders, the namespace, the
     * names the certificate covers and the kubectl commands.
     */
    record Report(
        Path config,
        Path tlsDir,
        Path accessDir,
        String namespace,
        List<String> hosts,
        List<String> kubectl) {}
  }
}
