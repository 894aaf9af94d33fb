package io.summit.dr.deploy.k8s;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.summit.dr.orchestrator.Services;
import io.summit.dr.topology.Service;
import io.summit.dr.topology.Topology;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The orchestrator's {@link Services} on Kubernetes: one API client per region (an EKS cluster
 * each), the resources {@link KubernetesManifests} renders, in one namespace.
 *
 * <p>The orchestrator speaks of one size per region, that of the topology's first service (the
 * reference). {@link #setMinimum} raises (or lowers) every service's autoscaler floor in proportion
 * to its size in the primary: with api-server 6 and web-client 3 in the primary, a floor of 6 gives
 * web-client 3, a floor of 2 gives it 1 (rounded up, at least 1, at most its maximum). When the
 * floor rises it also raises the Deployment's replicas to it, so that pods start now rather than at
 * the autoscaler's next sync; when it falls the autoscaler scales down at its own pace. {@link
 * #scale} reports the reference service: its autoscaler's bounds and the Deployment's ready
 * replicas. Idempotent (the end state is what is observed); thread-safe as the clients are.
 */
public final class KubernetesServices implements Services {
  private final Topology topology;
  private final Map<String, KubernetesClient> clients;
  private final String namespace;

  /**
   * @param clients the API client of each region that runs services; other regions run none
   */
  public KubernetesServices(
      Topology topology, Map<String, KubernetesClient> clients, String namespace) {
    this.topology = topology;
    this.clients = Map.copyOf(clients);
    this.namespace = namespace;
  }

  @Override
  public Optional<Scale> scale(String region) throws IOException {
    KubernetesClient client = clients.get(region);
    if (client == null || topology.services().isEmpty()) {
      return Optional.empty();
    }
    String name = reference().name();
    try {
      HorizontalPodAutoscaler hpa = hpa(client, region, name);
      Deployment d = deployment(client, region, name);
      return Optional.of(scaleOf(hpa, d));
    } catch (KubernetesClientException e) {
      throw failure(region, name, e);
    }
  }

  @Override
  public Scale setMinimum(String region, int minimum) throws IOException {
    KubernetesClient client = clients.get(region);
    if (client == null || topology.services().isEmpty()) {
      throw new IOException(region + ": scale: no Kubernetes cluster runs services here");
    }
    for (Service s : topology.services()) {
      try {
        setFloor(client, region, s.name(), floorOf(s, minimum));
      } catch (KubernetesClientException e) {
        throw failure(region, s.name(), e);
      }
    }
    return scale(region).orElseThrow();
  }

  private void setFloor(KubernetesClient client, String region, String name, int wanted)
      throws IOException {
    HorizontalPodAutoscaler hpa = hpa(client, region, name);
    int floor = Math.max(1, Math.min(wanted, hpa.getSpec().getMaxReplicas()));
    if (!Integer.valueOf(floor).equals(hpa.getSpec().getMinReplicas())) {
      client
          .autoscaling()
          .v2()
          .horizontalPodAutoscalers()
          .inNamespace(namespace)
          .withName(name)
          .edit(h -> withMinimum(h, floor));
    }
    Deployment d = deployment(client, region, name);
    Integer replicas = d.getSpec().getReplicas();
    if (replicas == null || replicas < floor) {
      client
          .apps()
          .deployments()
          .inNamespace(namespace)
          .withName(name)
          .edit(x -> withReplicas(x, floor));
    }
  }

  private static HorizontalPodAutoscaler withMinimum(HorizontalPodAutoscaler h, int floor) {
    h.getSpec().setMinReplicas(floor);
    return h;
  }

  private static Deployment withReplicas(Deployment d, int replicas) {
    d.getSpec().setReplicas(replicas);
    return d;
  }

  /** {@code minimum} for the reference service; the same share of the primary for the others. */
  int floorOf(Service s, int minimum) {
    Service ref = reference();
    if (s.name().equals(ref.name())) {
      return minimum;
    }
    int refPrimary = primaryReplicas(ref);
    if (refPrimary <= 0) {
      return minimum;
    }
    return (int) Math.ceil((double) minimum * primaryReplicas(s) / refPrimary);
  }

  private int primaryReplicas(Service s) {
    Integer n = s.replicas().get(topology.primary().name());
    return n == null ? 1 : n;
  }

  private Service reference() {
    return topology.services().get(0);
  }

  private static Scale scaleOf(HorizontalPodAutoscaler hpa, Deployment d) {
    Integer min = hpa.getSpec().getMinReplicas();
    Integer ready = d.getStatus() == null ? null : d.getStatus().getReadyReplicas();
    return new Scale(
        min == null ? 1 : min, hpa.getSpec().getMaxReplicas(), ready == null ? 0 : ready);
  }

  private HorizontalPodAutoscaler hpa(KubernetesClient client, String region, String name)
      throws IOException {
    return found(
        region,
        "HorizontalPodAutoscaler " + name,
        client
            .autoscaling()
            .v2()
            .horizontalPodAutoscalers()
            .inNamespace(namespace)
            .withName(name)
            .get());
  }

  private Deployment deployment(KubernetesClient client, String region, String name)
      throws IOException {
    return found(
        region,
        "Deployment " + name,
        client.apps().deployments().inNamespace(namespace).withName(name).get());
  }

  private <T> T found(String region, String what, @Nullable T resource) throws IOException {
    if (resource == null) {
      throw new IOException(
          region
              + ": scale: "
              + what
              + " not found in namespace "
              + namespace
              + " (expected: the manifests of `summit-dr k8s render` applied)");
    }
    return resource;
  }

  private IOException failure(String region, String name, KubernetesClientException e) {
    return new IOException(
        region
            + ": scale: "
            + name
            + " in namespace "
            + namespace
            + ": "
            + e.getCode()
            + " "
            + e.getMessage(),
        e);
  }
}
