package io.summit.dr.replication.objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.summit.dr.access.AccessList;
import io.summit.dr.access.AccessOptions;
import io.summit.dr.access.ControlServer;
import io.summit.dr.access.Guard;
import io.summit.dr.access.Policy;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.topology.ObjectRule;
import io.summit.dr.topology.Store;
import io.summit.dr.topology.StoreKind;
import io.summit.dr.topology.Topology;
import io.summit.dr.topology.TopologyLoader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The replicator process of one region: pushes its bucket's new versions to every peer region's
 * bucket ({@link ObjectReplicator}, one direction per peer, each on its own thread), and serves its
 * figures.
 *
 * <pre>
 * ReplicatorMain --topology FILE --store objects --region us-west-2 --s3 HOST:PORT
 *     --peer us-east-1=HOST:PORT [--peer ...] --checkpoint-dir DIR --admin HOST:PORT
 *     [--interval-ms 50] [--reconcile-every-ms 10000]
 *     [--access-file FILE] [--tls-cert FILE --tls-key FILE]
 * </pre>
 *
 * <p>Each direction's thread handles the writers' notifications as they come (the bucket's {@link
 * BucketNotification} names this process's admin address), runs a full pass (the reconciliation) at
 * start, every {@code --reconcile-every-ms}, one second after a failed one, and back to back for
 * {@link #FENCED_WINDOW} once the source bucket is seen fenced (a switchover's catch-up waits for a
 * full pass that began after the fence), and reads both buckets' roles every {@link #HEARTBEAT}.
 *
 * <p>Admin API (a {@link ControlServer}, Helidon SE; other paths and methods get 404 and 405
 * problems): {@code GET /healthz}; {@code POST /v1/events} ({@code {"key", "written_at_ms"}}: a
 * writer's notification, 202); {@code GET /metrics} (Prometheus text: latency p50/p99, pending
 * operations and bytes, oldest pending age, per direction); {@code GET /v1/status} (the same as
 * JSON); {@code GET /v1/object?key=K} (each version's replication status toward each peer); {@code
 * GET /v1/access-check} (200 for a listed caller: a token rotation asks it).
 *
 * <p>With {@code --access-file} every request but {@code GET /healthz} needs a listed bearer token,
 * a viewer's or above (401 without one, as an RFC 9457 problem): the figures name the bucket's
 * keys, and a notification only asks the replicator to look at a key sooner. With {@code
 * --tls-cert}/{@code --tls-key} the admin API listens with HTTPS only, and the bucket's
 * notification configuration says so to the writers.
 */
public final class ReplicatorMain {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicatorMain.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How often each direction reads both buckets' roles (freshness, and a fenced source). */
  static final Duration HEARTBEAT = Duration.ofMillis(500);

  /** How long full passes run back to back once the source bucket is seen fenced. */
  static final Duration FENCED_WINDOW = Duration.ofSeconds(30);

  /** How long after a failed full pass the next one starts. */
  static final Duration RETRY = Duration.ofSeconds(1);

  private final List<ObjectReplicator> directions;
  private final Duration interval;
  private final Duration reconcileEvery;
  private final Clock clock = Clock.systemUTC();
  private final Map<ObjectReplicator, Thread> threads =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final Guard guard;
  private volatile boolean running = true;

  /** Who may call the admin API: any listed caller, for everything but the liveness probe. */
  static final Policy POLICY =
      (method, path) -> path.equals("/healthz") ? null : io.summit.dr.access.Role.VIEWER;

  ReplicatorMain(
      List<ObjectReplicator> directions,
      Duration interval,
      Duration reconcileEvery,
      @Nullable AccessList access) {
    this.directions = List.copyOf(directions);
    this.interval = interval;
    this.reconcileEvery = reconcileEvery;
    this.guard = Guard.ofNullable(access, POLICY);
  }

