package io.summit.dr.deploy.aws;

import io.summit.dr.topology.Autoscaling;
import io.summit.dr.topology.Cidr;
import io.summit.dr.topology.DataClass;
import io.summit.dr.topology.InvalidTopologyException;
import io.summit.dr.topology.Problem;
import io.summit.dr.topology.Region;
import io.summit.dr.topology.RegionRole;
import io.summit.dr.topology.ReplicationMode;
import io.summit.dr.topology.Service;
import io.summit.dr.topology.Store;
import io.summit.dr.topology.StoreKind;
import io.summit.dr.topology.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import software.amazon.awscdk.regioninfo.RegionInfo;

/**
 * A topology that maps onto AWS, with the AWS-specific facts derived from it: the primary and the
 * one secondary region (both real AWS regions with their VPC CIDRs and zones), the stores grouped
 * by the AWS service that holds them, node group sizes and the Route 53 health check settings.
 *
 * <p>{@link #of} refuses, with every problem at once and each naming its field, a topology that has
 * no AWS equivalent: a region name that is not an AWS region, a zone outside its region, a missing
 * or unusable CIDR, more than one secondary, a store whose primary is not the primary region,
 * synchronous replication, a probe interval Route 53 cannot do. Nothing is corrected silently.
 * Witness regions only vote and get no infrastructure.
 */
public record AwsTopology(Topology topology, Settings settings, Region primary, Region secondary) {
  private static final Pattern AWS_NAME = Pattern.compile("[a-z][a-z0-9-]{0,19}");
  private static final Pattern ZONE_SUFFIX = Pattern.compile("[a-z]");
  private static final int MIN_ZONES = 2;
  private static final int LARGEST_VPC_PREFIX = 16;
  private static final int SMALLEST_VPC_PREFIX = 20;

  /**
   * Checks that {@code topology} maps onto AWS.
   *
   * @throws InvalidTopologyException listing every field that does not map
   */
  public static AwsTopology of(Topology topology, Settings settings) {
    List<Problem> problems = new ArrayList<>();
    checkName(problems, "name", topology.name());
    Set<String> awsRegions =
        RegionInfo.getRegions().stream().map(RegionInfo::getName).collect(Collectors.toSet());
    for (int i = 0; i < topology.regions().size(); i++) {
      checkRegion(problems, "regions[" + i + "]", topology.regions().get(i), awsRegions);
    }
    List<Region> secondaries = topology.secondaries();
    if (secondaries.size() > 1) {
      problems.add(
          Problem.of(
              "regions",
              secondaries.size() + " secondary regions",
              "exactly one secondary region: Route 53 failover records have one PRIMARY and one"
                  + " SECONDARY"));
    }
    for (int i = 0; i < topology.stores().size(); i++) {
      checkStore(problems, "stores[" + i + "]", topology.stores().get(i), topology);
    }
    checkServicesAndHealth(problems, topology);
    if (!problems.isEmpty()) {
      throw new InvalidTopologyException(problems);
    }
    return new AwsTopology(topology, settings, topology.primary(), secondaries.get(0));
  }

  private static void checkName(List<Problem> problems, String path, String name) {
    if (!AWS_NAME.matcher(name).matches()) {
      problems.add(
          Problem.of(
              path,
              "'" + name + "' cannot be part of AWS resource names",
              "1 to 20 lower-case letters, digits or hyphens, starting with a letter"));
    }
  }

  private static void checkRegion(
      List<Problem> problems, String path, Region region, Set<String> awsRegions) {
    if (region.role() == RegionRole.WITNESS) {
      return;
    }
    if (!awsRegions.contains(region.name())) {
      problems.add(
          Problem.of(
              path + ".name",
              "'" + region.name() + "' is not an AWS region",
              "an AWS region name such as us-west-2"));
      return;
    }
    checkZones(problems, path, region);
    checkCidr(problems, path + ".cidr", region);
  }

  private static void checkZones(List<Problem> problems, String path, Region region) {
    if (region.zones().size() < MIN_ZONES) {
      problems.add(
          Problem.of(
              path + ".zones",
              region.zones().size() + " zones",
              "at least " + MIN_ZONES + " zones for Multi-AZ RDS and ElastiCache (3 recommended)"));
    }
    for (int j = 0; j < region.zones().size(); j++) {
      String zone = region.zones().get(j);
      boolean inRegion =
          zone.startsWith(region.name())
              && ZONE_SUFFIX.matcher(zone.substring(region.name().length())).matches();
      if (!inRegion) {
        problems.add(
            Problem.of(
                path + ".zones[" + j + "]",
                "'" + zone + "' is not an availability zone of " + region.name(),
                "the region name plus a letter, e.g. " + region.name() + "a"));
      }
    }
  }

  private static void checkCidr(List<Problem> problems, String path, Region region) {
    String cidr = region.cidr();
    if (cidr == null) {
      problems.add(
          Problem.of(path, "missing", "the IPv4 CIDR of the region's VPC, e.g. 10.10.0.0/16"));
      return;
    }
    int prefix = Cidr.parse(cidr).prefix();
    if (prefix < LARGEST_VPC_PREFIX || prefix > SMALLEST_VPC_PREFIX) {
      problems.add(
          Problem.of(
              path,
              cidr + " cannot hold the VPC",
              "a prefix from /" + LARGEST_VPC_PREFIX + " to /" + SMALLEST_VPC_PREFIX));
    }
  }

