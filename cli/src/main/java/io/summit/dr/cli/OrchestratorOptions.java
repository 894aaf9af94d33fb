package io.summit.dr.cli;

import io.summit.dr.access.BearerToken;
import io.summit.dr.lab.Lab;
import io.summit.dr.lab.LabAccess;
import io.summit.dr.lab.LabComponent;
import io.summit.dr.orchestrator.client.ControlApiException;
import io.summit.dr.orchestrator.client.ControlClient;
import io.summit.dr.orchestrator.client.ControlClientException;
import io.summit.dr.orchestrator.client.NoReplicaReachableException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The options every orchestrator command shares, {@code --dir} or {@code --url}, and the client
 * they give: one that knows every orchestrator replica and finds the leader among them.
 */
final class OrchestratorOptions {
  @Option(
      names = "--dir",
      paramLabel = "DIR",
      defaultValue = ".lab",
      description = "The lab whose orchestrator replicas to talk to (default: ${DEFAULT-VALUE}).")
  Path dir = Path.of(".lab");

  @Option(
      names = "--url",
      paramLabel = "URL[,URL...]",
      description =
          "The orchestrator replicas' APIs, comma-separated, e.g."
              + " https://127.0.0.1:26910,https://127.0.0.1:26911 (instead of --dir); the leader"
              + " is found among them.")
  @Nullable String url;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "The bearer token (a file of mode 0600) sent to the orchestrator: a viewer's to read, an"
              + " operator's to start or approve a plan. Default with --dir: the lab's"
              + " access/lab-operator.token, when the lab has one.")
  @Nullable Path tokenFile;

  @Option(
      names = "--ca-file",
      paramLabel = "FILE",
      description =
          "The certificate authority (PEM) to trust for https:// replicas, instead of the JDK's."
              + " Default with --dir: the lab's tls/ca.crt.")
  @Nullable Path caFile;

  /** A client of the replicas named by {@code --url} or recorded in the lab; close it after use. */
  ControlClient client() {
    return ControlClient.of(
        replicas(),
        new ControlClient.Settings(Duration.ofSeconds(2), Duration.ofSeconds(30)),
        token(),
        trust());
  }

  private javax.net.ssl.@Nullable SSLContext trust() {
    if (caFile != null) {
      return io.summit.dr.access.Tls.trusting(caFile);
    }
    return url != null ? null : io.summit.dr.lab.LabTls.trust(dir);
  }

  private @Nullable BearerToken token() {
    if (tokenFile != null) {
      return BearerToken.read("--token-file", tokenFile);
    }
    return url != null ? null : LabAccess.token(dir, LabAccess.OPERATOR);
  }

  /**
   * What the CLI makes of a failed request: a refusal (4xx) is bad input, reported with the
   * orchestrator's message (it names the field); no replica answering asks whether the lab is up.
   */
  static RuntimeException translated(ControlClientException e) {
    if (e instanceof ControlApiException api && (api.status() == 401 || api.status() == 403)) {
      return new IllegalArgumentException(
          api.error()
              + (api.status() == 401
                  ? " (give --token-file FILE, or --dir of a lab that has access/)"
                  : " (give --token-file of a caller with that role)"),
          e);
    }
    if (e instanceof ControlApiException api && api.refused()) {
      return new IllegalArgumentException(api.error(), e);
    }
    if (e instanceof NoReplicaReachableException) {
      return new IllegalStateException(e.getMessage() + "; is the lab up?", e);
    }
    return e;
  }

  List<URI> replicas() {
    return url != null ? parse(url) : fromLab();
  }

  private static List<URI> parse(String list) {
    List<URI> out = new ArrayList<>();
    for (String item : list.split(",", -1)) {
      out.add(parseOne(item.strip()));
    }
    return out;
  }

  private static URI parseOne(String item) {
    String message =
        "--url: '"
            + item
            + "' (expected: https://HOST:PORT or http://HOST:PORT, several separated by commas)";
    URI u;
    try {
      u = URI.create(item);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(message, e);
    }
    if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
      throw new IllegalArgumentException(message);
    }
    return u;
  }

  private List<URI> fromLab() {
    List<URI> out =
        Lab.at(dir).requireState().components().stream()
            .filter(c -> c.kind().equals("orchestrator"))
            .map(OrchestratorOptions::uri)
            .toList();
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "--dir: the lab in "
              + dir
              + " runs no orchestrator (expected: a lab started by this version, or --url)");
    }
    return out;
  }

  private static URI uri(LabComponent c) {
    return io.summit.dr.lab.LabTls.base(c);
  }
}
