package io.summit.dr.agent.zones;

import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A region endpoint that records the moves asked of it, refusing the first {@code refusals}. */
final class FakeEndpoint implements RegionEndpoint {
  final List<Endpoint> asked = new ArrayList<>();
  final List<Endpoint> moved = new ArrayList<>();
  volatile int refusals;
  volatile Optional<Endpoint> target = Optional.empty();

  @Override
  public synchronized StoreResult moveTo(Endpoint to) {
    asked.add(to);
    if (refusals > 0) {
      refusals--;
      return new StoreResult.Retry("503 wan daemon restarting");
    }
    moved.add(to);
    target = Optional.of(to);
    return new StoreResult.Applied("now targets " + to);
  }

  @Override
  public Optional<Endpoint> target() {
    return target;
  }
}
