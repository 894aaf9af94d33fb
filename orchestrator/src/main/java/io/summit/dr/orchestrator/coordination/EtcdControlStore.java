package io.summit.dr.orchestrator.coordination;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.summit.dr.orchestrator.plan.Journal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control state in etcd, shared by the orchestrator replicas of one deployment. Reads work on
 * any replica; every write is a transaction that also compares the {@code leader} key's create
 * revision with this replica's token ({@link Leadership}), so only the current leader's writes
 * land: a deposed leader's append fails instead of interleaving with its successor's.
 *
 * <p>Keys under {@code /summit-dr/<deployment>/}: {@code leader}, {@code writer}, {@code
 * discovery}, {@code journal/<seq>}, {@code authority/<region>} (the region agents', attached to
 * their leases). Thread-safe.
 */
public final class EtcdControlStore implements ControlStore {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdControlStore.class);
  static final ObjectMapper JSON = new ObjectMapper();
  private final Etcd etcd;
  private final Duration authorityBound;
  private final EtcdJournal journal;
  private volatile long token;

  /**
   * @param endpoints the etcd members' client URLs (as this replica reaches them)
   * @param deployment the topology's name: the key prefix
   * @param authorityBound how long a region agent may keep its primaries writable after its last
   *     renewal could have succeeded: its lease TTL plus a margin for clock rates
   */
  public EtcdControlStore(
      List<String> endpoints, String deployment, Duration timeout, Duration authorityBound) {
    this.etcd = new Etcd(endpoints, deployment, timeout);
    this.authorityBound = authorityBound;
    this.journal = new EtcdJournal(etcd, this::guard);
    watchAuthorities();
  }

  // Regions whose authority key a watch saw deleted (and not put since). Accelerates the fence
  // step only; decisions read etcd.
  private final java.util.Set<String> authorityGone =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile io.etcd.jetcd.Watch.@org.jspecify.annotations.Nullable Watcher watcher;

  private void watchAuthorities() {
    try {
      ByteSequence prefix = etcd.key("authority/");
      watcher =
          etcd.client()
              .getWatchClient()
              .watch(
                  prefix,
                  io.etcd.jetcd.options.WatchOption.builder().isPrefix(true).build(),
                  response ->
                      response
                          .getEvents()
                          .forEach(
                              e -> {
                                String region =
                                    etcd.name(e.getKeyValue().getKey())
                                        .substring("authority/".length());
                                if (e.getEventType()
                                    == io.etcd.jetcd.watch.WatchEvent.EventType.DELETE) {
                                  authorityGone.add(region);
                                } else {
                                  authorityGone.remove(region);
                                }
                              }),
                  error -> {
                    authorityGone.clear(); // unknown from now on: every question goes to etcd
                    LOG.debug("authority watch ended: {}", error.toString());
                  });
    } catch (RuntimeException e) {
      LOG.warn("authority watch not started (the fence step asks etcd instead): {}", e.toString());
    }
  }

  @Override
  public boolean authorityKnownGone(String region) {
    return authorityGone.contains(region);
  }

  Etcd etcd() {
    return etcd;
  }

  /** Set by {@link Leadership}: the token this replica's writes compare, 0 when not leading. */
  void lead(long leaderToken) {
    this.token = leaderToken;
    journal.reset();
  }

  /** The condition every write carries: this replica still holds the leader key. */
  Cmp guard() {
    long t = token;
    if (t == 0) {
      throw new CoordinationException(etcd.describe() + ": not the leader: nothing is written");
    }
    return new Cmp(etcd.key("leader"), Cmp.Op.EQUAL, CmpTarget.createRevision(t));
  }

  @Override
  public Journal journal() {
    return journal;
  }

  /**
   * One transaction: create the record when absent (under this replica's leadership), else read it.
   * The same transaction shape as the failover gate's ({@link #advanceTerm(String, String,
   * String)}), so a new leader's first call also readies that path (client stubs, compiled code)
   * before a failover needs it.
   */
  @Override
  public WriterRecord writer(WriterRecord initial) {
    ByteSequence key = etcd.key("writer");
    TxnResponse r =
        etcd.await(
            "read or create writer",
            etcd.client()
                .getKVClient()
                .txn()
                .If(guard(), new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)))
                .Then(Op.put(key, json(initial), PutOption.DEFAULT))
                .Else(Op.get(key, GetOption.DEFAULT))
                .commit());
    if (r.isSucceeded()) {
      lastWriter = new Seen(initial, r.getHeader().getRevision());
      return initial;
    }
    List<KeyValue> kvs =
        r.getGetResponses().isEmpty() ? List.of() : r.getGetResponses().get(0).getKvs();
    if (kvs.isEmpty()) {
      throw new CoordinationException(
          etcd.describe() + ": create writer: refused (this replica does not lead)");
    }
    WriterRecord w = parse(kvs.get(0), WriterRecord.class);
    lastWriter = new Seen(w, kvs.get(0).getModRevision());
    return w;
  }

  @Override
  public WriterRecord advanceTerm(String to, String plan) {
    KeyValue kv =
        get("writer")
            .orElseThrow(() -> new CoordinationException(etcd.describe() + "writer: missing"));
    WriterRecord now = parse(kv, WriterRecord.class);
    if (Objects.equals(now.plan(), plan)) {
      return now;
    }
    WriterRecord next = now.next(to, plan);
    ByteSequence key = etcd.key("writer");
    commit(
        "advance term",
        etcd.client()
            .getKVClient()
            .txn()
            .If(guard(), new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(kv.getModRevision())))
            .Then(Op.put(key, json(next), PutOption.DEFAULT))
            .commit());
    lastWriter = null;
    LOG.info(
        "writer: term {} -> {} ({} -> {}, plan {})",
        now.term(),
        next.term(),
        now.region(),
        to,
        plan);
    return next;
  }

  /**
   * One transaction in the common case: if the writer key is still at the revision this replica
   * last saw, put the next record and read {@code from}'s authority; otherwise read the writer and
   * try again with it (a few times: another replica or a concurrent plan moved it).
   */
  @Override
  public TermAdvance advanceTerm(String from, String to, String plan) {
    ByteSequence key = etcd.key("writer");
    ByteSequence authorityKey = etcd.key("authority/" + from);
    Seen seen = lastWriter;
    for (int attempt = 0; attempt < 4; attempt++) {
      if (seen == null) {
        KeyValue kv =
            get("writer")
                .orElseThrow(() -> new CoordinationException(etcd.describe() + "writer: missing"));
        seen = new Seen(parse(kv, WriterRecord.class), kv.getModRevision());
      }
      if (Objects.equals(seen.record().plan(), plan)) {
        lastWriter = seen;
        return new TermAdvance(seen.record(), authority(from));
      }
      WriterRecord next = seen.record().next(to, plan);
      TxnResponse r =
          etcd.await(
              "advance term",
              etcd.client()
                  .getKVClient()
                  .txn()
                  .If(guard(), new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(seen.revision())))
                  .Then(
                      Op.put(key, json(next), PutOption.DEFAULT),
                      Op.get(authorityKey, GetOption.DEFAULT))
                  .Else(Op.get(key, GetOption.DEFAULT))
                  .commit());
      if (r.isSucceeded()) {
        lastWriter = new Seen(next, r.getHeader().getRevision());
        LOG.info(
            "writer: term {} -> {} ({} -> {}, plan {})",
            seen.record().term(),
            next.term(),
            seen.record().region(),
            to,
            plan);
        List<KeyValue> held =
            r.getGetResponses().isEmpty() ? List.of() : r.getGetResponses().get(0).getKvs();
        return new TermAdvance(
            next, held.isEmpty() ? Optional.empty() : Optional.of(authority(from, held.get(0))));
      }
      List<KeyValue> now =
          r.getGetResponses().isEmpty() ? List.of() : r.getGetResponses().get(0).getKvs();
      Seen fresh =
          now.isEmpty()
              ? null
              : new Seen(parse(now.get(0), WriterRecord.class), now.get(0).getModRevision());
      if (fresh != null && fresh.revision() == seen.revision()) {
        // The writer did not change: the leadership guard failed.
        lastWriter = null;
        throw new CoordinationException(
            etcd.describe() + ": advance term: refused (this replica no longer leads)");
      }
      seen = fresh;
    }
    lastWriter = null;
    throw new CoordinationException(
        etcd.describe() + ": advance term: the writer key kept changing; try again");
  }

  /** The writer record this replica last read or wrote, with the key's mod revision then. */
  private record Seen(WriterRecord record, long revision) {}

  private volatile @org.jspecify.annotations.Nullable Seen lastWriter;

  @Override
  public Optional<DiscoveryRecord> discovery() {
    return get("discovery").map(kv -> parse(kv, DiscoveryRecord.class));
  }

  @Override
  public void saveDiscovery(DiscoveryRecord record) {
    commit(
        "save discovery",
        etcd.client()
            .getKVClient()
            .txn()
            .If(guard())
            .Then(Op.put(etcd.key("discovery"), json(record), PutOption.DEFAULT))
            .commit());
  }

  @Override
  public Optional<Authority> authority(String region) {
    return get("authority/" + region).map(kv -> authority(region, kv));
  }

  private Authority authority(String region, KeyValue kv) {
    JsonNode n = parse(kv, JsonNode.class);
    return new Authority(
        region, kv.getLease(), n.path("agent").asText("?"), n.path("term").asLong());
  }

  @Override
  public void revoke(Authority authority) {
    if (authority.leaseId() == 0) {
      return;
    }
    try {
      etcd.await("revoke", etcd.client().getLeaseClient().revoke(authority.leaseId()));
    } catch (CoordinationException e) {
      if (!String.valueOf(e.getMessage()).contains("not found")) {
        throw e;
      }
    }
  }

  @Override
  public Duration authorityBound() {
    return authorityBound;
  }

  @Override
  public String describe() {
    return etcd.describe();
  }

  private Optional<KeyValue> get(String name) {
    List<KeyValue> kvs =
        etcd.await("get " + name, etcd.client().getKVClient().get(etcd.key(name))).getKvs();
    return kvs.isEmpty() ? Optional.empty() : Optional.of(kvs.get(0));
  }

  private void commit(String what, java.util.concurrent.CompletableFuture<TxnResponse> txn) {
    if (!etcd.await(what, txn).isSucceeded()) {
      throw new CoordinationException(
          etcd.describe() + ": " + what + ": refused (leadership lost or the key changed)");
    }
  }

  static ByteSequence json(Object value) {
    try {
      return ByteSequence.from(JSON.writeValueAsBytes(value));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private <T> T parse(KeyValue kv, Class<T> type) {
    try {
      return JSON.readValue(kv.getValue().toString(StandardCharsets.UTF_8), type);
    } catch (IOException | IllegalArgumentException e) {
      throw new CoordinationException(
          etcd.describe() + etcd.name(kv.getKey()) + ": unreadable: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    io.etcd.jetcd.Watch.Watcher w = watcher;
    if (w != null) {
      w.close();
    }
    etcd.close();
  }
}
