package io.summit.dr.orchestrator.detection;

import java.time.Clock;

/**
 * The orchestrator's own view from the edge: probes every region's stores directly with a {@link
 * RegionProber}. Location {@code edge}. Thread-safe; a poll takes about one probe timeout.
 */
public final class LocalObserver implements ObserverSource {
  private final String name;
  private final RegionProber prober;
  private final Clock clock;

  public LocalObserver(String name, RegionProber prober, Clock clock) {
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
    return "edge";
  }

  @Override
  public ObserverView poll() {
    return new ObserverView(name, location(), prober.probe(), clock.instant());
  }
}
