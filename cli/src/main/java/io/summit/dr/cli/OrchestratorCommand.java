package io.summit.dr.cli;

import io.summit.dr.access.Tls;
import io.summit.dr.lab.control.LabOrchestratorMain;
import io.summit.dr.orchestrator.OrchestratorMain;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.topology.Topology;
import io.summit.dr.topology.TopologyLoader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code summit-dr orchestrator}: runs the orchestrator in the foreground (the lab starts one
 * itself).
 */
@Command(
    name = "orchestrator",
    mixinStandardHelpOptions = true,
    description = "Run the orchestrator: failure detection, plans, discovery and its HTTP API.")
final class OrchestratorCommand implements Callable<Integer> {
  @Option(names = "--config", required = true, paramLabel = "FILE", description = "The topology.")
  Path config = Path.of("examples/lab.yaml");

  @Option(
      names = "--lab-dir",
      defaultValue = ".lab",
      paramLabel = "DIR",
      description = "The lab whose stores it supervises (default: ${DEFAULT-VALUE}).")
  Path labDir = Path.of(".lab");

  @Option(
      names = "--listen",
      required = true,
      paramLabel = "HOST:PORT",
      description = "Where the API listens.")
  String listen = "";

  @Option(
      names = "--router-admin",
      paramLabel = "URL",
      description =
          "The edge router's admin API, to set its writer region: https://HOST:PORT (trusting"
              + " --ca-file), or http://HOST:PORT or HOST:PORT for one without TLS.")
  @Nullable String routerAdmin;

  @Option(
      names = "--router",
      paramLabel = "HOST:PORT",
      description =
          "The edge router's proxy address: the verify step writes through it (POST /entities)"
              + " when the new writer region runs the service.")
  @Nullable String router;

  @Option(
      names = "--observer",
      paramLabel = "REGION=URL",
      description =
          "A region's failure observer (repeatable): https://HOST:PORT (trusting --ca-file), or"
              + " http://HOST:PORT or HOST:PORT for one without TLS.")
  Map<String, String> observers = new LinkedHashMap<>();

  @Option(
      names = "--api-token-file",
      paramLabel = "FILE",
      description =
          "A file (mode 0600) holding the bearer token every POST to the API must carry"
              + " (Authorization: Bearer ...): the AWS alarm hook's. Without it the API takes"
              + " requests from anyone who can reach it.")
  @Nullable Path apiTokenFile;

  @Option(
      names = "--access-file",
      paramLabel = "FILE",
      description =
          "The access list (mode 0600; lines of NAME ROLE sha256:HEX, as `lab up` writes to"
              + " .lab/access/access-list): every request but GET /healthz then needs a listed"
              + " caller's bearer token, a viewer's to read, an operator's to start or approve a"
              + " plan.")
  @Nullable Path accessFile;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "This orchestrator's own token (mode 0600), sent to the router's admin API and the"
              + " observers when they require one.")
  @Nullable Path tokenFile;

  @Option(
      names = "--ca-file",
      paramLabel = "FILE",
      description =
          "The certificate authority (PEM) this orchestrator trusts when it calls an https://"
              + " router admin API or observer, e.g. a lab's .lab/tls/ca.crt (default: the JDK's).")
  @Nullable Path caFile;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      description =
          "The API's certificate chain (PEM, its own certificate first), e.g. a lab's"
              + " .lab/tls/server.crt: the API then listens with HTTPS only. With --tls-key.")
  @Nullable Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      description = "The certificate's private key (PKCS#8 PEM, mode 0600). With --tls-cert.")
  @Nullable Path tlsKey;

  @Override
  public Integer call() throws Exception {
    OrchestratorMain.Options options = options();
    Topology topology = TopologyLoader.load(config);
    OrchestratorMain.Environment lab = LabOrchestratorMain.environment(options, topology);
    OrchestratorMain.run(options, topology, lab);
    new CountDownLatch(1).await();
    return 0;
  }

  /**
   * The parsed options, their files read.
   *
   * @throws IllegalArgumentException naming the option whose value or file is bad
   */
  OrchestratorMain.Options options() {
    Map<String, java.net.URI> obs = new LinkedHashMap<>();
    observers.forEach((r, a) -> obs.put(r, Tls.url("--observer", a)));
    OrchestratorMain.Options options =
        new OrchestratorMain.Options(
            config,
            labDir.resolve("orchestrator"),
            endpoint("--listen", listen),
            routerAdmin == null ? null : Tls.url("--router-admin", routerAdmin),
            router == null ? null : endpoint("--router", router),
            obs);
    options =
        options
            .withApiTokenFile(apiTokenFile)
            .withAccess(accessFile, tokenFile)
            .withTls(tlsCert, tlsKey)
            .withCaFile(caFile);
    options.access(); // a bad file is refused now, naming its option
    options.token();
    options.tls();
    options.trust();
    return options;
  }

  private static Endpoint endpoint(String option, String text) {
    try {
      return Endpoint.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
    }
  }
}
