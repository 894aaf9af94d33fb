package io.summit.dr.deploy.k8s;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingPolicyBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingRules;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingRulesBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.summit.dr.topology.Autoscaling;
import io.summit.dr.topology.Region;
import io.summit.dr.topology.RegionRole;
import io.summit.dr.topology.Service;

/**
 * A service's {@code autoscaling/v2} HorizontalPodAutoscaler in a region: the topology's bounds
 * (the replica count for both when it gives none), on average CPU. A secondary scales up fast: no
 * stabilisation window, and per 15 s the larger of ten times its pods or its whole maximum, so that
 * after a failover it reaches the primary's size in one step; the primary grows at the usual pace
 * (double, or four pods, per 15 s). Both scale down slowly (5 min window, a tenth per minute).
 */
final class Autoscalers {
  private final Workloads workloads;
  private final Region region;

  Autoscalers(Workloads workloads, Region region) {
    this.workloads = workloads;
    this.region = region;
  }

  HorizontalPodAutoscaler of(Service s) {
    Autoscaling bounds = bounds(s);
    return new HorizontalPodAutoscalerBuilder()
        .withMetadata(workloads.meta(s.name(), "service"))
        .withNewSpec()
        .withNewScaleTargetRef()
        .withApiVersion("apps/v1")
        .withKind("Deployment")
        .withName(s.name())
        .endScaleTargetRef()
        .withMinReplicas(Math.max(1, bounds.min()))
        .withMaxReplicas(bounds.max())
        .addNewMetric()
        .withType("Resource")
        .withNewResource()
        .withName("cpu")
        .withNewTarget()
        .withType("Utilization")
        .withAverageUtilization(bounds.targetCpuPercent())
        .endTarget()
        .endResource()
        .endMetric()
        .withNewBehavior()
        .withScaleUp(region.role() == RegionRole.PRIMARY ? steadyUp() : fastUp(bounds.max()))
        .withScaleDown(slowDown())
        .endBehavior()
        .endSpec()
        .build();
  }

  private Autoscaling bounds(Service s) {
    Autoscaling bounds = s.autoscaling().get(region.name());
    if (bounds != null) {
      return bounds;
    }
    int n = Math.max(1, RegionComponents.replicas(s, region));
    return new Autoscaling(n, n, 70);
  }

  private static HPAScalingRules fastUp(int max) {
    return new HPAScalingRulesBuilder()
        .withStabilizationWindowSeconds(0)
        .withSelectPolicy("Max")
        .withPolicies(
            new HPAScalingPolicyBuilder()
                .withType("Percent")
                .withValue(900)
                .withPeriodSeconds(15)
                .build(),
            new HPAScalingPolicyBuilder()
                .withType("Pods")
                .withValue(max)
                .withPeriodSeconds(15)
                .build())
        .build();
  }

  private static HPAScalingRules steadyUp() {
    return new HPAScalingRulesBuilder()
        .withStabilizationWindowSeconds(0)
        .withSelectPolicy("Max")
        .withPolicies(
            new HPAScalingPolicyBuilder()
                .withType("Percent")
                .withValue(100)
                .withPeriodSeconds(15)
                .build(),
            new HPAScalingPolicyBuilder()
                .withType("Pods")
                .withValue(4)
                .withPeriodSeconds(15)
                .build())
        .build();
  }

  private static HPAScalingRules slowDown() {
    return new HPAScalingRulesBuilder()
        .withStabilizationWindowSeconds(300)
        .withSelectPolicy("Min")
        .withPolicies(
            new HPAScalingPolicyBuilder()
                .withType("Percent")
                .withValue(10)
                .withPeriodSeconds(60)
                .build())
        .build();
  }
}
