package io.summit.dr.deploy.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.summit.dr.topology.InvalidTopologyException;
import io.summit.dr.topology.Problem;
import io.summit.dr.topology.Topology;
import io.summit.dr.topology.TopologyLoader;
import org.junit.jupiter.api.Test;

/** Which topologies map onto AWS, and how the others are refused. */
class AwsTopologyTest {

  @Test
  void exampleMapsOntoAwsWithNodeGroupsSizedFromItsReplicas() {
    AwsTopology aws = AwsTopology.of(ExampleApp.example(), Settings.defaults());

    assertThat(aws.primary().name()).isEqualTo("us-west-2");
    assertThat(aws.secondary().name()).isEqualTo("us-east-1");
    assertThat(aws.criticalNodes(aws.primary())).isEqualTo(new NodeGroupSize(3, 3, 8));
    assertThat(aws.criticalNodes(aws.secondary())).isEqualTo(new NodeGroupSize(1, 1, 8));
    assertThat(aws.healthCheckIntervalSeconds()).isEqualTo(10);
  }

  @Test
  void regionThatIsNotAnAwsRegionIsRefusedByField() {
    assertThat(problems(edit("us-east-1", "mars-east-1")))
        .contains(
            "regions[1].name: 'mars-east-1' is not an AWS region"
                + " (expected: an AWS region name such as us-west-2)");
  }

  @Test
  void zoneOutsideItsRegionIsRefused() {
    assertThat(problems(edit("us-east-1c]", "us-east-2c]")))
        .contains(
            "regions[1].zones[2]: 'us-east-2c' is not an availability zone of us-east-1"
                + " (expected: the region name plus a letter, e.g. us-east-1a)");
  }

  @Test
  void missingCidrIsRefused() {
    assertThat(problems(edit("    cidr: 10.20.0.0/16\n", "")))
        .contains(
            "regions[1].cidr: missing (expected: the IPv4 CIDR of the region's VPC, e.g."
                + " 10.10.0.0/16)");
  }

  @Test
  void cidrTooSmallForAVpcIsRefused() {
    assertThat(problems(edit("10.20.0.0/16", "10.20.0.0/24")))
        .contains(
            "regions[1].cidr: 10.20.0.0/24 cannot hold the VPC (expected: a prefix from /16 to /20)");
  }

  @Test
  void overlappingCidrsAreRefusedByTheTopologyItself() {
    assertThatThrownBy(() -> load(edit("10.20.0.0/16", "10.10.128.0/17")))
        .isInstanceOf(InvalidTopologyException.class)
        .hasMessageContaining("regions[1].cidr: 10.10.128.0/17 overlaps 10.10.0.0/16");
  }

  @Test
  void synchronousReplicationHasNoAwsMapping() {
    String redis = "kind: redis\n    primary_region: us-west-2\n    replica_regions: [us-east-1]\n";
    String text = edit(redis + "    replication: async", redis + "    replication: sync");
    assertThat(problems(text))
        .contains(
            "stores[1].replication: sync has no AWS mapping for redis (expected: async: RDS"
                + " cross-region replicas, Global Datastore and S3 CRR are asynchronous)");
  }

  @Test
  void secondProbeIntervalThatRoute53CannotDoIsRefusedNotRounded() {
    assertThat(problems(edit("probe_interval: 10s", "probe_interval: 5s")))
        .contains(
            "health.probe_interval: 5000ms has no Route 53 equivalent (expected: 10s or 30s,"
                + " the intervals Route 53 health checks support)");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    String text = edit("us-east-1", "mars-east-1").replace("name: summit", "name: Summit_DR");
    assertThat(problems(text))
        .hasSize(2)
        .anySatisfy(
            p ->
                assertThat(p).startsWith("name: 'Summit_DR' cannot be part of AWS resource names"));
  }

  private static String edit(String from, String to) {
    String text = ExampleApp.exampleText();
    assertThat(text).contains(from);
    return text.replace(from, to);
  }

  private static Topology load(String text) {
    return TopologyLoader.parse("summit.yaml", text);
  }

  private static java.util.List<String> problems(String text) {
    try {
      AwsTopology.of(load(text), Settings.defaults());
    } catch (InvalidTopologyException e) {
      return e.problems().stream().map(Problem::format).toList();
    }
    throw new AssertionError("expected the topology to be refused");
  }
}
