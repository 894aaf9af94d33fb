package io.summit.dr.stores.neo4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One region's Neo4j server: Neo4j Community embedded (Bolt on the configured address, HTTP off),
 * {@link ChangeCapture} registered, an {@link Applier} while it is a replica, {@link Snapshots},
 * and the role operations the store adapter calls through {@link AdminApi}. Role changes are
 * serialized (synchronized) and recorded in {@link ServerState} before they take effect.
 *
 * <p>Rejoin replays from the node's own sequence number when the new primary holds its last entry
 * unchanged (no divergence: a switchover, or a failover that lost nothing). Otherwise it rebuilds
 * from a snapshot of the new primary: Community keeps no undo log, so the changes an old primary
 * committed after the promoted sequence number cannot be rolled back; a rebuild is right for any
 * divergence, and it is the same path as a restore. It costs a snapshot, during which the new
 * primary's commits wait, and a load (measured in docs/neo4j.md).
 */
public final class Neo4jServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Neo4jServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ServerConfig config;
  private final InstantSource clock;
  private final DatabaseManagementService dbms;
  private final Graph graph;
  private final Snapshots snapshots;
  private final AtomicReference<ServerState> state;
  private final ScheduledExecutorService scheduler;
  private @Nullable Applier applier;
  // How it reaches its primary's admin API: HTTPS trusting --ca-file, or plain HTTP.
  private final UpstreamLink link;

  private Neo4jServer(ServerConfig config, InstantSource clock) {
    this.config = config;
    this.clock = clock;
    java.nio.file.Path ca = config.caFile();
    this.link =
        ca == null ? UpstreamLink.PLAIN : new UpstreamLink(io.summit.dr.access.Tls.trusting(ca));
    this.state =
        new AtomicReference<>(
            ServerState.read(config.data(), ServerState.initial(config.upstream())));
    this.dbms =
        new DatabaseManagementServiceBuilder(config.data().resolve("graph"))
            .loadPropertiesFromFile(writeConf(config))
            .build();
    this.graph = new Graph(dbms.database("neo4j"));
    this.snapshots = new Snapshots(graph, new DirectorySnapshotStore(config.snapshots()), clock);
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory());
  }

  /** Starts the server: the database, the capture, the applier or a pending rebuild. */
  public static Neo4jServer start(ServerConfig config, InstantSource clock) {
    Neo4jServer s = new Neo4jServer(config, clock);
    s.dbms.registerTransactionEventListener(
        "neo4j", new ChangeCapture(s.graph, s.state::get, clock));
    s.graph.prepare();
    s.state.get().write(config.data());
    s.resume();
    if (!config.snapshotEvery().isZero()) {
      long every = config.snapshotEvery().toMillis();
      s.scheduler.scheduleAtFixedRate(s::scheduledSnapshot, every, every, TimeUnit.MILLISECONDS);
    }
    return s;
  }

  private static Path writeConf(ServerConfig c) {
    Path conf = c.data().resolve("neo4j.conf");
    String text =
        String.join(
            "\n",
            "server.bolt.enabled=true",
            "server.bolt.listen_address=" + c.bolt(),
            "server.bolt.advertised_address=" + c.bolt(),
            "server.http.enabled=false",
            "server.https.enabled=false",
            "dbms.security.auth_enabled=false",
            "server.memory.pagecache.size=" + c.pageCache(),
            "db.tx_log.rotation.retention_policy=2 files",
            "db.tx_log.rotation.size=16m",
            "server.logs.gc.enabled=false",
            "dbms.usage_report.enabled=false",
            "internal.dbms.bolt.netty_server_shutdown_quiet_period=0",
            "internal.dbms.bolt.netty_server_shutdown_timeout=1s",
            // Expressions stay interpreted: with the default (compiled once a query is hot) every
            // hot query was planned a second time, which took over a second on the lab's C1-only
            // JVM under a drill's writes and timed the writes out.
            "internal.cypher.expression_engine=INTERPRETED",
            // No replanning while a new graph grows: every query here finds its nodes by an index
            // on the business key, whatever the statistics say. With the defaults (replan when a
            // statistic has changed by 75 %, at most every 10 s) a fresh lab's primary replanned
            // the service's write three times in its first 30 s of a drill (logged in debug.log),
            // each time on the C1-only JVM, and the writes waited on the new plan.
            "dbms.cypher.statistics_divergence_threshold=1.0",
            "dbms.cypher.min_replan_interval=1h",
            "");
    try {
      Files.createDirectories(c.data());
      Files.writeString(conf, text);
      return conf;
    } catch (IOException e) {
      throw new UncheckedIOException(c.data() + ": cannot write neo4j.conf", e);
    }
  }

  private synchronized void resume() {
    ServerState s = state.get();
    if (s.rebuilding()) {
      Thread.ofVirtual().start(this::rebuildUntilDone);
    } else if (!s.isPrimary()) {
      applier = new Applier(graph, requireUpstream(s), clock, link).start();
    }
  }

  private static String requireUpstream(ServerState s) {
    String u = s.upstream();
    if (u == null) {
      throw new IllegalStateException("neo4j: a replica without upstream");
    }
    return u;
  }

  private void rebuildUntilDone() {
    while (state.get().rebuilding()) {
      try {
        rebuild(requireUpstream(state.get()));
      } catch (RuntimeException e) {
        LOG.warn(
            "neo4j: rebuild from {} failed ({}); retrying", state.get().upstream(), e.toString());
        java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
      }
    }
  }

  ServerState state() {
    return state.get();
  }

  Graph graph() {
    return graph;
  }

  Snapshots snapshots() {
    return snapshots;
  }

  private void set(ServerState next) {
    next.write(config.data());
    state.set(next);
  }

  /** Outcome of a role operation: whether it changed anything, and what the server is now. */
  public record Outcome(boolean changed, String detail) {}

  public synchronized Outcome fence() {
    ServerState s = state.get();
    if (!s.isPrimary() || s.fenced()) {
      return new Outcome(false, s.isPrimary() ? "already fenced" : "a replica takes no writes");
    }
    set(s.withFenced(true));
    return new Outcome(true, "fenced at seq " + graph.seq());
  }

  public synchronized Outcome unfence() {
    ServerState s = state.get();
    if (!s.isPrimary()) {
      throw new WriteRefusedException("neo4j: a replica cannot be unfenced (expected: promote it)");
    }
    if (!s.fenced()) {
      return new Outcome(false, "not fenced");
    }
    set(s.withFenced(false));
    return new Outcome(true, "unfenced");
  }

  public synchronized Outcome promote() {
    ServerState s = state.get();
    if (s.isPrimary()) {
      if (s.fenced()) {
        set(s.withFenced(false));
        return new Outcome(true, "was a fenced primary; unfenced");
      }
      return new Outcome(false, "already primary");
    }
    stopApplier();
    long seq = graph.seq();
    set(s.promoted(seq));
    return new Outcome(true, "promoted at seq " + seq);
  }

  public synchronized Outcome term(long term) {
    ServerState s = state.get();
    if (s.term() >= term) {
      return new Outcome(false, "holds term " + s.term());
    }
    set(s.withTerm(term));
    return new Outcome(true, "term " + term);
  }

  /**
   * Makes this node a replica of {@code upstream} (its admin address). When the upstream holds this
   * node's last entry unchanged (same sequence number, commit time and changes) and the entries
   * after it, the two histories are one up to there (the upstream got it by replication: an entry
   * it committed itself would differ), so this node replays from its own sequence number, as a
   * switchover's fenced old primary or an old primary that lost nothing unreplicated. Otherwise (it
   * committed something the upstream never got, or either graph was restored from a snapshot since)
   * it is rebuilt from a snapshot the upstream takes now. {@code changed} is false when it already
   * replicates from it.
   */
  public synchronized Outcome rejoin(String upstream) {
    ServerState s = state.get();
    if (!s.isPrimary() && upstream.equals(s.upstream()) && !s.rebuilding()) {
      return new Outcome(false, "already a replica of " + upstream);
    }
    stopApplier();
    // A replica from here on (recorded as rebuilding until the check below says otherwise, so a
    // crash in between rebuilds at start): commits are vetoed, and the tip read under the
    // sequence lock is final.
    set(s.replicaOf(upstream, true));
    Graph.Tip tip = graph.tip();
    String agreed = agreement(link, upstream, tip);
    if (agreed != null) {
      set(state.get().replicaOf(upstream, false));
      applier = new Applier(graph, upstream, clock, link).start();
      return new Outcome(true, agreed);
    }
    return new Outcome(true, rebuild(upstream));
  }

  /**
   * Why this node can replay from its own tip, or null when it must be rebuilt (the upstream
   * differs at the tip, misses the entries after it, or cannot be asked).
   */
  private static @Nullable String agreement(UpstreamLink link, String upstream, Graph.Tip tip) {
    if (tip.seq() > 0 && tip.entry() == null) {
      return null; // restored from a snapshot: nothing to compare
    }
    try {
      HttpResponse<String> r =
          link.client(Duration.ofSeconds(2))
              .send(
                  HttpRequest.newBuilder(
                          link.uri(
                              upstream,
                              "/v1/changes?after=" + Math.max(0, tip.seq() - 1) + "&limit=2"))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        return null;
      }
      JsonNode body = JSON.readTree(r.body());
      long head = body.path("head").asLong(-1);
      List<OutboxEntry> theirs = new java.util.ArrayList<>();
      for (JsonNode e : body.path("entries")) {
        theirs.add(
            new OutboxEntry(e.path("seq").asLong(), e.path("at").asLong(), e.path("ops").asText()));
      }
      int next = 0;
      if (tip.seq() > 0) {
        if (theirs.isEmpty() || !theirs.get(0).equals(tip.entry())) {
          return null;
        }
        next = 1;
      }
      boolean continues =
          head == tip.seq() || (theirs.size() > next && theirs.get(next).seq() == tip.seq() + 1);
      if (head < tip.seq() || !continues) {
        return null;
      }
      return "history agrees with "
          + upstream
          + " up to seq "
          + tip.seq()
          + "; replaying from there (no snapshot needed)";
    } catch (IOException | RuntimeException e) {
      LOG.warn("neo4j: cannot compare histories with {} ({}); rebuilding", upstream, e.toString());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private synchronized String rebuild(String upstream) {
    String id = requestSnapshot(link, upstream);
    SnapshotManifest m = snapshots.restore(id);
    set(state.get().replicaOf(upstream, false));
    applier = new Applier(graph, upstream, clock, link).start();
    return "rebuilt from snapshot " + id + " at seq " + m.seq() + "; replaying from there";
  }

  private static String requestSnapshot(UpstreamLink link, String upstream) {
    try {
      HttpResponse<String> r =
          link.client(Duration.ofSeconds(2))
              .send(
                  HttpRequest.newBuilder(link.uri(upstream, "/v1/snapshots"))
                      .POST(HttpRequest.BodyPublishers.noBody())
                      .timeout(Duration.ofMinutes(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      JsonNode body = JSON.readTree(r.body());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(
            "neo4j: " + upstream + " refused a snapshot: " + body.path("error").asText());
      }
      return body.path("id").asText();
    } catch (IOException e) {
      throw new UncheckedIOException("neo4j: cannot reach " + upstream + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("neo4j: interrupted", e);
    }
  }

  /**
   * Replaces this node's graph with snapshot {@code id}; a replica then replays its primary's
   * changes from the snapshot's sequence number.
   *
   * @throws WriteRefusedException on an unfenced primary (it takes writes: fence it first)
   * @throws SnapshotNotFoundException for an unknown id; nothing changed
   */
  public synchronized SnapshotManifest restore(String id) {
    ServerState s = state.get();
    if (s.isPrimary() && !s.fenced()) {
      throw new WriteRefusedException(
          "neo4j: restore onto a running primary (expected: a replica, or a fenced primary)");
    }
    if (snapshots.store().find(id).isEmpty()) {
      throw new SnapshotNotFoundException(
          "snapshot: '"
              + id
              + "' does not exist (expected: one of "
              + snapshots.store().list().stream().map(SnapshotManifest::id).toList()
              + ")");
    }
    stopApplier();
    SnapshotManifest m = snapshots.restore(id);
    if (!s.isPrimary()) {
      applier = new Applier(graph, requireUpstream(s), clock, link).start();
    }
    return m;
  }

  public SnapshotManifest snapshot() {
    return snapshots.take();
  }

  private void scheduledSnapshot() {
    try {
      if (state.get().isPrimary()) {
        LOG.info("neo4j: scheduled snapshot {}", snapshots.take().id());
      }
    } catch (RuntimeException e) {
      LOG.warn("neo4j: scheduled snapshot failed: {}", e.toString());
    }
  }

  private void stopApplier() {
    Applier a = applier;
    if (a != null) {
      a.close();
      applier = null;
    }
  }

  /** What the adapter observes: role, fencing, term, sequence numbers and the replica's lag. */
  public Map<String, Object> status() {
    ServerState s = state.get();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("role", s.role());
    out.put("fenced", s.fenced());
    out.put("term", s.term());
    out.put("seq", graph.seq());
    out.put("promotedAt", s.promotedAt());
    out.put("rebuilding", s.rebuilding());
    out.put("bolt", config.bolt());
    out.put("observedAt", clock.instant().toString());
    Applier a = applier;
    if (a != null) {
      Applier.Lag l = a.lag();
      out.put("upstream", a.upstream());
      out.put("upstreamHead", l.upstreamHead());
      out.put("lagTransactions", l.transactions());
      out.put("lagSeconds", l.seconds());
      out.put("lagMeasuredAt", l.measuredAt() == null ? null : String.valueOf(l.measuredAt()));
      out.put("streaming", l.streaming());
      out.put("error", l.error());
    } else if (s.upstream() != null) {
      out.put("upstream", s.upstream());
    }
    return out;
  }

  List<SnapshotManifest> listSnapshots() {
    return snapshots.store().list();
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    synchronized (this) {
      stopApplier();
    }
    dbms.shutdown();
  }
}
