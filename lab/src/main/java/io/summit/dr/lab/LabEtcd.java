package io.summit.dr.lab;

import io.summit.dr.lab.process.EtcdHttp;
import io.summit.dr.lab.process.LabException;
import io.summit.dr.lab.process.OsProcesses;
import io.summit.dr.lab.wan.WanSpec;
import io.summit.dr.replication.Endpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * The lab's coordination store: one etcd member per {@link LabLayout#etcdLocations() etcd
 * location}, named {@code etcd-LOCATION}, data in {@code LABDIR/LOCATION/etcd}, listening on the
 * layout's addresses and reaching its peers through the WAN (see {@link LabLayout}). Flags as the
 * control-plane protocol fixes them: {@code --heartbeat-interval 100 --election-timeout 600}.
 */
final class LabEtcd {
  static final String KIND = "etcd";
  static final String PROGRAM = "/usr/bin/etcd";
  private static final Duration CALL = Duration.ofSeconds(2);

  private final LabLayout layout;
  private final Path labDir;
  private final String token;

  LabEtcd(LabLayout layout, Path labDir, String clusterName) {
    this.layout = layout;
    this.labDir = labDir;
    this.token = "summit-dr-" + clusterName + "-" + layout.base();
  }

  /** The argument by which the WAN daemon recognises a member's process (see SourceLocator). */
  static String nameArgument(String location) {
    return "--name=" + LabLayout.etcdMember(location);
  }

  List<WanSpec.Source> sources() {
    return layout.etcdLocations().stream()
        .map(l -> new WanSpec.Source(l, nameArgument(l)))
        .toList();
  }

  Path dataDir(String location) {
    return labDir.resolve(location).resolve("etcd");
  }

  List<String> command(String location) {
    Endpoint client = layout.etcdClient(location);
    return List.of(
        PROGRAM,
        nameArgument(location),
        "--data-dir=" + dataDir(location),
        "--listen-client-urls=" + url(client),
        "--advertise-client-urls=" + url(client),
        "--listen-peer-urls=" + url(layout.etcdPeerListen(location)),
        "--initial-advertise-peer-urls=" + url(layout.etcdPeerAdvertised(location)),
        "--initial-cluster=" + initialCluster(),
        "--initial-cluster-token=" + token,
        "--initial-cluster-state=new",
        "--heartbeat-interval=100",
        "--election-timeout=600",
        // A member that comes back (a region restarted) asks before it campaigns, so it cannot
        // depose a working leader (the default from etcd 3.5 on; 3.4 needs the flag).
        "--pre-vote=true",
        "--logger=zap",
        "--log-outputs=stderr");
  }

  private String initialCluster() {
    return layout.etcdLocations().stream()
        .map(l -> LabLayout.etcdMember(l) + "=" + url(layout.etcdPeerAdvertised(l)))
        .collect(Collectors.joining(","));
  }

  private static String url(Endpoint e) {
    return "http://" + e.host() + ":" + e.port();
  }

  /** Starts the member of {@code location} without waiting; its component record. */
  LabComponent spawn(String location) {
    if (!Files.isExecutable(Path.of(PROGRAM))) {
      throw new LabException(
          "etcd: " + PROGRAM + " not found: install Debian's etcd-server (.ci/setup does)");
    }
    Path log = labDir.resolve(location).resolve("etcd.log");
    try {
      Files.createDirectories(log.getParent());
    } catch (java.io.IOException e) {
      throw new LabException("etcd: cannot create " + log.getParent() + ": " + e.getMessage(), e);
    }
    List<String> command = Lab.prioritized(command(location));
    long pid = OsProcesses.spawnDetached(command, log);
    Endpoint client = layout.etcdClient(location);
    return new LabComponent(
        LabLayout.etcdMember(location),
        KIND,
        location,
        pid,
        client.host(),
        client.port(),
        dataDir(location).toString(),
        log.toString(),
        command,
        "/health");
  }

  /** Waits until every member reports a leader, or throws naming those that do not. */
  void awaitHealthy(List<LabComponent> members, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<String> unhealthy = new ArrayList<>();
      for (LabComponent m : members) {
        if (!OsProcesses.isAlive(m.pid())) {
          throw new LabException(m.name() + ": exited at start; see " + m.log());
        }
        if (!client(m).isHealthy()) {
          unhealthy.add(m.name());
        }
      }
      if (unhealthy.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new LabException(
            "etcd: " + unhealthy + " not healthy within " + timeout + "; see their etcd.log");
      }
      LockSupport.parkNanos(50_000_000L);
    }
  }

  /**
   * Makes the member of {@code location} the leader (a no-op when it is): the current leader is
   * asked to transfer leadership, then this waits until the target reports itself leader.
   */
  void moveLeader(String location, Duration timeout) {
    EtcdHttp target = client(layout.etcdClient(location));
    String targetId = target.status().memberId();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!target.status().isLeader()) {
      if (System.nanoTime() > deadline) {
        throw new LabException(
            "etcd: " + LabLayout.etcdMember(location) + " not leader within " + timeout);
      }
      leader().ifPresent(l -> l.moveLeader(targetId));
      LockSupport.parkNanos(100_000_000L);
    }
  }

  /** The member that reports itself leader now, if any answers so. */
  Optional<EtcdHttp> leader() {
    for (String l : layout.etcdLocations()) {
      EtcdHttp c = client(layout.etcdClient(l));
      try {
        if (c.status().isLeader()) {
          return Optional.of(c);
        }
      } catch (LabException e) {
        // Down or cut off: ask the next one.
      }
    }
    return Optional.empty();
  }

  /** Member name to "leader", "follower" or "no-leader", for every member that answers. */
  static String role(LabComponent member) {
    try {
      EtcdHttp.MemberStatus s = client(member).status();
      if (s.leaderId().equals("0") || s.leaderId().isEmpty()) {
        return "no-leader";
      }
      return s.isLeader() ? "leader" : "follower";
    } catch (LabException e) {
      return "unreachable";
    }
  }

  static EtcdHttp client(LabComponent member) {
    return client(new Endpoint(member.host(), member.port()));
  }

  static EtcdHttp client(Endpoint endpoint) {
    return new EtcdHttp(endpoint, CALL);
  }
}
