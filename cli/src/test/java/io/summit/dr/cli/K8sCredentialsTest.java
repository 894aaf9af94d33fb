package io.summit.dr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.summit.dr.access.Tls;
import io.summit.dr.agent.AgentMain;
import io.summit.dr.deploy.k8s.KubernetesManifests;
import io.summit.dr.deploy.k8s.RenderOptions;
import io.summit.dr.orchestrator.OrchestratorMain;
import io.summit.dr.router.Router;
import io.summit.dr.router.RouterCommand;
import io.summit.dr.topology.TopologyLoader;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The control APIs in Kubernetes: {@code k8s credentials} writes what the Secrets hold, and the
 * rendered manifests' containers, given those files where the Secrets are mounted, are accepted by
 * the real daemons; the router's admin API then answers over TLS under its Service's name.
 */
class K8sCredentialsTest {
  private static final String TOPOLOGY = "../examples/summit.yaml";
  private static final String REGION = "us-west-2";

  @TempDir Path dir;

  @Test
  void credentialsAreOwnerOnlyFilesAndTheCommandPrintsTheKubectlCommands() throws Exception {
    CliRun run = CliRun.of("k8s", "credentials", "--config", TOPOLOGY, "--out", dir.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("kubectl -n summit create secret generic summit-dr-tls --type=kubernetes.io/tls")
        .contains("kubectl -n summit create secret generic summit-dr-access")
        .contains(
            "the Services router-api-server, router-web-client, orchestrator, agent, each as");
    for (String f :
        List.of(
            "tls/ca.crt",
            "tls/server.crt",
            "tls/server.key",
            "access/access-list",
            "access/orchestrator.token",
            "access/operator.token",
            "access/prometheus.token")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f))))
          .as(f)
          .isEqualTo("rw-------");
    }
    String token = Files.readString(dir.resolve("access/orchestrator.token"));
    // A second run keeps what is there.
    assertThat(
            CliRun.of("k8s", "credentials", "--config", TOPOLOGY, "--out", dir.toString())
                .exitCode())
        .isZero();
    assertThat(Files.readString(dir.resolve("access/orchestrator.token"))).isEqualTo(token);
  }

  @Test
  void aBadNamespaceOrOutIsRefusedNamingTheOptionAndWritesNothing() throws Exception {
    Path out = dir.resolve("creds");
    CliRun bad =
        CliRun.of(
            "k8s",
            "credentials",
            "--config",
            TOPOLOGY,
            "--out",
            out.toString(),
            "--namespace",
            "Not_A_Label");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("namespace: 'Not_A_Label' (expected: a DNS label");
    assertThat(out).doesNotExist();

    Path file = Files.writeString(dir.resolve("file"), "x");
    CliRun onFile = CliRun.of("k8s", "credentials", "--config", TOPOLOGY, "--out", file.toString());
    assertThat(onFile.exitCode()).isEqualTo(2);
    assertThat(onFile.err()).contains("--out: " + file + " is a file");
  }

  @Test
  void theRenderedControlContainersRunWithTheCredentialsAndTheRouterAnswersUnderItsName()
      throws Exception {
    assertThat(
            CliRun.of("k8s", "credentials", "--config", TOPOLOGY, "--out", dir.toString())
                .exitCode())
        .isZero();

    // The orchestrator's arguments: the CLI's own parser, its files read.
    List<String> orchestrator = mounted(args("orchestrator"));
    assertThat(orchestrator.get(0)).isEqualTo("orchestrator");
    OrchestratorCommand command = new OrchestratorCommand();
    new CommandLine(command)
        .parseArgs(orchestrator.subList(1, orchestrator.size()).toArray(new String[0]));
    OrchestratorMain.Options options = command.options();
    assertThat(options.access()).isPresent();
    assertThat(options.token()).isPresent();
    assertThat(options.tls()).isNotNull();
    assertThat(options.trust()).isNotNull();

    // The agent's: its own parser, which reads "--flag value" pairs only.
    AgentMain.Options agent = AgentMain.parse(mounted(args("agent")).toArray(new String[0]));
    assertThat(agent.access()).isPresent();
    assertThat(agent.tls()).isPresent();

    // The router's: started, its admin API on a free port.
    List<String> router = mounted(args("router-api-server"));
    assertThat(router.get(0)).isEqualTo("router");
    RouterCommand routerCommand = new RouterCommand();
    new CommandLine(routerCommand)
        .parseArgs(router.subList(1, router.size()).toArray(new String[0]));
    try (Router running = routerCommand.start()) {
      InetSocketAddress admin = running.adminAddress();
      SSLContext trust = Tls.trusting(dir.resolve("tls/ca.crt"));
      String token = Files.readString(dir.resolve("access/orchestrator.token")).strip();
      String service = "router-api-server.summit.svc";

      assertThat(get(trust, admin, service, "/v1/routing", token)).startsWith("HTTP/1.1 200");
      assertThat(get(trust, admin, service, "/v1/routing", null)).startsWith("HTTP/1.1 401");
      // The certificate names the Services, not some other host.
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> get(trust, admin, "elsewhere.example", "/healthz", null))
          .isInstanceOf(SSLHandshakeException.class);
    }
  }

  /** The container arguments of {@code deployment} in the example's us-west-2. */
  private static List<String> args(String deployment) {
    return KubernetesManifests.render(
            TopologyLoader.load(Path.of(TOPOLOGY)), RenderOptions.defaults())
        .stream()
        .filter(r -> r.region().equals(REGION))
        .flatMap(r -> r.resources().stream())
        .filter(Deployment.class::isInstance)
        .map(Deployment.class::cast)
        .filter(d -> d.getMetadata().getName().equals(deployment))
        .findFirst()
        .orElseThrow()
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getArgs();
  }

  /**
   * {@code args} as the pod sees them: the Secrets' files where {@code k8s credentials} wrote them,
   * the ConfigMap's topology, the namespace expanded, and free loopback ports to listen on.
   */
  private List<String> mounted(List<String> args) throws Exception {
    List<String> out = new ArrayList<>();
    for (String a : args) {
      String m =
          a.replace("/etc/summit-dr/tls/tls.crt", dir.resolve("tls/server.crt").toString())
              .replace("/etc/summit-dr/tls/tls.key", dir.resolve("tls/server.key").toString())
              .replace("/etc/summit-dr/tls/ca.crt", dir.resolve("tls/ca.crt").toString())
              .replace("/etc/summit-dr/access/", dir.resolve("access") + "/")
              .replace("/etc/summit/topology.yaml", TOPOLOGY)
              .replace("$(POD_NAMESPACE)", "summit");
      if (m.contains("0.0.0.0:")) {
        m = m.replaceAll("0\\.0\\.0\\.0:\\d+", "127.0.0.1:" + freePort());
      }
      out.add(m);
    }
    return out;
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** One GET over TLS to {@code address}, its certificate checked against {@code host}. */
  private static String get(
      SSLContext trust,
      InetSocketAddress address,
      String host,
      String path,
      @org.jspecify.annotations.Nullable String token)
      throws Exception {
    Socket plain = new Socket();
    plain.connect(address, 5000);
    plain.setSoTimeout(5000);
    try (SSLSocket s =
        (SSLSocket) trust.getSocketFactory().createSocket(plain, host, address.getPort(), true)) {
      SSLParameters p = s.getSSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      s.setSSLParameters(p);
      s.startHandshake();
      OutputStream o = s.getOutputStream();
      o.write(
          ("GET "
                  + path
                  + " HTTP/1.1\r\nHost: "
                  + host
                  + "\r\n"
                  + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                  + "Connection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      o.flush();
      return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
          .readLine();
    }
  }
}
