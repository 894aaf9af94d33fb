package io.summit.dr.orchestrator.detection;

import java.time.Clock;

/**
 * The orchestrator's own view from where it runs: probes every region's stores with a {@link
 * RegionProber}. Its location is the orchestrator's (a replica in {@code witness} counts as the
 * witness, never as a second vote of another location). Thread-safe; a poll takes about one probe
 * timeout.
 */
public final class LocalObserver implements ObserverSource {
  private final String name;
  private final RegionProber prober;
  private final Clock clock;
  private final String location;

  /** An observer at the edge (a single orchestrator's default place). */
  public LocalObserver(String name, RegionProber prober, Clock clock) {
    this(name, "edge", prober, clock);
  }

  public LocalObserver(String name, String location, RegionProber prober, Clock clock) {
    this.location = location;
    if (name.isBlank()) {
      throw new IllegalArgumentException("observer: name '' (expected: a name)");
    }
    this.name = name;
    this.prober = prober;
    this.clock = clock;
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
  public ObserverView poll() {
    return new ObserverView(name, location(), prober.probe(), clock.instant());
  }
}
