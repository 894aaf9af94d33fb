package io.summit.dr.deploy.aws;

import io.summit.dr.topology.Region;
import io.summit.dr.topology.RegionRole;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import software.amazon.awscdk.regioninfo.RegionInfo;

/**
 * Where the control plane runs: the primary, the secondary and the witness region (the topology's
 * witness when it names an AWS region, else {@code witnessRegion}), each with a /24 VPC from
 * {@value #BASE}.x.0 on and its etcd member at the fixed address .10 of its first private subnet.
 *
 * @param regions primary, secondary, witness
 */
record ControlPlaneLayout(List<String> regions) {
  static final String BASE = "10.250";
  static final String DEFAULT_WITNESS = "us-east-2";

  ControlPlaneLayout {
    regions = List.copyOf(regions);
    if (regions.size() != 3 || regions.stream().distinct().count() != 3) {
      throw new IllegalArgumentException(
          "control plane regions: " + regions + " (expected: three distinct regions)");
    }
  }

  static ControlPlaneLayout of(AwsTopology aws, String witnessRegion) {
    String witness =
        aws.topology().regions().stream()
            .filter(r -> r.role() == RegionRole.WITNESS)
            .map(Region::name)
            .filter(n -> RegionInfo.getRegions().stream().anyMatch(i -> i.getName().equals(n)))
            .findFirst()
            .orElse(witnessRegion);
    if (witness.equals(aws.primary().name()) || witness.equals(aws.secondary().name())) {
      throw new IllegalArgumentException(
          "context witnessRegion: '"
              + witness
              + "' (expected: a third AWS region, not "
              + aws.primary().name()
              + " or "
              + aws.secondary().name()
              + ")");
    }
    return new ControlPlaneLayout(List.of(aws.primary().name(), aws.secondary().name(), witness));
  }

  boolean dataRegion(String region) {
    return !region.equals(regions.get(2));
  }

  String cidr(String region) {
    return BASE.replace("250", Integer.toString(250 + regions.indexOf(region))) + ".0.0/24";
  }

  /** The first private subnet is the third /26 (after two public ones): .128/26; member at .138. */
  String etcdAddress(String region) {
    return cidr(region).replace(".0.0/24", ".0.138");
  }

  String etcdEndpoints() {
    return regions.stream()
        .map(r -> "http://" + etcdAddress(r) + ":2379")
        .collect(Collectors.joining(","));
  }

  private String initialCluster() {
    return regions.stream()
        .map(r -> r + "=http://" + etcdAddress(r) + ":2380")
        .collect(Collectors.joining(","));
  }

  /** The etcd member's boot script: the release binary, a systemd unit, the static cluster. */
  List<String> etcdUserData(String name, String region) {
    String ip = etcdAddress(region);
    String v = ControlPlaneStack.ETCD_VERSION;
    List<String> out = new ArrayList<>();
    out.add("set -euo pipefail");
    out.add(
        "curl -fsSL https://github.com/etcd-io/etcd/releases/download/"
            + v
            + "/etcd-"
            + v
            + "-linux-amd64.tar.gz | tar xz -C /usr/local/bin --strip-components=1 etcd-"
            + v
            + "-linux-amd64/etcd etcd-"
            + v
            + "-linux-amd64/etcdctl");
    out.add("mkdir -p /var/lib/etcd");
    out.add(
        "printf '[Unit]\\nDescription=etcd\\n[Service]\\nExecStart=/usr/local/bin/etcd --name "
            + region
            + " --data-dir /var/lib/etcd --listen-peer-urls http://"
            + ip
            + ":2380 --listen-client-urls http://"
            + ip
            + ":2379,http://127.0.0.1:2379"
            + " --advertise-client-urls http://"
            + ip
            + ":2379 --initial-advertise-peer-urls http://"
            + ip
            + ":2380 --initial-cluster "
            + initialCluster()
            + " --initial-cluster-state new --initial-cluster-token "
            + name
            + "-control --heartbeat-interval 250 --election-timeout 2500\\nRestart=always\\n"
            + "[Install]\\nWantedBy=multi-user.target\\n' > /etc/systemd/system/etcd.service");
    out.add("systemctl daemon-reload && systemctl enable --now etcd");
    return out;
  }
}
