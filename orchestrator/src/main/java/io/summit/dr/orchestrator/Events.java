package io.summit.dr.orchestrator;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The orchestrator's event stream: the last events kept, and live subscribers (server-sent events).
 * Each event is also logged (SLF4J, logger {@code Events}), its type, id and data as key-value
 * pairs: fields of their own in the JSON logs.
 */
public final class Events {
  /** One event: what happened, when, and its data. */
  public record Event(long id, String type, Instant at, Map<String, Object> data) {}

  private static final int KEPT = 1000;
  private static final Logger LOG = LoggerFactory.getLogger(Events.class);

  private final Clock clock;
  private final Deque<Event> recent = new ArrayDeque<>();
  private final List<BlockingQueue<Event>> subscribers = new CopyOnWriteArrayList<>();
  private long next = 1;

  public Events(Clock clock) {
    this.clock = clock;
  }

  public synchronized Event publish(String type, Map<String, Object> data) {
    Event e = new Event(next++, type, clock.instant(), Map.copyOf(data));
    recent.addLast(e);
    if (recent.size() > KEPT) {
      recent.removeFirst();
    }
    subscribers.forEach(q -> q.offer(e));
    var line = LOG.atInfo().addKeyValue("event", e.type()).addKeyValue("event_id", e.id());
    for (Map.Entry<String, Object> d : new java.util.TreeMap<>(e.data()).entrySet()) {
      // a step's thread has plan, step, region and store in its MDC (their own fields already):
      // the same value is not repeated, another one is named event_KEY
      String inContext = MDC.get(d.getKey());
      if (inContext == null) {
        line = line.addKeyValue(d.getKey(), d.getValue());
      } else if (!inContext.equals(String.valueOf(d.getValue()))) {
        line = line.addKeyValue("event_" + d.getKey(), d.getValue());
      }
    }
    line.log("event {} {}", e.type(), e.data());
    return e;
  }

  public synchronized List<Event> recent() {
    return new ArrayList<>(recent);
  }

  /** A queue that receives every event published from now on; {@link #unsubscribe} it when done. */
  public BlockingQueue<Event> subscribe() {
    BlockingQueue<Event> q = new LinkedBlockingQueue<>(10_000);
    subscribers.add(q);
    return q;
  }

  public void unsubscribe(BlockingQueue<Event> q) {
    subscribers.remove(q);
  }
}
