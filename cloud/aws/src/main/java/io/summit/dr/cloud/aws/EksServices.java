package io.summit.dr.cloud.aws;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.summit.dr.orchestrator.Services;
import io.summit.dr.topology.Service;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The services of each region's EKS cluster through its Kubernetes API: each service is a
 * Deployment and a HorizontalPodAutoscaler named after it in the targets' namespace (as {@code
 * summit-dr k8s} generates them). Setting the floor raises the HPA's {@code minReplicas} and the
 * Deployment's replicas together when raising it (the HPA would get there within its sync period;
 * the plan does not wait for it), only the HPA when lowering it (the HPA scales down itself),
 * capped at the HPA's {@code maxReplicas}; the first service of the topology gets the floor asked
 * for, each other service the same share of its own primary-region size. {@link #scale} reports the
 * first service. Observes first: an HPA already at the floor is not patched. Thread-safe if the
 * clients are.
 */
public final class EksServices implements Services {
  private final AwsTargets t;
  private final Function<String, KubernetesClient> clusters;
  private final CallRunner runner;

  /**
   * @param clusters the Kubernetes client of a region's EKS cluster (e.g. from a kubeconfig context
   *     whose exec plugin gets an EKS token)
   */
  public EksServices(AwsTargets t, Function<String, KubernetesClient> clusters, CallRunner runner) {
    this.t = t;
    this.clusters = clusters;
    this.runner = runner;
  }

  /** The Kubernetes requests of a scale step in {@code region}, per service. */
  static List<AwsCall> calls(AwsTargets t, String region, boolean awaitReady) {
    List<AwsCall> out = new ArrayList<>();
    for (Service s : t.topology().services()) {
      out.add(get(t, region, "HorizontalPodAutoscaler", s.name()));
      out.add(patch(t, region, "HorizontalPodAutoscaler", s.name(), "spec.minReplicas"));
      if (awaitReady) {
        out.add(get(t, region, "Deployment", s.name()));
        out.add(patch(t, region, "Deployment", s.name(), "spec.replicas"));
      }
    }
    return out;
  }

  private static AwsCall get(AwsTargets t, String region, String kind, String name) {
    return AwsCall.read(
        AwsCall.KUBERNETES,
        "get " + kind,
        region,
        "cluster",
        t.eksCluster(region),
        "namespace",
        t.namespace(),
        "name",
        name);
  }

  private static AwsCall patch(
      AwsTargets t, String region, String kind, String name, String field) {
    return AwsCall.write(
        AwsCall.KUBERNETES,
        "patch " + kind,
        region,
        "cluster",
        t.eksCluster(region),
        "namespace",
        t.namespace(),
        "name",
        name,
        "field",
        field);
  }

  @Override
  public Optional<Scale> scale(String region) throws IOException {
    List<Service> services = t.topology().services();
    if (services.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(scaleOf(region, services.get(0).name()));
    } catch (KubernetesClientException | IllegalStateException e) {
      throw new IOException(region + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Scale setMinimum(String region, int minimum) throws IOException {
    List<Service> services = t.topology().services();
    if (services.isEmpty()) {
      throw new IOException("scale: no service in the topology");
    }
    try {
      for (int i = 0; i < services.size(); i++) {
        Service s = services.get(i);
        setFloor(region, s.name(), i == 0 ? minimum : share(s, services.get(0), minimum));
      }
      return scaleOf(region, services.get(0).name());
    } catch (KubernetesClientException | IllegalStateException e) {
      throw new IOException(region + ": " + e.getMessage(), e);
    }
  }

  private int share(Service s, Service first, int minimum) {
    String primary = t.topology().primary().name();
    int firstSize = Objects.requireNonNullElse(first.replicas().get(primary), 1);
    int size = Objects.requireNonNullElse(s.replicas().get(primary), 1);
    return Math.max(1, (int) Math.ceil((double) minimum * size / Math.max(1, firstSize)));
  }

  private void setFloor(String region, String name, int wanted) {
    KubernetesClient k = clusters.apply(region);
    HorizontalPodAutoscaler hpa = hpa(region, name);
    int max = hpa.getSpec().getMaxReplicas();
    int floor = Math.min(wanted, max);
    Integer min = hpa.getSpec().getMinReplicas();
    if (min == null || min != floor) {
      runner.run(
          patch(t, region, "HorizontalPodAutoscaler", name, "spec.minReplicas"),
          () ->
              k.autoscaling()
                  .v2()
                  .horizontalPodAutoscalers()
                  .inNamespace(t.namespace())
                  .withName(name)
                  .edit(
                      h -> {
                        h.getSpec().setMinReplicas(floor);
                        return h;
                      }));
    }
    if (min != null && floor <= min) {
      return; // lowering the floor: the HPA scales the Deployment down itself
    }
    Deployment d = deployment(region, name);
    Integer replicas = d.getSpec().getReplicas();
    if (replicas == null || replicas < floor) {
      runner.run(
          patch(t, region, "Deployment", name, "spec.replicas"),
          () ->
              k.apps()
                  .deployments()
                  .inNamespace(t.namespace())
                  .withName(name)
                  .edit(
                      x -> {
                        x.getSpec().setReplicas(floor);
                        return x;
                      }));
    }
  }

  private Scale scaleOf(String region, String name) {
    HorizontalPodAutoscaler hpa = hpa(region, name);
    Deployment d = deployment(region, name);
    Integer ready = d.getStatus() == null ? null : d.getStatus().getReadyReplicas();
    Integer min = hpa.getSpec().getMinReplicas();
    return new Scale(
        min == null ? 1 : min, hpa.getSpec().getMaxReplicas(), ready == null ? 0 : ready);
  }

  private HorizontalPodAutoscaler hpa(String region, String name) {
    HorizontalPodAutoscaler h =
        runner.run(
            get(t, region, "HorizontalPodAutoscaler", name),
            () ->
                clusters
                    .apply(region)
                    .autoscaling()
                    .v2()
                    .horizontalPodAutoscalers()
                    .inNamespace(t.namespace())
                    .withName(name)
                    .get());
    if (h == null) {
      throw new IllegalStateException(
          "no HorizontalPodAutoscaler "
              + t.namespace()
              + "/"
              + name
              + " in "
              + t.eksCluster(region));
    }
    return h;
  }

  private Deployment deployment(String region, String name) {
    Deployment d =
        runner.run(
            get(t, region, "Deployment", name),
            () ->
                clusters
                    .apply(region)
                    .apps()
                    .deployments()
                    .inNamespace(t.namespace())
                    .withName(name)
                    .get());
    if (d == null) {
      throw new IllegalStateException(
          "no Deployment " + t.namespace() + "/" + name + " in " + t.eksCluster(region));
    }
    return d;
  }
}
