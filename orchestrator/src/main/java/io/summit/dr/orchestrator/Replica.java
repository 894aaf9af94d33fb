package io.summit.dr.orchestrator;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.orchestrator.api.ReplicaServer;
import io.summit.dr.orchestrator.coordination.EtcdControlStore;
import io.summit.dr.orchestrator.coordination.Leadership;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.topology.Topology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One orchestrator replica among several sharing an etcd cluster: it campaigns for leadership, and
 * while it leads it runs the orchestrator (resuming any plan the journal in etcd left open,
 * supervising, detecting, serving the API); while it follows it redirects clients to the leader.
 * Losing leadership (its lease not renewed in time, or taken) stops everything it ran at once; its
 * journal writes would be refused anyway, being conditional on the leader key.
 *
 * <p>Timing: the leader lease TTL is 2 s and a leader steps down 500 ms before it could lapse;
 * followers campaign every 200 ms and as soon as they see the leader key deleted, so a killed
 * leader is replaced 2-2.6 s after its last renewal (etcd looks for expired leases every 500 ms),
 * after which the new leader reads the journal and finishes the open plan.
 */
public final class Replica implements Leadership.Listener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Replica.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The pause between two lag-monitor passes, on every replica. A pass opens a connection to every
   * store node (across the WAN for the far region); at the probe interval (300 ms) on two replicas
   * the connections' backends took enough of the two cores to triple a promotion's time (write RTO
   * 2.5-2.7 s in the demo). A pass every second (plus its own time: it observes every node at once)
   * keeps the RPO guard's last sight of a primary within its blind limit (4.5 s) with room for
   * detection.
   */
  static final Duration LAG_POLL = Duration.ofSeconds(1);

  /** The region agents' lease TTL (1 s) plus a margin for clock rates and the fence itself. */
  static final Duration AUTHORITY_BOUND = Duration.ofMillis(1300);

  private final OrchestratorMain.Options options;
  private final Topology topology;
  private final OrchestratorMain.Environment env;
  private final EtcdControlStore control;
  private final ReplicaServer server;
  private final Leadership leadership;
  private volatile OrchestratorMain.@Nullable Running running;
  // Polled leading or following: a replica that takes over a failover knows the lag from before.
  private final LagMonitor lag;
  // The replicas as last read from etcd, and when (monotonic nanos): see peers().
  private volatile @Nullable Peers peers;

  private record Peers(long readAt, java.util.List<ReplicaServer.Peer> list) {}

  private final java.util.concurrent.ScheduledExecutorService lagPolls =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
          Thread.ofVirtual().name("lag-monitor").factory());

  private Replica(
      OrchestratorMain.Options options, Topology topology, OrchestratorMain.Environment env)
      throws IOException {
    this.options = options;
    this.topology = topology;
    this.env = env;
    this.lag = LagMonitor.of(topology, env.stores());
    this.control =
        new EtcdControlStore(
            options.etcd(), topology.name(), Duration.ofMillis(800), AUTHORITY_BOUND);
    String self =
        JSON.writeValueAsString(
            Map.of("id", options.id(), "api", advertised(options.listen()).toString()));
    this.leadership =
        new Leadership(
            control,
            options.id(),
            self,
            Duration.ofSeconds(2),
            Duration.ofMillis(500),
            options.deferTo(),
            this);
    this.server =
        new ReplicaServer(
            new InetSocketAddress(options.listen().host(), options.listen().port()),
            options.id(),
            this::leaderApi,
            this::peers,
            options.tls());
    options.access().ifPresent(a -> server.require(a, options.policy()));
  }

  /**
   * The API address other replicas redirect clients to: {@code listen}, or when it listens on every
   * interface ({@code 0.0.0.0}, a container's usual binding) this host's own address, as its name
   * resolves (a Fargate task's name resolves to its private IP).
   */
  static Endpoint advertised(Endpoint listen) {
    String host = listen.host();
    if (!host.equals("0.0.0.0") && !host.equals("::") && !host.equals("[::]")) {
      return listen;
    }
    try {
      return new Endpoint(InetAddress.getLocalHost().getHostAddress(), listen.port());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(
          "--listen: "
              + listen
              + " listens on every interface and this host's name does not resolve ("
              + e.getMessage()
              + "): expected a host name that resolves, or --listen HOST:PORT with the address",
          e);
    }
  }

  /** Starts a replica: its listener (as follower) and its campaign. */
  public static Replica start(
      OrchestratorMain.Options options, Topology topology, OrchestratorMain.Environment env)
      throws IOException {
    Replica r = new Replica(options, topology, env);
    r.server.start();
    r.lagPolls.scheduleWithFixedDelay(
        () -> {
          try {
            r.lag.pollOnce();
          } catch (RuntimeException e) {
            LOG.warn("{}: lag poll: {}", options.id(), e.toString());
          }
        },
        0,
        LAG_POLL.toMillis(),
        java.util.concurrent.TimeUnit.MILLISECONDS);
    r.leadership.start(Duration.ofMillis(200));
    LOG.info(
        "{}: replica at {} ({}), campaigning", options.id(), options.listen(), options.location());
    return r;
  }

  /**
   * Every replica of the control plane, read from etcd at most once a second (the dashboard's
   * cross-origin calls ask for it on each request); the last list read while etcd does not answer.
   */
  private java.util.List<ReplicaServer.Peer> peers() {
    Peers last = peers;
    long now = System.nanoTime();
    if (last != null && now - last.readAt() < Duration.ofSeconds(1).toNanos()) {
      return last.list();
    }
    try {
      java.util.List<ReplicaServer.Peer> list =
          leadership.members().stream()
              .map(m -> new ReplicaServer.Peer(m.id(), api(m.value()), m.campaigning()))
              .toList();
      peers = new Peers(now, list);
      return list;
    } catch (RuntimeException e) {
      LOG.debug("{}: listing the replicas: {}", options.id(), e.toString());
      java.util.List<ReplicaServer.Peer> kept = last == null ? java.util.List.of() : last.list();
      peers = new Peers(now, kept);
      return kept;
    }
  }

  /** The API address in what a replica campaigns with. */
  private static String api(String value) {
    try {
      return JSON.readTree(value).path("api").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Optional<String> leaderApi() {
    return leadership.leader().map(Replica::api);
  }

  /** True while this replica leads. */
  public boolean leading() {
    return leadership.leading();
  }

  @Override
  public synchronized void gained(long token) {
    try {
      long t0 = System.nanoTime();
      OrchestratorMain.Running r = OrchestratorMain.lead(options, topology, env, control, lag);
      running = r;
      server.lead(r.api());
      r.orchestrator()
          .events()
          .publish(
              "leader-elected",
              Map.of(
                  "replica",
                  options.id(),
                  "location",
                  options.location(),
                  "token",
                  token,
                  "ready_ms",
                  (System.nanoTime() - t0) / 1_000_000));
    } catch (RuntimeException e) {
      // Resign and stay in the election: closing the leadership here took this replica out of it
      // for good after one slow journal read, and left the witness to lead every later failover.
      LOG.error("{}: could not start as leader, resigning: {}", options.id(), e.toString(), e);
      leadership.resign(token, "could not start as leader: " + e.getMessage());
    }
  }

  /** The lead may go to a preferred replica while this one runs no plan. */
  @Override
  public boolean mayHandOver() {
    OrchestratorMain.Running r = running;
    return r == null || r.orchestrator().plans().running().isEmpty();
  }

  @Override
  public synchronized void lost(String why) {
    server.follow();
    OrchestratorMain.Running r = running;
    running = null;
    if (r != null) {
      try {
        r.close();
      } catch (Exception e) {
        LOG.warn("{}: stopping the leader's work: {}", options.id(), e.toString());
      }
    }
    LOG.warn("{}: follower now: {}", options.id(), why);
  }

  @Override
  public void close() {
    lagPolls.shutdownNow();
    lag.close();
    leadership.close();
    server.close();
    control.close();
  }
}
