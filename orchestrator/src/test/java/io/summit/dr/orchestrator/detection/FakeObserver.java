package io.summit.dr.orchestrator.detection;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** An observer whose view the test sets; counts how often it was asked. */
final class FakeObserver implements ObserverSource {
  private final String name;
  private final String location;
  private final Map<String, RegionHealth> sees = new ConcurrentHashMap<>();
  private final Map<String, Integer> counted = new ConcurrentHashMap<>();
  final AtomicInteger polls = new AtomicInteger();
  volatile long answerAfterMillis;
  volatile boolean unreachable;

  FakeObserver(String name, String location) {
    this.name = name;
    this.location = location;
  }

  FakeObserver sees(String region, RegionHealth health) {
    sees.put(region, health);
    return this;
  }

  /** The observer also says it has seen {@code region} so in {@code probes} probes in a row. */
  FakeObserver sees(String region, RegionHealth health, int probes) {
    sees.put(region, health);
    counted.put(region, probes);
    return this;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String location() {
    return location;
  }

  @Override
  public boolean countsItsOwnProbes() {
    return !counted.isEmpty();
  }

  @Override
  public ObserverView poll() {
    polls.incrementAndGet();
    if (answerAfterMillis > 0) {
      java.util.concurrent.locks.LockSupport.parkNanos(answerAfterMillis * 1_000_000L);
    }
    if (unreachable) {
      return ObserverView.unreachable(name, location, sees.keySet(), Instant.EPOCH);
    }
    return new ObserverView(name, location, sees, Instant.EPOCH, counted);
  }
}
