package io.summit.dr.cloud.aws;

import io.summit.dr.topology.Region;
import io.summit.dr.topology.RegionRole;
import io.summit.dr.topology.Store;
import io.summit.dr.topology.StoreKind;
import io.summit.dr.topology.Topology;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Which AWS resources the runbook acts on, named by the same conventions as the CDK app ({@code
 * deploy/aws}): RDS instances, Aurora clusters and ElastiCache replication groups {@code
 * <name>-<store>-<region>}, their parameter groups {@code <instance>-params}, the Aurora global
 * cluster and the Global Datastore suffix {@code <name>-<store>}, the Multi-Region Access Point
 * {@code <name>-<store>}, buckets {@code <bucketPrefix>-[<store>-]<region>}, EKS clusters {@code
 * <name>-primary-cluster} and {@code <name>-secondary-cluster}, and the failover-routed write
 * record {@code <writeHost>.<zoneName>} whose set identifiers are the region names.
 *
 * @param topology the topology the names derive from
 * @param account the 12-digit account of every resource (ARNs need it)
 * @param zoneName the public DNS zone holding the write record
 * @param hostedZoneId the zone's id, or null to look it up by name first
 * @param writeHost the label of the write record in the zone
 * @param bucketPrefix the prefix of the object-storage buckets
 * @param namespace the Kubernetes namespace of the services
 * @param aurora stores that are Aurora Global Databases rather than RDS instances with a
 *     cross-region read replica
 * @param arc Route 53 ARC routing controls instead of record changes, or null for records
 */
