package io.summit.dr.drill.canary;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.summit.dr.drill.history.History;
import io.summit.dr.drill.history.Op;
import io.summit.dr.topology.DataClass;
import io.summit.dr.topology.Residency;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * The canary: through the global entry point, writes sequence-numbered records with unique keys
 * ({@code RUN-w1}, {@code RUN-w2}, ...) and reads records it seeded first, each at a fixed rate
 * (open loop: a slow answer never delays the next request, as real users do not wait for each
 * other). Every request is recorded as an {@link Outcome}, and in the history, with the zone of the
 * instance that answered it ({@link Outcome#ZONE_HEADER}) when the answer names one.
 *
 * <p>With {@link Settings#documentsPerSecond} above 0, only that share of the writes asks the
 * service for a document in object storage ({@code "document": true}, spread evenly over the
 * writes), the others say {@code "document": false}: a lab's object store slows down as its keys
 * accumulate. The same writes, and only they, ask for a graph node ({@code "graph"} the same as
 * {@code "document"}): the lab's Neo4j server takes some 300 transactions a second on the shared
 * machine, too close to the canary's 200 writes a second. {@link #documentIds} names the writes
 * that asked for both.
 *
 * <p>With {@link Settings#pinned}, one in {@link Pinned#every} writes and reads is pinned traffic
 * (data residency): it carries the header naming a tenant of a data class, and its entity id starts
 * with {@code TENANT-}; the total rates stay the same. Pinned reads read seeds written as pinned
 * writes. Each pinned request's {@link Outcome#dataClass} names the class. The share of writes with
 * a document applies to the pinned and the unpinned writes each.
 *
 * <p>Lifecycle: {@link #seed} (optional), {@link #start}, then {@link #stop}, which waits for the
 * requests in flight and returns every outcome. Thread-safe.
 */
public final class Canary implements AutoCloseable {
  /** The JDK HTTP client's bound on the idle connections it keeps (unbounded by default). */
  static final String POOL_SIZE_PROPERTY = "jdk.httpclient.connectionPoolSize";

  /** The idle connections a client keeps: the canary's requests in flight at twice its p99. */
  static final int POOLED_CONNECTIONS = 128;

  static {
    boundConnectionPool();
  }

  /**
   * Bounds the idle connections each JDK HTTP client of this JVM keeps to {@value
   * #POOLED_CONNECTIONS}, unless {@value #POOL_SIZE_PROPERTY} is set already. Unbounded, the pool
   * keeps every connection a slow second made the canary open, and hands them out oldest first, so
   * none ever idles out: measured under the canary (200 writes/s and 200 reads/s) after a partition
   * drill's slow seconds, the drill process held 1,072 connections to the edge router, and 17 % of
   * its CPU samples (JFR, 15 s) were in the pool's linear searches of them. The JDK reads the
   * property once, when the JVM builds its first client: a program that runs a canary calls this
   * first (the command line's main does); the canary's own call covers the rest.
   */
  public static void boundConnectionPool() {
    if (System.getProperty(POOL_SIZE_PROPERTY) == null) {
      System.setProperty(POOL_SIZE_PROPERTY, Integer.toString(POOLED_CONNECTIONS));
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param entry the global entry point (the edge router)
   * @param runId prefixes every key, so runs never collide
   * @param timeout a request not answered in this time counts as failed
   * @param documentsPerSecond how many of the writes per second ask for a document ({@code
   *     "document": true}; the others say false), at most {@code writesPerSecond}; 0: the writes
   *     send no {@code document} field, so each gets one (the service's default) when the topology
   *     has an objects store. Seeds always ask for one.
   * @param pinned the share of the traffic pinned to a data class; null for none
   */
  public record Settings(
      URI entry,
      String runId,
      double writesPerSecond,
      double readsPerSecond,
      Duration timeout,
      Duration rampUp,
      double documentsPerSecond,
      @Nullable Pinned pinned) {
    /** Without pinned traffic. */
    public Settings(
        URI entry,
        String runId,
        double writesPerSecond,
        double readsPerSecond,
        Duration timeout,
        Duration rampUp,
        double documentsPerSecond) {
      this(
          entry, runId, writesPerSecond, readsPerSecond, timeout, rampUp, documentsPerSecond, null);
    }

    /** At the full rates from the start, without a {@code document} field. */
    public Settings(
        URI entry, String runId, double writesPerSecond, double readsPerSecond, Duration timeout) {
      this(entry, runId, writesPerSecond, readsPerSecond, timeout, Duration.ZERO);
    }

    /** Without a {@code document} field: every write gets the service's default. */
    public Settings(
        URI entry,
        String runId,
        double writesPerSecond,
        double readsPerSecond,
        Duration timeout,
        Duration rampUp) {
      this(entry, runId, writesPerSecond, readsPerSecond, timeout, rampUp, 0);
    }

    public Settings {
      if (rampUp.isNegative()) {
        throw new IllegalArgumentException("rampUp: " + rampUp + " (expected: >= 0)");
      }
      if (writesPerSecond < 0 || readsPerSecond < 0 || writesPerSecond + readsPerSecond == 0) {
        throw new IllegalArgumentException(
            "rates: writes "
                + writesPerSecond
                + "/s, reads "
                + readsPerSecond
                + "/s (expected: >= 0 each, and not both 0)");
      }
      if (!(documentsPerSecond >= 0 && documentsPerSecond <= writesPerSecond)) {
        throw new IllegalArgumentException(
            "documentsPerSecond: "
                + documentsPerSecond
                + " (expected: >= 0 and <= writesPerSecond "
                + writesPerSecond
                + ")");
      }
    }
  }

  /**
   * Pinned traffic: one in {@code every} of the canary's writes and reads carries {@code header:
   * tenant}, a tenant of the data class {@code dataClass}, and its entity id starts with {@code
   * tenant-} (so a class's {@code object_prefixes: [entities/TENANT-]} selects their documents).
   *
   * @param every one in this many requests is pinned (the 10th, 20th, ... at 10)
   */
  public record Pinned(String dataClass, String header, String tenant, int every) {
    /** One in ten requests: a tenth of the traffic. */
    public static final int DEFAULT_EVERY = 10;

    public Pinned {
      if (dataClass.isBlank() || header.isBlank() || tenant.isBlank()) {
        throw new IllegalArgumentException(
            "pinned: class '"
                + dataClass
                + "', header '"
                + header
                + "', tenant '"
                + tenant
                + "' (expected: none blank)");
      }
      if (every < 2) {
        throw new IllegalArgumentException(
            "pinned.every: " + every + " (expected: >= 2, the canary keeps unpinned traffic)");
      }
    }

    /**
     * A tenth of the traffic pinned to the first class of {@code residency} that has tenants, as
     * its first tenant (on {@link Residency#tenantHeader}); null when no class has a tenant.
     */
    public static @Nullable Pinned of(Residency residency) {
      for (DataClass c : residency.classes()) {
        if (!c.tenants().isEmpty()) {
          return new Pinned(c.name(), residency.tenantHeader(), c.tenants().get(0), DEFAULT_EVERY);
        }
      }
      return null;
    }

    /** Whether the {@code n}th write or read (from 1) is pinned. */
    boolean at(long n) {
      return n % every == 0;
    }

    /** The id of a pinned record: the tenant's prefix, then {@code id}. */
    String id(String id) {
      return tenant + "-" + id;
    }
  }

  /** A seeded record: what a read must find. */
  public record Seed(String id, long seq) {}

  /** The {@code n}th write (from 1): its id, the class it is pinned to, its document field. */
  record Write(String id, long seq, @Nullable Pinned pinned, @Nullable Boolean document) {}

  /** The {@code n}th read (from 1): the seed it reads and the class it is pinned to. */
  record Read(Seed seed, @Nullable Pinned pinned) {}

  /** Running totals, for a progress display. */
  public record Totals(long writesOk, long writesFailed, long readsOk, long readsFailed) {}

  private enum State {
    NEW,
    STARTED,
    STOPPED
  }

  private final Settings settings;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final HttpClient http;
  private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<CompletableFuture<?>> inFlight =
      new ConcurrentLinkedQueue<>();
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final AtomicLong writesOk = new AtomicLong();
  private final AtomicLong writesFailed = new AtomicLong();
  private final AtomicLong readsOk = new AtomicLong();
  private final AtomicLong readsFailed = new AtomicLong();
  private final List<Seed> seeds = new ArrayList<>();
  private final List<Seed> pinnedSeeds = new ArrayList<>();
  private final Set<String> documentIds = ConcurrentHashMap.newKeySet();
  private volatile @Nullable Thread ticker;
  private final History history;

  public Canary(Settings settings) {
    this(settings, new History());
  }

  /** A canary that records its requests (once started) into {@code history} too. */
  public Canary(Settings settings, History history) {
    this.settings = settings;
    this.history = history;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(settings.timeout())
            .executor(executor)
            .build();
  }

  /**
   * Writes {@code count} records to read later, each retried until acknowledged or {@code deadline}
   * passes; with pinned traffic, {@code count / every} (at least one) pinned records besides, for
   * the pinned reads, none when the first is refused for data residency. Returns every seed.
   *
   * @throws IllegalStateException when a record cannot be written in time (the deployment does not
   *     take writes)
   */
  public synchronized List<Seed> seed(int count, Duration deadline) {
    long end = System.nanoTime() + deadline.toNanos();
    for (int i = 1; i <= count; i++) {
      seeds.add(
          java.util.Objects.requireNonNull(
              seedOne(new Seed(settings.runId() + "-seed" + i, -i), null, end, deadline)));
    }
    Pinned p = settings.pinned();
    if (p != null) {
      int pinned = Math.max(1, count / p.every());
      for (int i = 1; i <= pinned; i++) {
        Seed s = new Seed(p.id(settings.runId() + "-seed" + i), -(count + i));
        Seed written = seedOne(s, p, end, deadline);
        if (written == null) {
          break; // the class's regions cannot take it now: pinned reads read the other seeds
        }
        pinnedSeeds.add(written);
      }
    }
    List<Seed> all = new ArrayList<>(seeds);
    all.addAll(pinnedSeeds);
    return List.copyOf(all);
  }

  /**
   * Writes one seed; null when it is pinned and refused for data residency (its class's regions
   * cannot serve it now, as before a failback brings them back).
   */
  private @Nullable Seed seedOne(Seed s, @Nullable Pinned pinned, long end, Duration deadline) {
    String last = "";
    while (true) {
      // Reads must find every seed wherever it is read: a seed always asks for its document.
      Boolean document = settings.documentsPerSecond() > 0 ? Boolean.TRUE : null;
      Write w = new Write(s.id(), s.seq(), pinned, document);
      Outcome o = send(request(w), Outcome.Kind.WRITE, s.seq(), s.id(), null, pinned).join();
      if (o.ok()) {
        return s;
      }
      if (pinned != null && o.refusedByResidency()) {
        return null;
      }
      last = o.status() + " " + o.error();
      if (System.nanoTime() > end) {
        throw new IllegalStateException(
            "canary: seed " + s.id() + " not acknowledged within " + deadline + ": " + last);
      }
      LockSupport.parkNanos(100_000_000L);
    }
  }

  /** Starts issuing requests at the set rates. */
  public void start() {
    if (!state.compareAndSet(State.NEW, State.STARTED)) {
      throw new IllegalStateException("canary: started twice");
    }
    if (settings.readsPerSecond() > 0 && seeds.isEmpty()) {
      throw new IllegalStateException("canary: reads need seeded records (call seed first)");
    }
    Thread t = new Thread(this::tick, "canary");
    t.setDaemon(true);
    ticker = t;
    t.start();
  }

  /** The share of the full rates the canary starts at when it ramps up. */
  public static final double RAMP_FLOOR = 0.25;

  /**
   * The share of the full rates {@code elapsedNanos} after the start: with a ramp-up, from {@link
   * #RAMP_FLOOR} rising linearly to 1 at its end; 1 without.
   */
  static double rateShare(long elapsedNanos, Duration rampUp) {
    if (rampUp.isZero() || elapsedNanos >= rampUp.toNanos()) {
      return 1;
    }
    return RAMP_FLOOR + (1 - RAMP_FLOOR) * Math.max(0, elapsedNanos) / rampUp.toNanos();
  }

  private void tick() {
    long start = System.nanoTime();
    long writeGap = gap(settings.writesPerSecond() * rateShare(0, settings.rampUp()));
    long readGap = gap(settings.readsPerSecond() * rateShare(0, settings.rampUp()));
    long nextWrite = start;
    long nextRead = start + readGap / 2;
    long writeSeq = 0;
    long readSeq = 0;
    while (state.get() == State.STARTED) {
      long now = System.nanoTime();
      double share = rateShare(now - start, settings.rampUp());
      writeGap = gap(settings.writesPerSecond() * share);
      readGap = gap(settings.readsPerSecond() * share);
      if (writeGap > 0 && now >= nextWrite) {
        Write w = write(++writeSeq);
        track(send(request(w), Outcome.Kind.WRITE, w.seq(), w.id(), null, w.pinned()));
        nextWrite += writeGap;
      } else if (readGap > 0 && now >= nextRead) {
        Read r = read(++readSeq);
        Seed s = r.seed();
        track(send(read(s.id(), r.pinned()), Outcome.Kind.READ, s.seq(), s.id(), s, r.pinned()));
        nextRead += readGap;
      } else {
        long next =
            Math.min(
                writeGap > 0 ? nextWrite : Long.MAX_VALUE, readGap > 0 ? nextRead : Long.MAX_VALUE);
        LockSupport.parkNanos(Math.max(10_000L, next - now));
      }
    }
  }

  private static long gap(double perSecond) {
    return perSecond <= 0 ? 0 : (long) (1e9 / perSecond);
  }

  private void track(CompletableFuture<Outcome> f) {
    inFlight.add(f);
    f.whenComplete((o, e) -> inFlight.remove(f));
  }

  /**
   * The {@code n}th write (from 1): pinned when {@link Settings#pinned} says so. Its document field
   * follows the share of documents within its own stream (the pinned writes, or the others).
   */
  Write write(long n) {
    Pinned p = settings.pinned();
    String id = settings.runId() + "-w" + n;
    if (p == null) {
      return new Write(id, n, null, document(n));
    }
    long pinnedSoFar = n / p.every();
    return p.at(n)
        ? new Write(p.id(id), n, p, document(pinnedSoFar))
        : new Write(id, n, null, document(n - pinnedSoFar));
  }

  /**
   * The {@code n}th read (from 1): a pinned one reads the pinned seeds in turn, the others the
   * unpinned seeds in turn.
   */
  Read read(long n) {
    Pinned p = settings.pinned();
    if (p != null && p.at(n)) {
      // Without pinned seeds (refused while the class's regions were down), a pinned read reads
      // an unpinned seed: still a request of the class, routed only to its regions.
      List<Seed> from = pinnedSeeds.isEmpty() ? seeds : pinnedSeeds;
      return new Read(from.get((int) ((n / p.every() - 1) % from.size())), p);
    }
    long k = p == null ? n : n - n / p.every();
    return new Read(seeds.get((int) ((k - 1) % seeds.size())), null);
  }

  /**
   * The {@code document} field of the {@code n}th write (from 1) of a stream: null (none sent)
   * without a share of documents.
   */
  private @Nullable Boolean document(long n) {
    return settings.documentsPerSecond() > 0
        ? carriesDocument(n, settings.documentsPerSecond(), settings.writesPerSecond())
        : null;
  }

  /**
   * Whether the {@code n}th write (from 1) is one of the {@code documents} in {@code writes}: when
   * {@code floor(n * documents / writes)} advances, which spreads them evenly (a tenth: the 10th,
   * 20th, 30th... write).
   */
  static boolean carriesDocument(long n, double documents, double writes) {
    return Math.floor(n * documents / writes) > Math.floor((n - 1) * documents / writes);
  }

  /**
   * The ids of the writes, seeds included, that asked for a document (whatever their outcome):
   * every one when {@link Settings#documentsPerSecond} is 0 (no field: the service's default). A
   * copy: the canary runs on.
   */
  public Set<String> documentIds() {
    return Set.copyOf(documentIds);
  }

  /**
   * The request of a write, with the tenant header when pinned; one that asks for a document is in
   * {@link #documentIds} from now.
   */
  HttpRequest request(Write w) {
    ObjectNode body = JSON.createObjectNode();
    body.put("id", w.id());
    body.put("seq", w.seq());
    body.put("payload", "canary " + settings.runId());
    Boolean document = w.document();
    if (document != null) {
      body.put("document", document.booleanValue());
      body.put("graph", document.booleanValue());
    }
    if (document == null || document) {
      documentIds.add(w.id());
    }
    HttpRequest.Builder b =
        HttpRequest.newBuilder(settings.entry().resolve("/entities"))
            .timeout(settings.timeout())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    return pin(b, w.pinned()).build();
  }

  private HttpRequest read(String id, @Nullable Pinned pinned) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(settings.entry().resolve("/entities/" + id))
            .timeout(settings.timeout())
            .GET();
    return pin(b, pinned).build();
  }

  private static HttpRequest.Builder pin(HttpRequest.Builder b, @Nullable Pinned pinned) {
    return pinned == null ? b : b.header(pinned.header(), pinned.tenant());
  }

  private CompletableFuture<Outcome> send(
      HttpRequest request,
      Outcome.Kind kind,
      long seq,
      String id,
      @Nullable Seed expected,
      @Nullable Pinned pinned) {
    String dataClass = pinned == null ? null : pinned.dataClass();
    // Seeding is in the history too: a read that later misses a seed is a stale read.
    History.Pending op =
        history.invoke(
            history.newProcess(),
            kind == Outcome.Kind.WRITE ? Op.F.WRITE : Op.F.READ,
            id,
            kind == Outcome.Kind.WRITE ? seq : null,
            "edge");
    long issued = System.nanoTime();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .handle(
            (r, e) -> {
              Outcome o =
                  e != null
                      ? new Outcome(
                          kind,
                          seq,
                          id,
                          issued,
                          System.nanoTime(),
                          0,
                          null,
                          null,
                          describe(e),
                          dataClass)
                      : outcome(kind, seq, id, issued, r, expected, dataClass);
              complete(op, o, e == null ? r.body() : null, e);
              record(o);
              return o;
            });
  }

  /**
   * The history's completion of a request: an acknowledged write is ok with its term; a read is ok
   * with the seq it found (none for a 404); a write is a fail only when it surely did not happen
   * (the connection was refused, or a 4xx), an info otherwise (a timeout, a cut connection, a 5xx:
   * the row may have gone in). A write the router refused for data residency surely did not happen:
   * it was never sent on.
   */
  static void complete(
      History.Pending op, Outcome o, @Nullable String body, @Nullable Throwable e) {
    String error = o.error() == null ? "status " + o.status() : o.error();
    JsonNode json = parse(body);
    if (o.kind() == Outcome.Kind.WRITE) {
      if (o.ok()) {
        op.ok(
            null,
            json.hasNonNull("term") ? json.get("term").asLong() : null,
            o.writerRegion(),
            o.zone());
      } else if (o.refusedByResidency() || surelyNotDone(o.status(), e)) {
        op.fail(error, o.zone());
      } else {
        op.info(error, o.zone());
      }
    } else if (o.status() == 200 && json.hasNonNull("seq")) {
      op.ok(json.get("seq").asLong(), null, o.servedRegion(), o.zone());
    } else if (o.status() == 404 && json.path("error").asText().contains("not found")) {
      op.ok(null, null, text(json, "region"), o.zone());
    } else {
      op.fail(error, o.zone());
    }
  }

  /** Whether a request that got no success surely had no effect. */
  public static boolean surelyNotDone(int status, @Nullable Throwable e) {
    Throwable cause = e;
    while (cause != null) {
      if (cause instanceof java.net.ConnectException) {
        return true;
      }
      cause = cause.getCause();
    }
    return e == null && status / 100 == 4 && status != 408;
  }

  private static JsonNode parse(@Nullable String body) {
    if (body == null) {
      return JSON.createObjectNode();
    }
    try {
      JsonNode n = JSON.readTree(body);
      return n == null ? JSON.createObjectNode() : n;
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

  private static Outcome outcome(
      Outcome.Kind kind,
      long seq,
      String id,
      long issued,
      HttpResponse<String> r,
      @Nullable Seed expected,
      @Nullable String dataClass) {
    long done = System.nanoTime();
    String zone = r.headers().firstValue(Outcome.ZONE_HEADER).orElse(null);
    JsonNode body;
    try {
      body = JSON.readTree(r.body());
    } catch (IOException | RuntimeException e) {
      return new Outcome(
          kind, seq, id, issued, done, r.statusCode(), null, null, "body: " + e, dataClass, zone);
    }
    String served = text(body, "region");
    int status = r.statusCode();
    String error = status / 100 == 2 ? null : text(body, "error");
    if (status / 100 != 2 && error == null) {
      error = "status " + status;
    }
    if (expected != null && status == 200 && body.path("seq").asLong() != expected.seq()) {
      error = "read " + id + ": seq " + body.path("seq") + " (expected " + expected.seq() + ")";
    }
    return new Outcome(
        kind,
        seq,
        id,
        issued,
        done,
        status,
        text(body, "writer_region"),
        served,
        error,
        dataClass,
        zone);
  }

  private static @Nullable String text(@Nullable JsonNode body, String field) {
    return body != null && body.hasNonNull(field) ? body.get(field).asText() : null;
  }

  private static String describe(Throwable e) {
    Throwable cause =
        e instanceof java.util.concurrent.CompletionException && e.getCause() != null
            ? e.getCause()
            : e;
    return cause.getClass().getSimpleName()
        + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
  }

  private void record(Outcome o) {
    if (state.get() == State.NEW) {
      return; // seeding: not part of the measurement
    }
    outcomes.add(o);
    (o.kind() == Outcome.Kind.WRITE
            ? (o.ok() ? writesOk : writesFailed)
            : (o.ok() ? readsOk : readsFailed))
        .incrementAndGet();
  }

  /** The outcomes recorded so far, in no particular order (a copy: the canary runs on). */
  public List<Outcome> recorded() {
    return List.copyOf(outcomes);
  }

  /** The history of every request, seeding included. */
  public History history() {
    return history;
  }

  public Totals totals() {
    return new Totals(writesOk.get(), writesFailed.get(), readsOk.get(), readsFailed.get());
  }

  /**
   * Stops issuing, waits until every request in flight is answered or timed out, and returns every
   * outcome in issue order.
   */
  public List<Outcome> stop() {
    if (state.compareAndSet(State.STARTED, State.STOPPED)) {
      Thread t = ticker;
      if (t != null) {
        try {
          t.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    state.set(State.STOPPED);
    for (CompletableFuture<?> f : List.copyOf(inFlight)) {
      try {
        f.get(settings.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        // Recorded as failed by its own handler, or it never completes: either way, move on.
      }
    }
    List<Outcome> all = new ArrayList<>(outcomes);
    all.sort(java.util.Comparator.comparingLong(Outcome::issuedNanos));
    return all;
  }

  @Override
  public void close() {
    stop();
    executor.shutdownNow();
  }
}
