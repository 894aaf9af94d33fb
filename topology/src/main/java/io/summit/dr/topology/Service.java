package io.summit.dr.topology;

import java.util.Map;

/**
 * A stateless service that runs in every region, active-active. Replica counts and autoscaling
 * bounds are per region: the secondary runs a minimal footprint and scales up on failover.
 */
public record Service(
    @Doc("Service name.") String name,
    @Doc("TCP port the service listens on.") int port,
    @Doc("HTTP path of the readiness probe.") @Default("/readyz") String healthPath,
    @Doc("Instances per region (region name to count).") Map<String, Integer> replicas,
    @Doc("Autoscaling bounds per region (region name to bounds).")
        Map<String, Autoscaling> autoscaling,
    @Doc("Which requests are writes.") @Default("{}") WriteRules writes,
    @Doc(
            "Whether losing an instance hurts users. A non-critical service (false) runs on spot"
                + " capacity in secondary regions (Kubernetes node affinity).")
        @Default("true")
        boolean critical) {

  public Service {
    replicas = Maps.copyOf(replicas);
    autoscaling = Maps.copyOf(autoscaling);
    Violations v = new Violations();
    v.notBlank("name", name);
    v.between("port", port, 1, 65535);
    v.check(
        healthPath.startsWith("/"),
        "health_path",
        "'" + healthPath + "'",
        "a path starting with /");
    for (Map.Entry<String, Integer> e : replicas.entrySet()) {
      String region = e.getKey();
      int count = e.getValue();
      v.atLeast("replicas." + region, count, 0);
      Autoscaling bounds = autoscaling.get(region);
      if (bounds != null && (count < bounds.min() || count > bounds.max())) {
        v.add(
            "replicas." + region,
            count + " is outside autoscaling " + bounds.min() + ".." + bounds.max(),
            "min <= replicas <= max");
      }
    }
    v.throwIfAny();
  }
}
