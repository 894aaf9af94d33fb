package io.summit.dr.cloud.aws;

import io.summit.dr.topology.Topology;
import io.summit.dr.topology.TopologyLoader;
import java.nio.file.Path;

/** The example topology and the AWS targets named after it. */
final class Fixtures {
  private Fixtures() {}

  static final Path EXAMPLE = Path.of("../../examples/summit.yaml");

  static Topology topology() {
    return TopologyLoader.load(EXAMPLE);
  }

  static AwsTargets targets() {
    return AwsTargets.defaults(topology()).withHostedZoneId("Z0123456789ABCDEFGHIJ");
  }

  static String instance(String id, String status, String source, String group) {
    return "<DBInstance><DBInstanceIdentifier>"
        + id
        + "</DBInstanceIdentifier><DBInstanceClass>db.r6g.large</DBInstanceClass>"
        + "<Engine>postgres</Engine><DBInstanceStatus>"
        + status
        + "</DBInstanceStatus><Endpoint><Address>"
        + id
        + ".c9akciq32.rds.amazonaws.com</Address><Port>5432</Port></Endpoint>"
        + (source.isEmpty()
            ? ""
            : "<ReadReplicaSourceDBInstanceIdentifier>"
                + source
                + "</ReadReplicaSourceDBInstanceIdentifier>")
        + "<DBParameterGroups><DBParameterGroup><DBParameterGroupName>"
        + group
        + "</DBParameterGroupName><ParameterApplyStatus>in-sync</ParameterApplyStatus>"
        + "</DBParameterGroup></DBParameterGroups><MultiAZ>true</MultiAZ></DBInstance>";
  }

  static String describeInstances(String instance) {
    return AwsStub.ok(
        "DescribeDBInstances", AwsStub.RDS, "<DBInstances>" + instance + "</DBInstances>");
  }

  static String parameters(String value) {
    String p =
        value.isEmpty()
            ? ""
            : "<Parameter><ParameterName>default_transaction_read_only</ParameterName>"
                + "<ParameterValue>"
                + value
                + "</ParameterValue><Source>user</Source><ApplyType>dynamic</ApplyType>"
                + "<IsModifiable>true</IsModifiable><ApplyMethod>immediate</ApplyMethod>"
                + "</Parameter>";
    return AwsStub.ok("DescribeDBParameters", AwsStub.RDS, "<Parameters>" + p + "</Parameters>");
  }

  static String modified(String group) {
    return AwsStub.ok(
        "ModifyDBParameterGroup",
        AwsStub.RDS,
        "<DBParameterGroupName>" + group + "</DBParameterGroupName>");
  }
}
