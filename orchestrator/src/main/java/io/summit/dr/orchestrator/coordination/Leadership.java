package io.summit.dr.orchestrator.coordination;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election among orchestrator replicas: the leader is the replica whose lease holds the
 * {@code leader} key. A replica campaigns by creating the key under its own lease (a transaction
 * that succeeds only while the key is absent), and the key's create revision becomes its fencing
 * token: every write it makes to the control state is a transaction that compares that revision, so
 * a replica that lost the key can write nothing, whatever it believes.
 *
 * <p>The leader renews its lease every {@code renewEvery}; when no renewal has succeeded for {@code
 * ttl - margin} (on the monotonic clock, counted from the send time of the last good renewal) it
 * steps down by itself, before etcd can give the key to another replica. Followers campaign on
 * every tick and at once when a watch sees the leader key deleted, so one takes over within the
 * lease TTL (plus etcd's expiry check, every 500 ms) of the old leader's last renewal.
 *
 * <p><b>Preferred replicas.</b> A replica may defer to others ({@code deferTo}): every replica
 * keeps a {@code candidates/ID} key under its lease (put by its first campaign under that lease:
 * the later ones only read, so a follower's campaign every tick writes nothing), and a deferring
 * replica's campaign also requires every preferred replica's key to be absent, so a live, connected
 * preferred replica always wins the election. The key goes with its lease, at the same instant as
 * the leader key when the preferred replica led and died, so deferring costs nothing on a takeover.
 * A deferring replica does not campaign during its first lease TTL (a preferred replica started a
 * moment later has not put its key yet), and it stops deferring once the leader key has been absent
 * for a lease TTL while a preferred key was present (a preferred replica alive but not campaigning
 * must not leave the control plane leaderless). The preference decides who wins a free key;
 * besides, a deferring leader hands the lead over (resigns) once a preferred replica's candidate
 * key has been present for two TTLs without a break and the listener allows it (no plan running),
 * so a preferred replica that lost the lead to a stall (a renewal deadline missed while a region
 * restarted on the same cores) gets it back. The lab makes the witness defer to the secondary
 * region's replica, which promotes its own region's stores without crossing the WAN.
 *
 * <p><b>Members.</b> The first campaign also puts {@code replicas/ID} (not under a lease: it
 * outlives the replica) holding the same value, so that every replica can list the control plane's
 * replicas, the dead ones included ({@link #members()}): the dashboard a replica served follows the
 * lead to the others after that replica died. A replica retired for good stays listed until its key
 * is deleted.
 *
 * <p>Lifecycle NEW → STARTED → CLOSED; listener calls run one at a time on their own thread, never
 * on the renewal thread (a slow start-up as leader must not stop the renewals).
 */
public final class Leadership implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

  /** What the replica does when it becomes leader or stops being one. */
  public interface Listener {
    /** This replica leads now; {@code token} is the leader key's create revision. */
    void gained(long token);

    /** This replica no longer leads (lease lost, renewal deadline passed, or closed). */
    void lost(String why);

    /**
     * Whether the lead may be handed to a preferred replica now (say, no plan is running). Called
     * on the election thread: it must answer at once.
     */
    default boolean mayHandOver() {
      return true;
    }
  }

  private enum State {
    NEW,
    STARTED,
    CLOSED
  }

  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final EtcdControlStore store;
  private final Etcd etcd;
  private final String id;
  private final String value;
  private final Duration ttl;
  private final Duration margin;
  private final Listener listener;
  private final List<String> deferTo;
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory());
  private final ExecutorService calls =
      Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().factory());
  private volatile io.etcd.jetcd.Watch.@org.jspecify.annotations.Nullable Watcher watcher;
  // Written on the ticker's thread only.
  private volatile long leaseId;
  private long lastRenewalSent;
  private volatile long token;
  // Ticker thread only: when this replica started, and since when the leader key has been seen
  // absent while a preferred replica's candidate key was present (0: not seen so).
  private long startedAt;

  /**
   * When this replica last resigned: it does not campaign for one TTL after, so that another
   * replica takes the lead (its campaign follows the leader key's deletion) rather than this one
   * taking it back at its next tick, before the others have heard.
   */
  private boolean resigned;

  private long resignedAt;
  private long freeKeyDeferredSince;
  // Ticker thread only, while leading: when a preferred replica's candidate key was last looked
  // for, and since when it has been seen present without a break (0: not seen).
  private long preferredCheckedAt;
  private long preferredSeenSince;
  // Ticker thread only: whether a campaign's transaction has put this replica's replicas/ID key.
  private boolean registered;
  // Ticker thread only: the lease under which candidates/ID was last put (0: not put). The key
  // lives as long as that lease, so a campaign under the same lease does not put it again: a
  // follower's campaign every tick can be a read-only transaction, not a write that every etcd
  // member logs and syncs to disk (see campaign()).
  private long candidateUnder;
  // Set by the leader key's watch when it saw the key deleted: the next campaign skips its check.
  private volatile boolean leaderKeyDeleted;

  /**
   * @param id this replica's id (in logs and in the leader key)
   * @param value what the leader key holds while this replica leads (its id and API address)
   * @param ttl the lease TTL (whole seconds, as etcd grants them)
   * @param margin how long before the TTL runs out the leader steps down
   * @param deferTo the ids of the replicas this one defers to (see the class comment); often none
   */
  public Leadership(
      EtcdControlStore store,
      String id,
      String value,
      Duration ttl,
      Duration margin,
      List<String> deferTo,
      Listener listener) {
    if (deferTo.contains(id)) {
      throw new IllegalArgumentException(
          "defer-to: '" + id + "' is this replica (expected: other replicas' ids)");
    }
    if (ttl.toSeconds() < 1 || ttl.toMillis() % 1000 != 0) {
      throw new IllegalArgumentException(
          "leader ttl: " + ttl + " (expected: whole seconds, at least 1 s)");
    }
    if (margin.isNegative() || margin.compareTo(ttl) >= 0) {
      throw new IllegalArgumentException(
          "leader margin: " + margin + " (expected: >= 0 and below the ttl " + ttl + ")");
    }
    this.store = store;
    this.etcd = store.etcd();
    this.id = id;
    this.value = value;
    this.ttl = ttl;
    this.margin = margin;
    this.listener = listener;
    this.deferTo = List.copyOf(deferTo);
  }

  public void start(Duration tick) {
    if (!state.compareAndSet(State.NEW, State.STARTED)) {
      throw new IllegalStateException(id + ": leadership already " + state.get());
    }
    startedAt = System.nanoTime();
    ticker.scheduleWithFixedDelay(this::tick, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
    watchLeaderKey();
  }

  /**
   * A follower campaigns as soon as a watch sees the leader key deleted (the old leader's lease
   * expired or was revoked), not at its next tick: the tick stays, for a watch that lags or breaks.
   * The extra campaign runs on the ticker's thread, so campaigns never overlap.
   */
  private void watchLeaderKey() {
    try {
      watcher =
          etcd.client()
              .getWatchClient()
              .watch(
                  etcd.key("leader"),
                  response -> {
                    boolean deleted =
                        response.getEvents().stream()
                            .anyMatch(
                                e ->
                                    e.getEventType()
                                        == io.etcd.jetcd.watch.WatchEvent.EventType.DELETE);
                    if (deleted && token == 0 && state.get() == State.STARTED) {
                      leaderKeyDeleted = true;
                      try {
                        ticker.execute(this::tick);
                      } catch (java.util.concurrent.RejectedExecutionException closing) {
                        // closed meanwhile: nothing to campaign for
                      }
                    }
                  },
                  error -> LOG.debug("{}: leader watch ended: {}", id, error.toString()));
    } catch (RuntimeException e) {
      LOG.warn("{}: leader watch not started (campaigns at each tick): {}", id, e.toString());
    }
  }

  /**
   * Gives up the lead won with {@code token} (the replica could not start as leader, say a journal
   * read that timed out while etcd was slow): the key goes at once, and this replica campaigns
   * again one TTL later like any follower, so that another replica gets the lead first (without the
   * pause it took the lead back at its next tick, 100 ms later, when the other replica's notice of
   * the deleted key came slower: a test found it on a loaded machine). Does nothing if {@code
   * token} is no longer held.
   */
  public void resign(long token, String why) {
    try {
      ticker.execute(
          () -> {
            if (token != 0 && this.token == token) {
              stepDown(why);
              resigned = true;
              resignedAt = System.nanoTime();
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      // closed meanwhile: close() stepped down already
    }
  }

  /** True while this replica holds the leader key (as far as it knows). */
  public boolean leading() {
    return token != 0;
  }

  /** What the leader key holds now (the leader's id and API), if any replica leads. */
  public Optional<String> leader() {
    List<KeyValue> kvs =
        etcd.await("get leader", etcd.client().getKVClient().get(etcd.key("leader"))).getKvs();
    return kvs.isEmpty()
        ? Optional.empty()
        : Optional.of(kvs.get(0).getValue().toString(StandardCharsets.UTF_8));
  }

  /**
   * One replica of the control plane: its id, the value it campaigns with (its id and API), and
   * whether its candidate key holds now (its lease is alive: it runs and reaches etcd).
   */
  public record Member(String id, String value, boolean campaigning) {}

  /** Every replica that ever campaigned in this deployment (see the class comment), by id. */
  public List<Member> members() {
    GetOption prefix = GetOption.builder().isPrefix(true).build();
    java.util.Set<String> campaigning = new java.util.HashSet<>();
    for (KeyValue kv : read("get candidates", "candidates/", prefix)) {
      campaigning.add(etcd.name(kv.getKey()).substring("candidates/".length()));
    }
    return read("get replicas", "replicas/", prefix).stream()
        .map(
            kv -> {
              String member = etcd.name(kv.getKey()).substring("replicas/".length());
              return new Member(
                  member,
                  kv.getValue().toString(StandardCharsets.UTF_8),
                  campaigning.contains(member));
            })
        .toList();
  }

  private List<KeyValue> read(String what, String key, GetOption option) {
    return etcd.await(what, etcd.client().getKVClient().get(etcd.key(key), option)).getKvs();
  }

  private void tick() {
    try {
      if (token == 0) {
        campaign();
      } else {
        renew();
        if (token != 0) {
          maybeHandOver();
        }
      }
    } catch (RuntimeException e) {
      // The loop boundary: log, keep the loop alive; a leader past its deadline steps down.
      LOG.warn("{}: election tick failed: {}", id, e.getMessage());
      if (token == 0) {
        dropLease();
      } else if (overdue()) {
        stepDown("no renewal for " + sinceRenewal() + " ms (ttl " + ttl.toMillis() + " ms)");
      }
    }
  }

  /**
   * A failed campaign gives up its lease and the next one grants a new lease. The lease may have
   * expired (a follower cut from etcd for a TTL: etcd then answers "not found" to every renewal,
   * and keeping it would stop this replica from ever leading again), or the campaign may have won
   * without hearing it (a leader key nobody leads under must go, not be kept alive by the next
   * campaign's renewal): the revoke removes such a key at once.
   */
  private void dropLease() {
    long lease = leaseId;
    leaseId = 0;
    if (lease != 0) {
      try {
        etcd.client().getLeaseClient().revoke(lease);
      } catch (RuntimeException e) {
        // Best effort: the lease expires by itself.
      }
    }
  }

  /** This replica's current lease (0: none), for tests. */
  long lease() {
    return leaseId;
  }

  /** Whether this campaign defers to the preferred replicas (see the class comment). */
  private boolean deferring(long now) {
    if (deferTo.isEmpty()) {
      return false;
    }
    long since = freeKeyDeferredSince;
    return since == 0 || now - since < ttl.toNanos();
  }

  private void campaign() {
    long sent = System.nanoTime();
    if (resigned && sent - resignedAt < ttl.toNanos()) {
      return; // another replica's turn first
    }
    resigned = false;
    boolean deferring = deferring(sent);
    if (deferring && sent - startedAt < ttl.toNanos()) {
      return; // a preferred replica started a moment later may not have put its key yet
    }
    if (leaseId == 0) {
      leaseId = etcd.await("grant", etcd.client().getLeaseClient().grant(ttl.toSeconds())).getID();
      lastRenewalSent = sent;
    } else if (sinceRenewal() > ttl.minus(margin).toMillis() / 2) {
      // A follower's lease is renewed every few ticks, not before each campaign: a campaign that a
      // deleted leader key triggered then costs one round trip, not two. A lease renewed less than
      // half the step-down time ago is certainly alive (etcd counts the TTL from a later instant).
      if (etcd.await("renew", etcd.client().getLeaseClient().keepAliveOnce(leaseId)).getTTL()
          <= 0) {
        leaseId = 0;
        return;
      }
      lastRenewalSent = sent;
    }
    ByteSequence key = etcd.key("leader");
    PutOption underLease = PutOption.builder().withLeaseId(leaseId).build();
    Op candidate = Op.put(etcd.key("candidates/" + id), Etcd.bytes(value), underLease);
    List<Cmp> conditions = new java.util.ArrayList<>();
    conditions.add(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)));
    if (deferring) {
      for (String preferred : deferTo) {
        conditions.add(
            new Cmp(etcd.key("candidates/" + preferred), Cmp.Op.EQUAL, CmpTarget.version(0)));
      }
    }
    List<Op> then = new java.util.ArrayList<>(List.of(Op.put(key, Etcd.bytes(value), underLease)));
    List<Op> otherwise = new java.util.ArrayList<>(List.of(Op.get(key, GetOption.DEFAULT)));
    long lease = leaseId;
    for (List<Op> branch : List.of(then, otherwise)) {
      if (candidateUnder != lease) {
        branch.add(candidate);
      }
      if (!registered) {
        branch.add(Op.put(etcd.key("replicas/" + id), Etcd.bytes(value), PutOption.DEFAULT));
      }
    }
    boolean deleted = leaderKeyDeleted;
    leaderKeyDeleted = false;
    TxnResponse r;
    if (candidateUnder == lease && !deleted) {
      // A transaction with a put is a raft proposal (logged and synced by every member) even when
      // its comparison fails; one with reads only is not. So a campaign at a tick asks first, with
      // reads only, whether it could win, and a campaign the watch triggered goes straight on.
      Op read = Op.get(key, GetOption.DEFAULT);
      TxnResponse free = txn(conditions, List.of(read), List.of(read));
      r = free.isSucceeded() ? claim(conditions, then, otherwise, lease) : free;
    } else {
      r = claim(conditions, then, otherwise, lease);
    }
    if (!r.isSucceeded()) {
      boolean keyFree = r.getGetResponses().stream().allMatch(g -> g.getKvs().isEmpty());
      if (!keyFree) {
        freeKeyDeferredSince = 0;
      } else if (freeKeyDeferredSince == 0) {
        freeKeyDeferredSince = sent;
      }
    }
    if (r.isSucceeded()) {
      freeKeyDeferredSince = 0;
      token = r.getHeader().getRevision();
      store.lead(token);
      LOG.info("{}: leader (token {}, lease {})", id, token, Long.toHexString(leaseId));
      calls.execute(() -> listener.gained(token));
    }
  }

  /** The campaign's transaction proper: the leader key if the conditions hold. */
  private TxnResponse claim(List<Cmp> conditions, List<Op> then, List<Op> otherwise, long lease) {
    TxnResponse r = txn(conditions, then, otherwise);
    registered = true;
    candidateUnder = lease;
    return r;
  }

  private TxnResponse txn(List<Cmp> conditions, List<Op> then, List<Op> otherwise) {
    return etcd.await(
        "campaign",
        etcd.client()
            .getKVClient()
            .txn()
            .If(conditions.toArray(Cmp[]::new))
            .Then(then.toArray(Op[]::new))
            .Else(otherwise.toArray(Op[]::new))
            .commit());
  }

  private void renew() {
    long sent = System.nanoTime();
    long granted =
        etcd.await("renew", etcd.client().getLeaseClient().keepAliveOnce(leaseId)).getTTL();
    if (granted <= 0) {
      stepDown("lease " + Long.toHexString(leaseId) + " expired");
      return;
    }
    lastRenewalSent = sent;
  }

  /** A deferring leader resigns once a preferred replica is back and steady (see the class). */
  private void maybeHandOver() {
    if (deferTo.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    if (now - preferredCheckedAt < ttl.toNanos() / 2) {
      return;
    }
    preferredCheckedAt = now;
    boolean present = false;
    for (String preferred : deferTo) {
      List<KeyValue> kvs =
          etcd.await(
                  "get candidate",
                  etcd.client().getKVClient().get(etcd.key("candidates/" + preferred)))
              .getKvs();
      present |= !kvs.isEmpty();
    }
    if (!present) {
      preferredSeenSince = 0;
    } else if (preferredSeenSince == 0) {
      preferredSeenSince = now;
    } else if (now - preferredSeenSince >= 2 * ttl.toNanos() && listener.mayHandOver()) {
      preferredSeenSince = 0;
      stepDown("handing the lead to a preferred replica (" + String.join(", ", deferTo) + ")");
    }
  }

  private boolean overdue() {
    return sinceRenewal() > ttl.minus(margin).toMillis();
  }

  private long sinceRenewal() {
    return (System.nanoTime() - lastRenewalSent) / 1_000_000;
  }

  private void stepDown(String why) {
    long was = token;
    token = 0;
    store.lead(0);
    long lease = leaseId;
    leaseId = 0;
    LOG.warn("{}: stepping down (token {}): {}", id, was, why);
    calls.execute(() -> listener.lost(why));
    try {
      etcd.client().getLeaseClient().revoke(lease);
    } catch (RuntimeException e) {
      // Best effort: the lease expires by itself.
    }
  }

  @Override
  public void close() {
    if (state.getAndSet(State.CLOSED) != State.STARTED) {
      return;
    }
    io.etcd.jetcd.Watch.Watcher w = watcher;
    if (w != null) {
      w.close();
    }
    ticker.shutdownNow();
    if (token != 0) {
      stepDown("closed");
    }
    calls.shutdown();
    try {
      calls.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
