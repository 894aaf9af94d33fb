package io.summit.dr.drill.canary;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.summit.dr.drill.history.History;
import io.summit.dr.drill.history.Op;
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
 * other). Every request is recorded as an {@link Outcome}.
 *
 * <p>With {@link Settings#documentsPerSecond} above 0, only that share of the writes asks the
 * service for a document in object storage ({@code "document": true}, spread evenly over the
 * writes), the others say {@code "document": false}: a lab's object store slows down as its keys
 * accumulate. {@link #documentIds} names the writes that asked for one.
 *
 * <p>Lifecycle: {@link #seed} (optional), {@link #start}, then {@link #stop}, which waits for the
 * requests in flight and returns every outcome. Thread-safe.
 */
public final class Canary implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param entry the global entry point (the edge router)
   * @param runId prefixes every key, so runs never collide
   * @param timeout a request not answered in this time counts as failed
   * @param documentsPerSecond how many of the writes per second ask for a document ({@code
   *     "document": true}; the others say false), at most {@code writesPerSecond}; 0: the writes
   *     send no {@code document} field, so each gets one (the service's default) when the topology
   *     has an objects store. Seeds always ask for one.
   */
  public record Settings(
      URI entry,
      String runId,
      double writesPerSecond,
      double readsPerSecond,
      Duration timeout,
      Duration rampUp,
      double documentsPerSecond) {
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

  /** A seeded record: what a read must find. */
  public record Seed(String id, long seq) {}

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
   * passes.
   *
   * @throws IllegalStateException when a record cannot be written in time (the deployment does not
   *     take writes)
   */
  public synchronized List<Seed> seed(int count, Duration deadline) {
    long end = System.nanoTime() + deadline.toNanos();
    for (int i = 1; i <= count; i++) {
      Seed s = new Seed(settings.runId() + "-seed" + i, -i);
      String last = "";
      while (true) {
        // Reads must find every seed wherever it is read: a seed always asks for its document.
        Boolean document = settings.documentsPerSecond() > 0 ? Boolean.TRUE : null;
        Outcome o =
            send(write(s.id(), s.seq(), document), Outcome.Kind.WRITE, s.seq(), s.id(), null)
                .join();
        if (o.ok()) {
          break;
        }
        last = o.status() + " " + o.error();
        if (System.nanoTime() > end) {
          throw new IllegalStateException(
              "canary: seed " + s.id() + " not acknowledged within " + deadline + ": " + last);
        }
        LockSupport.parkNanos(100_000_000L);
      }
      seeds.add(s);
    }
    return List.copyOf(seeds);
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
    long readIndex = 0;
    while (state.get() == State.STARTED) {
      long now = System.nanoTime();
      double share = rateShare(now - start, settings.rampUp());
      writeGap = gap(settings.writesPerSecond() * share);
      readGap = gap(settings.readsPerSecond() * share);
      if (writeGap > 0 && now >= nextWrite) {
        writeSeq++;
        String id = settings.runId() + "-w" + writeSeq;
        track(
            send(write(id, writeSeq, document(writeSeq)), Outcome.Kind.WRITE, writeSeq, id, null));
        nextWrite += writeGap;
      } else if (readGap > 0 && now >= nextRead) {
        Seed s = seeds.get((int) (readIndex++ % seeds.size()));
        track(send(read(s.id()), Outcome.Kind.READ, s.seq(), s.id(), s));
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
   * The {@code document} field of the {@code n}th write (from 1): null (none sent) without a share
   * of documents.
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

  /** The request of a write; one that asks for a document is in {@link #documentIds} from now. */
  private HttpRequest write(String id, long seq, @Nullable Boolean document) {
    ObjectNode body = JSON.createObjectNode();
    body.put("id", id);
    body.put("seq", seq);
    body.put("payload", "canary " + settings.runId());
    if (document != null) {
      body.put("document", document.booleanValue());
    }
    if (document == null || document) {
      documentIds.add(id);
    }
    return HttpRequest.newBuilder(settings.entry().resolve("/entities"))
        .timeout(settings.timeout())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
        .build();
  }

  private HttpRequest read(String id) {
    return HttpRequest.newBuilder(settings.entry().resolve("/entities/" + id))
        .timeout(settings.timeout())
        .GET()
        .build();
  }

  private CompletableFuture<Outcome> send(
      HttpRequest request, Outcome.Kind kind, long seq, String id, @Nullable Seed expected) {
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
                          kind, seq, id, issued, System.nanoTime(), 0, null, null, describe(e))
                      : outcome(kind, seq, id, issued, r, expected);
              complete(op, o, e == null ? r.body() : null, e);
              record(o);
              return o;
            });
  }

  /**
   * The history's completion of a request: an acknowledged write is ok with its term; a read is ok
   * with the seq it found (none for a 404); a write is a fail only when it surely did not happen
   * (the connection was refused, or a 4xx), an info otherwise (a timeout, a cut connection, a 5xx:
   * the row may have gone in).
   */
  static void complete(
      History.Pending op, Outcome o, @Nullable String body, @Nullable Throwable e) {
    String error = o.error() == null ? "status " + o.status() : o.error();
    JsonNode json = parse(body);
    if (o.kind() == Outcome.Kind.WRITE) {
      if (o.ok()) {
        op.ok(null, json.hasNonNull("term") ? json.get("term").asLong() : null, o.writerRegion());
      } else if (surelyNotDone(o.status(), e)) {
        op.fail(error);
      } else {
        op.info(error);
      }
    } else if (o.status() == 200 && json.hasNonNull("seq")) {
      op.ok(json.get("seq").asLong(), null, o.servedRegion());
    } else if (o.status() == 404 && json.path("error").asText().contains("not found")) {
      op.ok(null, null, text(json, "region"));
    } else {
      op.fail(error);
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
      @Nullable Seed expected) {
    long done = System.nanoTime();
    JsonNode body;
    try {
      body = JSON.readTree(r.body());
    } catch (IOException | RuntimeException e) {
      return new Outcome(kind, seq, id, issued, done, r.statusCode(), null, null, "body: " + e);
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
        kind, seq, id, issued, done, status, text(body, "writer_region"), served, error);
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
