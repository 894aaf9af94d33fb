package io.summit.dr.agent.zones;

import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreResult;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A PostgreSQL node as the zone failover sees it: the test sets what its probes answer, and it
 * counts what was asked of it. A promotion makes it a primary, a rejoin a streaming standby.
 */
final class FakeNode implements ZoneNodeClient {
  volatile boolean up = true;
  volatile boolean inRecovery;
  volatile String synchronousStandbyNames = "";
  // its pg_stat_replication row for the other node, and its WAL receiver
  volatile @Nullable String peerState;
  volatile @Nullable String peerSyncState;
  volatile @Nullable String receiver;
  volatile @Nullable StoreResult rejoinAnswer;
  volatile @Nullable StoreResult promoteAnswer;
  // a pg_rewind or pg_basebackup session connected to it
  volatile boolean copying;
  int promotions;
  final List<String> namesSet = new ArrayList<>();
  final List<Endpoint> rejoins = new ArrayList<>();

  /** A primary whose standby streams from it, as sync or async. */
  FakeNode primaryOf(String standbyName, String syncState) {
    inRecovery = false;
    receiver = null;
    peerState = "streaming";
    peerSyncState = syncState;
    synchronousStandbyNames = "sync".equals(syncState) ? "\"" + standbyName + "\"" : "";
    return this;
  }

  /** A standby whose WAL receiver streams. */
  FakeNode streamingStandby() {
    inRecovery = true;
    receiver = "streaming";
    peerState = null;
    peerSyncState = null;
    return this;
  }

  /** The other node stops streaming from this one (its row in pg_stat_replication is gone). */
  void loseStandby() {
    peerState = null;
    peerSyncState = null;
  }

  @Override
  public boolean copyInProgress() {
    return up && copying;
  }

  @Override
  public Probe probe() {
    if (!up) {
      return new Probe.Unanswered("connection refused");
    }
    return new Probe.Answered(
        inRecovery, synchronousStandbyNames, peerState, peerSyncState, receiver);
  }

  @Override
  public synchronized StoreResult promote() {
    promotions++;
    StoreResult answer = promoteAnswer;
    if (answer != null) {
      return answer;
    }
    if (!inRecovery) {
      return new StoreResult.AlreadyDone("primary already");
    }
    inRecovery = false;
    receiver = null;
    return new StoreResult.Applied("promoted");
  }

  @Override
  public synchronized StoreResult setSynchronousStandbyNames(String value) {
    namesSet.add(value);
    synchronousStandbyNames = value;
    return new StoreResult.Applied("synchronous_standby_names = '" + value + "'");
  }

  @Override
  public synchronized StoreResult rejoin(Endpoint writerPeer) {
    rejoins.add(writerPeer);
    StoreResult answer = rejoinAnswer;
    if (answer != null) {
      return answer;
    }
    streamingStandby();
    return new StoreResult.Applied("rewound, now a standby of " + writerPeer);
  }

  @Override
  public void close() {}
}
