package io.summit.dr.deploy.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.summit.dr.topology.Region;
import io.summit.dr.topology.RegionRole;
import io.summit.dr.topology.Topology;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a topology into Kubernetes resources, one set per region (an EKS cluster each):
 *
 * <ul>
 *   <li>per topology service: a Deployment (the primary at its replicas, a secondary at its
 *       autoscaling minimum), an {@code autoscaling/v2} HorizontalPodAutoscaler with the topology's
 *       bounds (a fast scale-up behaviour in secondaries, which must grow to the primary's size on
 *       failover), a PodDisruptionBudget, a Service and a ServiceAccount without API token;
 *   <li>per topology service a regional router (gateway role) in front of it;
 *   <li>the control plane: an orchestrator replica, allowed (Role) to read and edit only the
 *       services' Deployments and autoscalers, and the region agent, with no API access;
 *   <li>the namespace.
 * </ul>
 *
 * Witness regions get the orchestrator only. Stateless and thread-safe.
 */
public final class KubernetesManifests {
  private KubernetesManifests() {}

  /** A region's resources, in apply order (namespace first, RBAC before the workloads). */
  public record RegionManifests(String region, List<HasMetadata> resources) {
    public RegionManifests {
      resources = List.copyOf(resources);
    }
  }

  /** The resources of every region of {@code topology}, in the topology's region order. */
  public static List<RegionManifests> render(Topology topology, RenderOptions options) {
    return topology.regions().stream().map(r -> region(topology, r, options)).toList();
  }

  private static RegionManifests region(Topology topology, Region region, RenderOptions options) {
    Workloads w = new Workloads(topology.name(), region, topology.health(), options);
    RegionComponents components = new RegionComponents(topology, region);
    List<HasMetadata> out = new ArrayList<>();
    out.add(
        new NamespaceBuilder()
            .withNewMetadata()
            .withName(options.namespace())
            .addToLabels("app.kubernetes.io/part-of", topology.name())
            .endMetadata()
            .build());
    Rbac rbac = new Rbac(w, topology);
    for (Component c : components.all()) {
      out.add(w.serviceAccount(c));
      if (c.apiAccess()) {
        out.add(rbac.role(c));
        out.add(rbac.binding(c));
      }
    }
    for (Component c : components.all()) {
      out.add(w.service(c));
      out.add(w.deployment(c));
      out.add(w.disruptionBudget(c));
    }
    if (region.role() != RegionRole.WITNESS) {
      Autoscalers hpa = new Autoscalers(w, region);
      topology.services().forEach(s -> out.add(hpa.of(s)));
    }
    return new RegionManifests(region.name(), out);
  }
}