  public static void main(String[] args) throws IOException {
    AccessOptions access;
    Map<String, List<String>> a;
    try {
      access = AccessOptions.split(List.of(args));
      a = parse(access.rest().toArray(String[]::new));
    } catch (IllegalArgumentException e) {
      System.err.println("replicator: " + e.getMessage());
      System.exit(2);
      return;
    }
    Topology topology = TopologyLoader.load(Path.of(one(a, "--topology")));
    String storeName = one(a, "--store");
    Store store =
        topology
            .store(storeName)
            .filter(s -> s.kind() == StoreKind.OBJECTS)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "--store: '" + storeName + "' (expected: a store of kind objects)"));
    ObjectRule rule = store.objectRule();
    String region = one(a, "--region");
    Duration timeout = Duration.ofSeconds(1);
    ObjectReplicator.Side local =
        new ObjectReplicator.Side(
            region, S3Clients.at(Endpoint.parse(one(a, "--s3")), timeout), rule.bucket(region));
    Path dir = Path.of(one(a, "--checkpoint-dir"));
    List<ObjectReplicator> directions = new ArrayList<>();
    for (String peer : a.getOrDefault("--peer", List.of())) {
      int eq = peer.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--peer: '" + peer + "' (expected: REGION=HOST:PORT)");
      }
      String name = peer.substring(0, eq);
      ObjectReplicator.Side remote =
          new ObjectReplicator.Side(
              name,
              S3Clients.at(Endpoint.parse(peer.substring(eq + 1)), timeout),
              rule.bucket(name));
      Checkpoint cp = Checkpoint.open(dir.resolve("checkpoint-" + region + "-to-" + name + ".log"));
      directions.add(
          new ObjectReplicator(local, remote, rule, topology.residency(), cp, Clock.systemUTC()));
    }
    Duration interval = Duration.ofMillis(millis(a, "--interval-ms", 50));
    Duration reconcileEvery = Duration.ofMillis(millis(a, "--reconcile-every-ms", 10_000));
    Endpoint admin = Endpoint.parse(one(a, "--admin"));
    ReplicatorMain main =
        new ReplicatorMain(directions, interval, reconcileEvery, access.access().orElse(null));
    main.serve(admin, access.serverTls());
    BucketNotification notification = new BucketNotification(admin, access.tls().isPresent());
    Thread.ofVirtual().start(() -> main.publish(local, notification));
    main.run();
  }

  private static long millis(Map<String, List<String>> a, String name, long otherwise) {
    List<String> v = a.get(name);
    if (v == null || v.isEmpty()) {
      return otherwise;
    }
    try {
      long ms = Long.parseLong(v.get(0));
      if (ms > 0) {
        return ms;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        name + ": '" + v.get(0) + "' (expected: a whole number of milliseconds > 0)");
  }

  /** Records where writers send their notifications, retried until the bucket takes it. */
  private void publish(ObjectReplicator.Side local, BucketNotification n) {
    while (running) {
      try {
        n.write(local.client(), local.bucket());
        LOG.info("{}: writers notify {}", local.bucket(), n.events());
        return;
      } catch (SdkException e) {
        LOG.debug(
            "{}: notification configuration not written yet: {}", local.bucket(), e.toString());
        LockSupport.parkNanos(RETRY.toNanos());
      }
    }
  }

  private void run() {
    for (ObjectReplicator r : directions) {
      threads.put(
          r,
          Thread.ofPlatform().name("replicate-" + r.destination().region()).start(() -> loop(r)));
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> running = false));
    for (Thread t : threads.values()) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** One direction: notifications as they come, full passes when due, heartbeats between. */
  private void loop(ObjectReplicator r) {
    String lastError = null;
    Instant lastAttempt = Instant.EPOCH;
    Instant lastBeat = Instant.EPOCH;
    boolean failed = false;
    boolean complete = false;
    Instant fencedSince = null;
    while (running) {
      Instant now = clock.instant();
      if (!now.isBefore(lastBeat.plus(HEARTBEAT))) {
        ObjectReplicator.Beat beat = r.heartbeat();
        lastBeat = now;
        if (beat.reached()) {
          fencedSince = beat.sourceFenced() ? (fencedSince == null ? now : fencedSince) : null;
        }
      }
      boolean fencedWindow = fencedSince != null && now.isBefore(fencedSince.plus(FENCED_WINDOW));
      boolean due =
          failed
              ? !now.isBefore(lastAttempt.plus(RETRY))
              : !complete || fencedWindow || !now.isBefore(lastAttempt.plus(reconcileEvery));
      ObjectReplicator.PassResult result = null;
      try {
        if (due) {
          lastAttempt = now;
          result = r.pass();
          failed = result.error() != null;
          complete |= !failed;
        } else if (r.hasEvents()) {
          result = r.events();
        }
      } catch (RuntimeException e) {
        result = new ObjectReplicator.PassResult(0, -1, e.toString());
        failed = due;
      }
      if (result != null) {
        if (result.error() != null && !result.error().equals(lastError)) {
          LOG.warn("to {}: {}", r.destination().region(), result.error());
        } else if (result.error() == null && lastError != null) {
          LOG.info("to {}: replicating again", r.destination().region());
        }
        lastError = result.error();
      }
      if (result == null) {
        // idle: a notification wakes the loop at once
        LockSupport.parkNanos(interval.toNanos());
      } else if (result.error() != null) {
        // a side unreachable: what is left is retried, not hammered
        LockSupport.parkNanos(HEARTBEAT.toNanos());
      }
    }
  }

  /** A writer's notification: {@code {"key": K, "written_at_ms": T}}; 202 once queued. */
  private void event(ServerRequest req, ServerResponse res) {
    JsonNode body;
    try (var in = req.content().inputStream()) {
      body = JSON.readTree(in);
    } catch (IOException e) {
      send(
          res,
          400,
          "text/plain",
          "body: not JSON (expected: {\"key\": K, \"written_at_ms\": T})\n");
      return;
    }
    JsonNode key = body == null ? null : body.get("key");
    if (key == null || !key.isTextual() || key.asText().isEmpty()) {
      send(res, 400, "text/plain", "key: missing or not a string (expected: the object's key)\n");
      return;
    }
    JsonNode at = body.get("written_at_ms");
    if (at != null && !at.canConvertToLong()) {
      send(res, 400, "text/plain", "written_at_ms: " + at + " (expected: epoch milliseconds)\n");
      return;
    }
    Instant writtenAt = at == null ? clock.instant() : Instant.ofEpochMilli(at.asLong());
    for (ObjectReplicator r : directions) {
      r.offer(key.asText(), writtenAt);
      Thread t = threads.get(r);
      if (t != null) {
        LockSupport.unpark(t);
      }
    }
    send(res, 202, "text/plain", "queued\n");
  }

  /**
   * Binds {@code admin} and serves the admin API, every request through the access list's guard.
   *
   * @throws IOException naming the address when it cannot be bound
   */
  ControlServer serve(Endpoint admin, javax.net.ssl.@Nullable SSLContext tls) throws IOException {
    ControlServer s =
        ControlServer.builder("replicator admin", new InetSocketAddress(admin.host(), admin.port()))
            .tls(tls)
            .guard(() -> guard)
            .routes(
                r ->
                    r.get("/healthz", (req, res) -> send(res, 200, "text/plain", "ok\n"))
                        .get(
                            "/metrics",
                            (req, res) ->
                                send(
                                    res,
                                    200,
                                    "text/plain; version=0.0.4",
                                    ReplicationMetrics.prometheus(snapshots(clock.instant()))))
                        .get(
                            "/v1/status",
                            (req, res) -> send(res, 200, "application/json", status()))
                        .get("/v1/object", this::object)
                        .post("/v1/events", this::event)
                        .get(
                            "/v1/access-check", (req, res) -> send(res, 200, "text/plain", "ok\n")))
            .start();
    LOG.info(
        "replicator admin API on {}{}{}",
        admin,
        tls == null ? "" : " (HTTPS)",
        guard.isOpen() ? "" : " (access list)");
    return s;
  }

  private List<ReplicationMetrics.Snapshot> snapshots(Instant now) {
    return directions.stream().map(r -> r.metrics().snapshot(now)).toList();
  }

  private String status() throws IOException {
    Instant now = clock.instant();
    List<Map<String, @Nullable Object>> peers = new ArrayList<>();
    for (ReplicationMetrics.Snapshot s : snapshots(now)) {
      Map<String, @Nullable Object> m = new LinkedHashMap<>();
      m.put("source", s.source());
      m.put("destination", s.destination());
      m.put("pending_operations", s.pendingOperations());
      m.put("pending_bytes", s.pendingBytes());
      Duration age = s.oldestPendingAge();
      m.put("oldest_pending_age_ms", age == null ? null : age.toMillis());
      m.put("latency_p50_ms", s.latencyP50Millis());
      m.put("latency_p99_ms", s.latencyP99Millis());
      m.put("completed", s.completed());
      m.put("failed", s.failed());
      m.put("replicas", s.replicas());
      m.put("last_contact_at", s.lastContactAt() == null ? null : s.lastContactAt().toString());
      m.put(
          "last_complete_pass_started_at",
          s.lastCompletePassStartedAt() == null ? null : s.lastCompletePassStartedAt().toString());
      m.put("last_error", s.lastError());
      peers.add(m);
    }
    return JSON.writeValueAsString(Map.of("observed_at", now.toString(), "directions", peers));
  }

  private void object(ServerRequest req, ServerResponse res) throws IOException {
    String key = req.query().first("key").orElse(null);
    if (key == null || key.isBlank()) {
      send(res, 400, "text/plain", "key: missing (expected: /v1/object?key=KEY)\n");
      return;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    try {
      for (ObjectReplicator r : directions) {
        out.put(r.destination().region(), r.statusOf(key));
      }
    } catch (RuntimeException e) {
      send(res, 503, "text/plain", "cannot list " + key + ": " + e.getMessage() + "\n");
      return;
    }
    send(res, 200, "application/json", JSON.writeValueAsString(out));
  }

  private static void send(ServerResponse res, int code, String type, String body) {
    ControlServer.reply(res, code, type, body);
  }

  private static Map<String, List<String>> parse(String[] args) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "argument '" + args[i] + "' (expected: --NAME VALUE pairs)");
      }
      out.computeIfAbsent(args[i], k -> new ArrayList<>()).add(args[++i]);
    }
    return out;
  }

  private static String one(Map<String, List<String>> a, String name) {
    List<String> v = a.get(name);
    if (v == null || v.isEmpty()) {
      throw new IllegalArgumentException(name + ": missing (expected: " + name + " VALUE)");
    }
    return v.get(0);
  }
}