  private static void checkStore(List<Problem> problems, String path, Store store, Topology t) {
    checkName(problems, path + ".name", store.name());
    String primary = t.primary().name();
    if (!store.primaryRegion().equals(primary)) {
      problems.add(
          Problem.of(
              path + ".primary_region",
              "'" + store.primaryRegion() + "' is not the primary region",
              primary + ": the AWS deployment writes every store in the primary region"));
    }
    if (store.replication() == ReplicationMode.SYNC) {
      problems.add(
          Problem.of(
              path + ".replication",
              "sync has no AWS mapping for "
                  + store.kind().name().toLowerCase(java.util.Locale.ROOT),
              "async: RDS cross-region replicas, Global Datastore and S3 CRR are asynchronous"));
    }
  }

  private static void checkServicesAndHealth(List<Problem> problems, Topology t) {
    if (t.services().isEmpty()) {
      problems.add(
          Problem.of(
              "services",
              "none",
              "at least one service: Route 53 probes the first one's health_path"));
    }
    Duration interval = t.health().probeInterval();
    if (!interval.equals(Duration.ofSeconds(10)) && !interval.equals(Duration.ofSeconds(30))) {
      problems.add(
          Problem.of(
              "health.probe_interval",
              interval.toMillis() + "ms has no Route 53 equivalent",
              "10s or 30s, the intervals Route 53 health checks support"));
    }
    int threshold = t.health().failureThreshold();
    if (threshold > 10) {
      problems.add(
          Problem.of(
              "health.failure_threshold",
              threshold + " has no Route 53 equivalent",
              "1 to 10, the failure thresholds Route 53 health checks support"));
    }
  }

  /** The stores of one kind, in file order. */
  public List<Store> stores(StoreKind kind) {
    return topology.stores().stream().filter(s -> s.kind() == kind).toList();
  }

  /** Whether {@code store} keeps a replica in the secondary region. */
  public boolean replicatedToSecondary(Store store) {
    return store.replicaRegions().contains(secondary.name());
  }

  /**
   * The data classes of the topology's residency that {@code store} holds and {@code region} does
   * not allow: replication of the store to the region must leave their data out.
   */
  public List<DataClass> withheldFrom(Store store, Region region) {
    return topology.residency().classes().stream()
        .filter(c -> c.stores().contains(store.name()) && !c.allows(region.name()))
        .toList();
  }

  /** CIDR of a region's VPC (checked present by {@link #of}). */
  public static String cidr(Region region) {
    return Objects.requireNonNull(region.cidr(), "cidr");
  }

  /**
   * Name of the object-storage bucket of {@code store} in {@code region}: {@code
   * <bucketPrefix>-<region>} when the topology has one objects store (the architecture's {@code
   * intelgraph-data-us-west-2}), {@code <bucketPrefix>-<store>-<region>} when it has several.
   */
  public String bucketName(Store store, Region region) {
    boolean single = stores(StoreKind.OBJECTS).size() == 1;
    return settings.bucketPrefix() + "-" + (single ? "" : store.name() + "-") + region.name();
  }

  /**
   * The node group running the services, sized from the topology: one node per {@link
   * Settings#podsPerNode()} service replicas (rounded up), from the sum of the autoscaling minimums
   * to the sum of the maximums, starting at the sum of the replica counts. The primary keeps at
   * least one node per zone so that a zone failure leaves capacity in the others; the secondary
   * runs its minimal footprint and scales up on failover.
   */
  public NodeGroupSize criticalNodes(Region region) {
    int min = nodes(s -> autoscaling(s, region).min());
    int desired = nodes(s -> s.replicas().getOrDefault(region.name(), 0));
    int max = nodes(s -> autoscaling(s, region).max());
    int floor = region.role() == RegionRole.PRIMARY ? region.zones().size() : 1;
    int lo = Math.max(min, floor);
    int start = Math.max(desired, lo);
    return new NodeGroupSize(lo, start, Math.max(max, start));
  }

  /**
   * The node group for non-critical work (batch jobs, snapshots, reports): the secondary runs it on
   * spot capacity starting at one node and may scale to zero; the primary keeps one on-demand node.
   */
  public NodeGroupSize nonCriticalNodes(Region region) {
    int max = Math.max(2, criticalNodes(region).max() / 2);
    return region.role() == RegionRole.PRIMARY
        ? new NodeGroupSize(1, 1, max)
        : new NodeGroupSize(0, 1, max);
  }

  private static Autoscaling autoscaling(Service service, Region region) {
    Autoscaling bounds = service.autoscaling().get(region.name());
    if (bounds != null) {
      return bounds;
    }
    int replicas = service.replicas().getOrDefault(region.name(), 0);
    return new Autoscaling(replicas, Math.max(1, replicas), 70);
  }

  private int nodes(ToIntFunction<Service> pods) {
    int total = topology.services().stream().mapToInt(pods).sum();
    return (total + settings.podsPerNode() - 1) / settings.podsPerNode();
  }

  /** Route 53 health check interval in seconds (10 or 30, checked by {@link #of}). */
  public int healthCheckIntervalSeconds() {
    return (int) topology.health().probeInterval().toSeconds();
  }

  /** Path Route 53 probes on each region's load balancer: the first service's health path. */
  public String healthPath() {
    return topology.services().get(0).healthPath();
  }

  /** Stack name prefix: the topology's name. */
  public String name() {
    return topology.name();
  }
}
