package io.summit.dr.agent;

import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreAdapter;
import io.summit.dr.replication.StoreObservation;
import io.summit.dr.replication.StoreResult;
import io.summit.dr.replication.StoreRole;
import java.time.Instant;

/** A primary that only knows whether it is fenced, counting what was asked of it. */
final class FakeStore implements StoreAdapter {
  private final String id;
  volatile boolean fenced;
  volatile boolean unreachable;
  volatile int fences;
  volatile int unfences;

  FakeStore(String id) {
    this.id = id;
  }

  int calls() {
    return fences + unfences;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public StoreObservation observe() {
    StoreRole role = fenced ? StoreRole.FENCED : StoreRole.PRIMARY;
    return new StoreObservation(true, role, null, null, "0", null, Instant.EPOCH);
  }

  @Override
  public StoreResult promote() {
    throw new UnsupportedOperationException("the agent never promotes");
  }

  @Override
  public synchronized StoreResult fence() {
    fences++;
    if (unreachable) {
      return new StoreResult.Retry(id + ": unreachable");
    }
    if (fenced) {
      return new StoreResult.AlreadyDone(id + ": fenced already");
    }
    fenced = true;
    return new StoreResult.Applied(id + ": fenced");
  }

  @Override
  public synchronized StoreResult unfence() {
    unfences++;
    if (!fenced) {
      return new StoreResult.AlreadyDone(id + ": takes writes already");
    }
    fenced = false;
    return new StoreResult.Applied(id + ": unfenced");
  }

  @Override
  public StoreResult recordTerm(long term) {
    throw new UnsupportedOperationException("the agent never records terms");
  }

  @Override
  public StoreResult rejoin(Endpoint newPrimary) {
    throw new UnsupportedOperationException("the agent never rejoins");
  }

  @Override
  public StoreResult verifyWrite() {
    return fenced ? new StoreResult.Retry(id + ": fenced") : new StoreResult.Applied(id + ": ok");
  }

  @Override
  public void close() {}
}
