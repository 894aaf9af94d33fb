package io.summit.dr.deploy.aws;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The container command of the control plane's tasks (the image's {@code /bin/sh -c} script, see
 * deploy/aws/Dockerfile): it writes the topology, the deployment file and the API token from the
 * task's environment and secrets into files readable by the task's user only (mode 0600, as the
 * orchestrator requires of the token file), drops those variables, and runs {@code summit-dr aws
 * orchestrator} or {@code summit-dr aws agent} in the foreground. The stores' passwords stay in the
 * environment: the deployment file names them.
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
            .append("/api-token");
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
                + AGENT_PORT));
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
        + "unset "
        + ControlPlaneStack.TOPOLOGY_ENV
        + " "
        + ControlPlaneStack.DEPLOYMENT_ENV
        + (token ? " " + ControlSecrets.API_TOKEN_ENV : "")
        + " && exec java -XX:+ExitOnOutOfMemoryError -jar "
        + JAR
        + " aws "
        + command
        + " --deployment "
        + FILES
        + "/deployment.yaml"
        + flags;
  }

  /** Writes variable {@code env}'s value, as it is, to {@code file} under {@link #FILES}. */
  private static String write(String env, String file) {
    return "printf '%s' \"$" + env + "\" > " + FILES + "/" + file + " && ";
  }
}
