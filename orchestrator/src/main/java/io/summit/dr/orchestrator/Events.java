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

/**
 * The orchestrator's event stream: the last events kept, and live subscribers (server-sent events).
 */
public final class Events {
  /** One event: what happened, when, and its data. */
  public record Event(long id, String type, Instant at, Map<String, Object> data) {}

  private static final int KEPT = 1000;

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
    System.out.println(e.at() + " event " + e.type() + " " + e.data());
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
