package io.summit.dr.deploy.k8s;

import io.summit.dr.access.AccessDirectory;
import io.summit.dr.access.CertificateAuthority;
import io.summit.dr.access.Principal;
import io.summit.dr.access.Role;
import io.summit.dr.access.Tls;
import io.summit.dr.topology.Region;
import io.summit.dr.topology.Topology;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The control APIs' credentials in Kubernetes: every control component (the orchestrator, the
 * regional routers' admin API, the agent) listens with HTTPS only and checks an access list, as in
 * the lab. The manifests mount two Secrets the manifests do not hold (secret material has no place
 * in a Kustomize base kept in git):
 *
 * <ul>
 *   <li>{@value #TLS_SECRET}: {@code tls.crt}, {@code tls.key} and {@code ca.crt}, the layout of a
 *       {@code kubernetes.io/tls} Secret as cert-manager writes it; the certificate must name every
 *       control Service ({@link #hosts});
 *   <li>{@value #ACCESS_SECRET}: {@code access-list} (names, roles and token hashes) and {@code
 *       orchestrator.token}, the token the orchestrator presents to the routers and agents.
 * </ul>
 *
 * {@link #create} writes both (a certificate authority of its own, like {@code lab up}'s, and a
 * token per caller) into a local folder for {@code kubectl create secret}. The Secrets are mounted
 * with mode 0440 into pods whose {@code fsGroup} may read them: files owned by root and readable by
 * the pod's group, which the daemons accept as they accept PostgreSQL's rule for key files.
 */
public final class ControlCredentials {
  public static final String TLS_SECRET = "summit-dr-tls";
  public static final String ACCESS_SECRET = "summit-dr-access";
  static final String TLS_DIR = "/etc/summit-dr/tls";
  static final String ACCESS_DIR = "/etc/summit-dr/access";
  static final String ACCESS_LIST = AccessDirectory.ACCESS_LIST;
  static final String ORCHESTRATOR = "orchestrator";
  static final String ORCHESTRATOR_TOKEN = ORCHESTRATOR + ".token";

  /**
   * Who may call the control APIs: the orchestrator (operator: it moves the routers' writer and
   * reads the agents), an operator and a viewer for people and their tools, an admin for token
   * changes, and Prometheus (viewer, for {@code /metrics}).
   */
  public static final List<Principal> CALLERS =
      List.of(
          new Principal(ORCHESTRATOR, Role.OPERATOR),
          new Principal("admin", Role.ADMIN),
          new Principal("operator", Role.OPERATOR),
          new Principal("viewer", Role.VIEWER),
          new Principal("prometheus", Role.VIEWER));

  private ControlCredentials() {}

  /** What {@link #create} wrote: the folders and files to make the two Secrets from. */
  public record Written(Path tlsDir, Path accessDir, List<String> hosts) {
    /** The control Services the certificate names (each under four names, see {@link #hosts}). */
    public List<String> services() {
      return hosts.stream().filter(h -> !h.contains(".")).toList();
    }

    /** The {@code kubectl} commands that create the two Secrets in {@code namespace}. */
    public List<String> kubectl(String namespace) {
      CertificateAuthority.Files tls = CertificateAuthority.at(tlsDir);
      return List.of(
          "kubectl -n "
              + namespace
              + " create secret generic "
              + TLS_SECRET
              + " --type=kubernetes.io/tls --from-file=tls.crt="
              + tls.serverCert()
              + " --from-file=tls.key="
              + tls.serverKey()
              + " --from-file=ca.crt="
              + tls.caCert(),
          "kubectl -n "
              + namespace
              + " create secret generic "
              + ACCESS_SECRET
              + " --from-file="
              + ACCESS_LIST
              + "="
              + accessDir.resolve(ACCESS_LIST)
              + " --from-file="
              + ORCHESTRATOR_TOKEN
              + "="
              + accessDir.resolve(ORCHESTRATOR_TOKEN));
    }
  }

  /**
   * Writes (or keeps, when they are there and current) a certificate authority and a server
   * certificate for every control Service of every region into {@code dir/tls}, and a token per
   * {@link #CALLERS caller} with the access list naming them into {@code dir/access}, every file
   * mode 0600 in folders of mode 0700.
   */
  public static Written create(Topology topology, RenderOptions options, Path dir) {
    List<String> hosts = hosts(topology, options);
    CertificateAuthority.create(dir.resolve("tls"), topology.name() + " control plane", hosts);
    AccessDirectory.create(dir.resolve("access"), CALLERS);
    return new Written(dir.resolve("tls"), dir.resolve("access"), hosts);
  }

  /**
   * The names a control component's clients reach it by: {@code NAME}, {@code NAME.NAMESPACE},
   * {@code NAME.NAMESPACE.svc} and {@code NAME.NAMESPACE.svc.cluster.local}, for every control
   * component of every region.
   */
  static List<String> hosts(Topology topology, RenderOptions options) {
    Set<String> names = new LinkedHashSet<>();
    for (Region region : topology.regions()) {
      for (Component c : new RegionComponents(topology, region).all()) {
        if (c.api() != Component.Api.NONE) {
          names.add(c.name());
        }
      }
    }
    List<String> hosts = new ArrayList<>();
    for (String n : names) {
      String ns = n + "." + options.namespace();
      hosts.addAll(List.of(n, ns, ns + ".svc", ns + ".svc.cluster.local"));
    }
    return hosts;
  }

  /**
   * The arguments that make a component of {@code api} listen with TLS and check the access list; a
   * caller also trusts the authority and presents the orchestrator's token.
   */
  static List<String> arguments(Component.Api api) {
    List<String> out = new ArrayList<>();
    if (api == Component.Api.NONE) {
      return out;
    }
    out.addAll(List.of(Tls.CERT_FILE, TLS_DIR + "/tls.crt", Tls.KEY_FILE, TLS_DIR + "/tls.key"));
    out.addAll(List.of("--access-file", ACCESS_DIR + "/" + ACCESS_LIST));
    if (api == Component.Api.SERVES_AND_CALLS) {
      out.addAll(List.of(Tls.CA_FILE, TLS_DIR + "/ca.crt"));
      out.addAll(List.of("--token-file", ACCESS_DIR + "/" + ORCHESTRATOR_TOKEN));
    }
    return out;
  }
}
