package io.summit.dr.drill.canary;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The per-key register workload of the history: a few keys ({@code RUN-k1}...) overwritten with
 * unique values and read back, by one client per location: at the edge (through the global router)
 * and inside each region (calling that region's service directly, as a user in the region would).
 * Each client is one sequential process: register writes, strong reads (at the writer's primary),
 * local reads (at its region's node) and, from inside a region, entity writes too (a writer in the
 * region that keeps writing to its own region's service whatever the router does). The entity
 * writes ask for no document ({@code "document": false}): they are about who takes writes, not
 * about objects, and the lab's object store slows down as its keys accumulate; the audit looks for
 * objects only for the canary's writes that asked for one.
 *
 * <p>Lifecycle {@code NEW -> STARTED -> STOPPED}; {@link #stop} waits for every client.
 * Thread-safe.
 */
public final class RegisterWorkload implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param clients per location ({@code edge}, or a region), where to send: null while no address
   *     is known (the client then records nothing and looks again)
   * @param opsPerSecond each client's rate
   */
  public record Settings(
      String runId,
      int keys,
      double opsPerSecond,
      Duration timeout,
      long seed,
      Map<String, Supplier<@Nullable URI>> clients) {
    public Settings {
      if (keys < 1 || opsPerSecond <= 0) {
        throw new IllegalArgumentException(
            "registers: keys " + keys + ", rate " + opsPerSecond + " (expected: >= 1 and > 0)");
      }
      clients = Map.copyOf(clients);
    }
  }

  private enum State {
    NEW,
    STARTED,
    STOPPED
  }

  private final Settings settings;
  private final History history;
  private final HttpClient http;
  private final AtomicLong values = new AtomicLong();
  private final AtomicLong entities = new AtomicLong();
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final List<Thread> threads = new ArrayList<>();

  public RegisterWorkload(Settings settings, History history) {
    this.settings = settings;
    this.history = history;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(settings.timeout())
            .build();
  }

  public synchronized void start() {
    if (!state.compareAndSet(State.NEW, State.STARTED)) {
      throw new IllegalStateException("registers: started twice");
    }
    long i = 0;
    for (Map.Entry<String, Supplier<@Nullable URI>> c : settings.clients().entrySet()) {
      long seed = settings.seed() + 31 * ++i;
      threads.add(
          Thread.ofVirtual()
              .name("registers-" + c.getKey())
              .start(() -> run(c.getKey(), c.getValue(), seed)));
    }
  }

  private void run(String client, Supplier<@Nullable URI> target, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    long gap = (long) (1e9 / settings.opsPerSecond());
    long process = history.newProcess();
    long next = System.nanoTime();
    while (state.get() == State.STARTED) {
      LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
      next += gap;
      URI base = target.get();
      if (base == null) {
        continue;
      }
      String key = settings.runId() + "-k" + (1 + random.nextInt(settings.keys()));
      int pick = random.nextInt(100);
      boolean inRegion = !client.equals("edge");
      Op op =
          pick < 35
              ? write(process, client, base, key)
              : pick < 65
                  ? read(process, client, base, key, true)
                  : pick < 80 || !inRegion
                      ? read(process, client, base, key, false)
                      : entityWrite(process, client, base);
      if (op.type() == Op.Type.INFO) {
        process = history.newProcess();
      }
    }
  }

  private Op write(long process, String client, URI base, String key) {
    long value = values.incrementAndGet();
    History.Pending p = history.invoke(process, Op.F.REGISTER_WRITE, key, value, client);
    HttpRequest r =
        HttpRequest.newBuilder(base.resolve("/registers/" + key))
            .timeout(settings.timeout())
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString("{\"value\":" + value + "}"))
            .build();
    return finishWrite(p, r, 200);
  }

  private Op entityWrite(long process, String client, URI base) {
    long seq = entities.incrementAndGet();
    String id = settings.runId() + "-" + client + "-w" + seq;
    History.Pending p = history.invoke(process, Op.F.WRITE, id, seq, client);
    HttpRequest r =
        HttpRequest.newBuilder(base.resolve("/entities"))
            .timeout(settings.timeout())
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"id\":\""
                        + id
                        + "\",\"seq\":"
                        + seq
                        + ",\"payload\":\""
                        + client
                        + "\",\"document\":false}"))
            .build();
    return finishWrite(p, r, 201);
  }

  private Op finishWrite(History.Pending p, HttpRequest r, int okStatus) {
    try {
      HttpResponse<String> answer = http.send(r, HttpResponse.BodyHandlers.ofString());
      JsonNode body = parse(answer.body());
      String zone = zone(answer);
      if (answer.statusCode() == okStatus) {
        return p.ok(
            null,
            body.hasNonNull("term") ? body.get("term").asLong() : null,
            body.path("writer_region").asText(null),
            zone);
      }
      String error = answer.statusCode() + " " + body.path("error").asText("");
      boolean refused = body.path("written").isBoolean() && !body.get("written").asBoolean();
      return refused || Canary.surelyNotDone(answer.statusCode(), null)
          ? p.fail(error, zone)
          : p.info(error, zone);
    } catch (IOException e) {
      return Canary.surelyNotDone(0, e) ? p.fail(e.toString()) : p.info(e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return p.info("interrupted");
    }
  }

  private Op read(long process, String client, URI base, String key, boolean strong) {
    History.Pending p =
        history.invoke(
            process, strong ? Op.F.REGISTER_READ : Op.F.REGISTER_READ_LOCAL, key, null, client);
    HttpRequest r =
        HttpRequest.newBuilder(
                base.resolve("/registers/" + key + "?read=" + (strong ? "strong" : "local")))
            .timeout(settings.timeout())
            .GET()
            .build();
    try {
      HttpResponse<String> answer = http.send(r, HttpResponse.BodyHandlers.ofString());
      JsonNode body = parse(answer.body());
      if (answer.statusCode() != 200) {
        return p.fail(answer.statusCode() + " " + body.path("error").asText(""), zone(answer));
      }
      JsonNode v = body.path("value");
      return p.ok(
          v.isNull() || v.isMissingNode() ? null : v.asLong(), null, text(body), zone(answer));
    } catch (IOException e) {
      return p.fail(e.toString()); // a read has no effect: unknown is the same as failed
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return p.fail("interrupted");
    }
  }

  /** The zone of the instance that answered, or null. */
  private static @Nullable String zone(HttpResponse<?> answer) {
    return answer.headers().firstValue(Outcome.ZONE_HEADER).orElse(null);
  }

  private static @Nullable String text(JsonNode body) {
    return body.hasNonNull("region") ? body.get("region").asText() : null;
  }

  private static JsonNode parse(String body) {
    try {
      JsonNode n = JSON.readTree(body);
      return n == null ? JSON.createObjectNode() : n;
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

  /** Stops every client, waiting for the operation each has under way. */
  public void stop() {
    if (!state.compareAndSet(State.STARTED, State.STOPPED)) {
      state.set(State.STOPPED);
      return;
    }
    for (Thread t : threads) {
      try {
        t.join(settings.timeout().toMillis() + 2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    stop();
  }
}
