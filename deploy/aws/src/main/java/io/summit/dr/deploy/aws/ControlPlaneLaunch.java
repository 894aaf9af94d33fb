package io.summit.dr.deploy.aws;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The container command of the control plane's tasks (the image's {@code /bin/sh -c} script, see
 * deploy/aws/Dockerfile): it writes the topology, the deployment file and the API token from the
 * task's environment and secrets into files readable by the task's user only (mode 0600, as the
 * orchestrator requires of the token file), and the access list of the operators' tokens ({@link
 * ApiTokens}: each token's SHA-256, computed by {@code sha256sum}, never the token), drops those
 * variables, and runs {@code summit-dr aws orchestrator} or {@code summit-dr aws agent} in the
 * foreground with {@code --access-file}: every API call but {@code /healthz} then needs a listed
 * token (the hook's, under the name {@code api-token}, is the orchestrator's operator besides). The
 * stores' passwords stay in the environment: the deployment file names them.
 */
final class ControlPlaneLaunch {
  static final String JAR = "/opt/summit-dr/summit-dr-aws.jar";
  static final String FILES = "/run/summit-dr";
  static final int ORCHESTRATOR_PORT = 8080;
  static final int AGENT_PORT = 8081;

  private ControlPlaneLaunch() {}

  /** An orchestrator replica in {@code region}; the witness defers to the data regions' ones. */
  static List<String> orchestrator(ControlPlaneLayout layout, String region) {
    StringBuilder flags =
        new StringBuilder()
            .append(" --hosted-zone-id \"$")
            .append(ControlPlaneStack.HOSTED_ZONE_ENV)
            .append("\" --config ")
            .append(FILES)
            .append("/topology.yaml --state-dir /var/lib/summit-dr --listen 0.0.0.0:")
            .append(ORCHESTRATOR_PORT)
            .append(" --etcd \"$SUMMIT_DR_ETCD_ENDPOINTS\" --id ")
            .append(id(region))
            .append(" --location ")
            .append(region)
            .append(" --api-token-file ")
            .append(FILES)
            .append("/api-token --access-file ")
            .append(FILES)
            .append("/access-list");
    if (!layout.dataRegion(region)) {
      flags
          .append(" --defer-to ")
          .append(
              layout.regions().stream()
                  .filter(layout::dataRegion)
                  .map(ControlPlaneLaunch::id)
                  .collect(Collectors.joining(",")));
    }
    return List.of(script("orchestrator", true, flags.toString()));
  }

  /** The region agent of {@code region}. */
  static List<String> agent(String region) {
    return List.of(
        script(
            "agent",
            false,
            " --config "
                + FILES
                + "/topology.yaml --region "
                + region
                + " --etcd \"$SUMMIT_DR_ETCD_ENDPOINTS\" --listen 0.0.0.0:"
                + AGENT_PORT
                + " --access-file "
                + FILES
                + "/access-list"));
  }

  static String id(String region) {
    return "orchestrator-" + region;
  }

  private static String script(String command, boolean token, String flags) {
    return "set -eu && umask 077 && mkdir -p "
        + FILES
        + " && "
        + write(ControlPlaneStack.TOPOLOGY_ENV, "topology.yaml")
        + write(ControlPlaneStack.DEPLOYMENT_ENV, "deployment.yaml")
        + (token ? write(ControlSecrets.API_TOKEN_ENV, "api-token") : "")
        + accessList()
        + "unset "
        + ControlPlaneStack.TOPOLOGY_ENV
        + " "
        + ControlPlaneStack.DEPLOYMENT_ENV
        + (token ? " " + ControlSecrets.API_TOKEN_ENV : "")
        + ApiTokens.CALLERS.stream().map(c -> " " + c.env()).collect(Collectors.joining())
        + " && exec java -XX:+ExitOnOutOfMemoryError -jar "
        + JAR
        + " aws "
        + command
        + " --deployment "
        + FILES
        + "/deployment.yaml"
        + flags;
  }

  /**
   * Writes {@code access-list} under {@link #FILES}: a line {@code NAME ROLE sha256:HEX} per caller
   * of {@link ApiTokens}, each hash that of the caller's variable's value (the token itself is
   * never written). A variable that is empty stops the script before the daemon starts.
   */
  private static String accessList() {
    StringBuilder s = new StringBuilder("{ ");
    for (ApiTokens.Caller c : ApiTokens.CALLERS) {
      s.append("test -n \"$")
          .append(c.env())
          .append("\" && printf '")
          .append(c.name())
          .append(' ')
          .append(c.role().name().toLowerCase(java.util.Locale.ROOT))
          .append(" sha256:%s\\n' \"$(printf '%s' \"$")
          .append(c.env())
          .append("\" | sha256sum | cut -c1-64)\" && ");
    }
    return s.append("true; } > ").append(FILES).append("/access-list && ").toString();
  }

  /** Writes variable {@code env}'s value, as it is, to {@code file} under {@link #FILES}. */
  private static String write(String env, String file) {
    return "printf '%s' \"$" + env + "\" > " + FILES + "/" + file + " && ";
  }
}
