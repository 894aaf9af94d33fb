package io.summit.dr.cloud.aws;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One request of the runbook: an AWS API action, or a request to a region's Kubernetes API, with
 * the parameters that identify what it reads or changes.
 *
 * @param service the IAM service prefix ({@code rds}, {@code elasticache}, {@code route53}, {@code
 *     route53-recovery-cluster}, {@code s3}, {@code cloudwatch}, {@code eks}), or {@value
 *     #KUBERNETES} for a Kubernetes API request (authorised by the cluster's RBAC, not by IAM)
 * @param action the API action as the AWS API reference spells it, e.g. {@code PromoteReadReplica};
 *     for Kubernetes the verb and resource, e.g. {@code patch HorizontalPodAutoscaler}
 * @param region the region the request is sent to ({@code global} for Route 53's control plane)
 * @param params the request's identifying parameters, in the order the API reference lists them
 * @param mutating true when the call changes something; false for a describe, list or get
 * @param resources what IAM authorises the call against, as the Service Authorization Reference
 *     lists the action's resource types: ARNs (or ARN patterns, e.g. {@code change/*} for a Route
 *     53 change whose id is not known before the change), or {@value #ANY_RESOURCE} for an action
 *     no policy can scope to a resource; empty for a Kubernetes request, and for a call built
 *     without {@link #on} (an IAM policy refuses to be derived from such a call)
 */
public record AwsCall(
    String service,
    String action,
    String region,
    Map<String, String> params,
    boolean mutating,
    List<String> resources) {
  public static final String KUBERNETES = "kubernetes";

  /** The resource of an action that AWS lets no policy scope to a resource. */
  public static final String ANY_RESOURCE = "*";

  public AwsCall {
    require("service", service);
    require("action", action);
    require("region", region);
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    resources = List.copyOf(resources);
  }

  /** A call that changes nothing; {@code kv} alternates parameter names and values. */
  public static AwsCall read(String service, String action, String region, String... kv) {
    return new AwsCall(service, action, region, pairs(kv), false, List.of());
  }

  /** A call that changes something; {@code kv} alternates parameter names and values. */
  public static AwsCall write(String service, String action, String region, String... kv) {
    return new AwsCall(service, action, region, pairs(kv), true, List.of());
  }

  /** This call authorised against {@code arns} (see {@link #resources()}). */
  public AwsCall on(String... arns) {
    return new AwsCall(service, action, region, params, mutating, List.of(arns));
  }

  /** The IAM action that allows this call, e.g. {@code rds:PromoteReadReplica}. */
  public Optional<String> iamAction() {
    return service.equals(KUBERNETES) ? Optional.empty() : Optional.of(service + ":" + action);
  }

  /** {@code service:Action region k=v k=v}, as the dry run prints it. */
  public String line() {
    StringBuilder b = new StringBuilder(service).append(':').append(action).append(' ');
    b.append(region);
    params.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
    return b.toString();
  }

  private static Map<String, String> pairs(String... kv) {
    if (kv.length % 2 != 0) {
      throw new IllegalArgumentException("params: odd number of names and values");
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  private static void require(String field, String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + ": blank (expected: a name)");
    }
  }
}
