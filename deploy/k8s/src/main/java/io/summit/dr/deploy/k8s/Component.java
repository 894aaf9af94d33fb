package io.summit.dr.deploy.k8s;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Deployment's worth of a region: a topology service, a router, the orchestrator or the agent.
 *
 * @param name the Deployment, Service and ServiceAccount name
 * @param role the value of the {@code app.kubernetes.io/component} label
 * @param image the image name under the registry, also the container's name
 * @param args the container's arguments
 * @param ports named container ports; the first serves the probes
 * @param healthPath the HTTP path of the readiness and liveness probes
 * @param metricsPort the name of the port that serves {@code /metrics}
 * @param replicas the Deployment's replicas
 * @param spot whether the pods prefer spot capacity (non-critical work in a secondary)
 * @param apiAccess whether the pods need a Kubernetes API token
 * @param api whether it serves a control API (HTTPS, access list) and calls others
 */
record Component(
    String name,
    String role,
    String image,
    List<String> args,
    Map<String, Integer> ports,
    String healthPath,
    String metricsPort,
    int replicas,
    boolean spot,
    boolean apiAccess,
    Api api) {

  /** A component's part in the control APIs ({@link ControlCredentials}). */
  enum Api {
    /** A topology service: plain HTTP, the data path. */
    NONE,
    /** Its API listens with HTTPS only and checks the access list: a router's admin, an agent. */
    SERVES,
    /** Serves as {@link #SERVES} and calls the others with its token: the orchestrator. */
    SERVES_AND_CALLS
  }

  Component {
    args = List.copyOf(args);
    ports = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(ports));
    if (ports.isEmpty() || !ports.containsKey(metricsPort)) {
      throw new IllegalArgumentException(
          name + ".ports: " + ports.keySet() + " (expected: at least one, " + metricsPort + ")");
    }
  }

  /** The number of the port that serves {@code /metrics}. */
  int metricsPortNumber() {
    return java.util.Objects.requireNonNull(ports.get(metricsPort));
  }

  /** The scheme its probes and scrapes use: HTTPS for a control API. */
  String scheme() {
    return api == Api.NONE ? "HTTP" : "HTTPS";
  }

  /** The name of the port the probes use. */
  String probePort() {
    return ports.keySet().iterator().next();
  }

  /** The labels that select this component's pods. */
  Map<String, String> selector() {
    return Map.of("app.kubernetes.io/name", name);
  }
}