public record AwsTargets(
    Topology topology,
    String account,
    String zoneName,
    @Nullable String hostedZoneId,
    String writeHost,
    String bucketPrefix,
    String namespace,
    Set<String> aurora,
    @Nullable ArcControls arc) {
  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");

  /** The account the dry run shows when none is given; not a real account. */
  public static final String PLACEHOLDER_ACCOUNT = "111111111111";

  public AwsTargets {
    aurora = Set.copyOf(aurora);
    check(ACCOUNT.matcher(account).matches(), "account", account, "a 12-digit AWS account id");
    check(!zoneName.isBlank(), "zoneName", zoneName, "a DNS name");
    check(!writeHost.isBlank(), "writeHost", writeHost, "one DNS label");
    check(!namespace.isBlank(), "namespace", namespace, "a Kubernetes namespace");
    for (String s : aurora) {
      Store store = topology.store(s).orElse(null);
      check(
          store != null && store.kind() == StoreKind.POSTGRES,
          "aurora",
          s,
          "the name of a postgres store of the topology");
    }
  }

  /** The CDK app's defaults: placeholder account, {@code intelgraph.example.com}, no Aurora. */
  public static AwsTargets defaults(Topology topology) {
    return new AwsTargets(
        topology,
        PLACEHOLDER_ACCOUNT,
        "intelgraph.example.com",
        null,
        "write",
        "intelgraph-data",
        topology.name(),
        Set.of(),
        null);
  }

  public AwsTargets withAurora(Set<String> stores) {
    return new AwsTargets(
        topology, account, zoneName, hostedZoneId, writeHost, bucketPrefix, namespace, stores, arc);
  }

  public AwsTargets withArc(@Nullable ArcControls controls) {
    return new AwsTargets(
        topology,
        account,
        zoneName,
        hostedZoneId,
        writeHost,
        bucketPrefix,
        namespace,
        aurora,
        controls);
  }

  public AwsTargets withHostedZoneId(@Nullable String id) {
    return new AwsTargets(
        topology, account, zoneName, id, writeHost, bucketPrefix, namespace, aurora, arc);
  }

  public String writeRecord() {
    return writeHost + "." + zoneName;
  }

  /** RDS instance, Aurora cluster or ElastiCache replication group of a store in a region. */
  public String node(String store, String region) {
    return topology.name() + "-" + store + "-" + region;
  }

  public String parameterGroup(String store, String region) {
    return node(store, region) + "-params";
  }

  /** The Aurora global cluster, Global Datastore suffix and Multi-Region Access Point name. */
  public String global(String store) {
    return topology.name() + "-" + store;
  }

  /**
   * The application's ElastiCache RBAC user of a Redis store's replication group in a region,
   * {@code <node>-app}: its id and its user name. The runbook fences by changing its access string
   * ({@link #REDIS_READ_ONLY}, {@link #REDIS_READ_WRITE}); the CDK app creates it.
   */
  public String redisUser(String store, String region) {
    return node(store, region) + "-app";
  }

  /** The access string of a fenced application user: every key, read commands only. */
  public static final String REDIS_READ_ONLY = "on ~* +@read";

  /** The access string of a writable application user: every key, every command. */
  public static final String REDIS_READ_WRITE = "on ~* +@all";

  /** {@code arn:aws:<service>:<region>:<account>:<resource>}; an empty region for a global one. */
  public String arn(String service, String region, String resource) {
    return "arn:aws:" + service + ":" + region + ":" + account + ":" + resource;
  }

  public String instanceArn(String store, String region) {
    return arn("rds", region, "db:" + node(store, region));
  }

  public String clusterArn(String store, String region) {
    return arn("rds", region, "cluster:" + node(store, region));
  }

  /** The RDS instance's own DB parameter group. */
  public String parameterGroupArn(String store, String region) {
    return arn("rds", region, "pg:" + parameterGroup(store, region));
  }

  /** The Aurora cluster's own DB cluster parameter group. */
  public String clusterParameterGroupArn(String store, String region) {
    return arn("rds", region, "cluster-pg:" + parameterGroup(store, region));
  }

  /** The Aurora global cluster (global: no region in its ARN). */
  public String globalClusterArn(String store) {
    return arn("rds", "", "global-cluster:" + global(store));
  }

  /**
   * The Global Datastore, a pattern: AWS puts a prefix of its own before the suffix the CDK app
   * gives ({@code <prefix>-<name>-<store>}), so only the suffix is known before it exists.
   */
  public String globalReplicationGroupArn(String store) {
    return arn("elasticache", "", "globalreplicationgroup:*-" + global(store));
  }

  public String redisUserArn(String store, String region) {
    return arn("elasticache", region, "user:" + redisUser(store, region));
  }

  /** The hosted zone of the write record; {@code hostedzone/*} while its id is not known. */
  public String hostedZoneArn() {
    return "arn:aws:route53:::hostedzone/" + (hostedZoneId == null ? "*" : hostedZoneId);
  }

  public boolean isAurora(String store) {
    return aurora.contains(store);
  }

  /** The bucket of an objects store in a region, as the CDK app names it. */
  public String bucket(String store, String region) {
    long objects = topology.stores().stream().filter(s -> s.kind() == StoreKind.OBJECTS).count();
    return bucketPrefix + "-" + (objects == 1 ? "" : store + "-") + region;
  }

  /** The EKS cluster of a region, as the CDK app names it. */
  public String eksCluster(String region) {
    Region r =
        topology
            .region(region)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "region: '" + region + "' is not in the topology"));
    return topology.name()
        + "-"
        + (r.role() == RegionRole.PRIMARY ? "primary" : "secondary")
        + "-cluster";
  }

  public StoreKind kind(String store) {
    return topology
        .store(store)
        .orElseThrow(
            () -> new IllegalArgumentException("store: '" + store + "' is not in the topology"))
        .kind();
  }

  /**
   * Route 53 ARC routing controls: one per region, and the cluster's regional endpoints (any one
   * answers; the runbook tries them in order).
   *
   * @param controls routing control ARN per region
   * @param endpoints the cluster endpoints, region to URL
   */
  public record ArcControls(Map<String, String> controls, Map<String, String> endpoints) {
    public ArcControls {
      controls = Map.copyOf(controls);
      endpoints = Map.copyOf(endpoints);
      check(!controls.isEmpty(), "arc.controls", "{}", "a routing control ARN per region");
      check(!endpoints.isEmpty(), "arc.endpoints", "{}", "at least one cluster endpoint");
      controls.forEach(
          (region, arn) ->
              check(
                  arn.startsWith("arn:aws:route53-recovery-control::"),
                  "arc.controls." + region,
                  arn,
                  "a routing control ARN, arn:aws:route53-recovery-control::<account>:controlpanel/.../routingcontrol/..."));
    }
  }

  private static void check(boolean ok, String field, String value, String expected) {
    if (!ok) {
      throw new IllegalArgumentException(field + ": '" + value + "' (expected: " + expected + ")");
    }
  }
}
