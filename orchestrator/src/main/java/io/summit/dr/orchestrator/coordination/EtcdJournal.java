package io.summit.dr.orchestrator.coordination;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Txn;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.summit.dr.orchestrator.plan.Journal;
import io.summit.dr.orchestrator.plan.JournalEntry;
import io.summit.dr.orchestrator.plan.JournalException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The plan journal in etcd: entry {@code n} at {@code journal/<n, ten digits>}, written by a
 * transaction that requires this replica's leadership and the entry's absence, so two leaders can
 * never both append entry {@code n}. An append returns once etcd has committed it (a quorum of
 * members has it on disk). Every entry is checked when read: an unreadable one stops the reader
 * with its key.
 */
final class EtcdJournal implements Journal {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** Attempts per entry: the first and one more when the first got no answer. */
  static final int ATTEMPTS = 2;

  private final Etcd etcd;
  private final Supplier<Cmp> leadership;
  private final Function<Txn, CompletableFuture<TxnResponse>> send;
  private long next = -1;

  EtcdJournal(Etcd etcd, Supplier<Cmp> leadership) {
    this(etcd, leadership, Txn::commit);
  }

  /** {@code send} commits one transaction; tests pass one that loses an answer. */
  EtcdJournal(
      Etcd etcd, Supplier<Cmp> leadership, Function<Txn, CompletableFuture<TxnResponse>> send) {
    this.etcd = etcd;
    this.leadership = leadership;
    this.send = send;
  }

  /** A new leadership reads the end of the journal again before its first append. */
  synchronized void reset() {
    next = -1;
  }

  /**
   * Appends {@code entry}. Numbers are handed out in order under a lock; the commits themselves run
   * concurrently (the steps of a parallel group journal at the same time, each paying one quorum
   * round trip, not one after the other). A number whose commit failed stays a gap, which a reader
   * skips: its entry did not happen.
   */
  @Override
  public void append(JournalEntry entry) {
    try {
      // Each attempt is bounded by the etcd timeout; the margin only guards against a future that
      // never completes.
      appendAsync(entry).get(etcd.timeout().toMillis() * ATTEMPTS + 1_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JournalException(describe() + ": interrupted while appending", e);
    } catch (TimeoutException e) {
      reset();
      throw new JournalException(
          describe() + ": cannot append: no answer within " + etcd.timeout() + " × " + ATTEMPTS, e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof JournalException j
          ? j
          : new JournalException(describe() + ": cannot append: " + e.getCause(), e);
    }
  }

  /**
   * Sends the entry's transaction and returns at once: its number is taken now (so entries keep the
   * order of the calls), its commit is awaited by whoever needs it durable.
   */
  @Override
  public CompletableFuture<Void> appendAsync(JournalEntry entry) {
    long n;
    Cmp guard;
    byte[] value;
    try {
      n = allocate();
      guard = leadership.get();
      value = JSON.writeValueAsBytes(entry);
    } catch (IOException | CoordinationException | JournalException e) {
      reset();
      return CompletableFuture.failedFuture(
          e instanceof JournalException j
              ? j
              : new JournalException(describe() + ": cannot append: " + e.getMessage(), e));
    }
    return commit(n, guard, ByteSequence.from(value), 1);
  }

  /**
   * One attempt at entry {@code n}. An attempt that got no answer (etcd slow on a loaded machine, a
   * member changing leader) is sent again once: the transaction is idempotent, because the entry's
   * absence is part of its condition and its else-branch reads the entry back. An entry that is
   * already there with exactly this value is the earlier attempt's commit, whose answer was lost:
   * that is a success, not a refusal.
   */
  private CompletableFuture<Void> commit(long n, Cmp guard, ByteSequence value, int attempt) {
    ByteSequence key = etcd.key(String.format(Locale.ROOT, "journal/%010d", n));
    Txn txn =
        etcd.client()
            .getKVClient()
            .txn()
            .If(guard, new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)))
            .Then(Op.put(key, value, PutOption.DEFAULT))
            .Else(Op.get(key, GetOption.DEFAULT));
    return send.apply(txn)
        .orTimeout(etcd.timeout().toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (r, e) -> {
              if (e != null) {
                Throwable cause =
                    e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                if (attempt < ATTEMPTS) {
                  return commit(n, guard, value, attempt + 1);
                }
                reset();
                return CompletableFuture.<Void>failedFuture(
                    new JournalException(
                        describe()
                            + ": cannot append entry "
                            + n
                            + " ("
                            + attempt
                            + " attempts): "
                            + cause,
                        cause));
              }
              if (r.isSucceeded() || alreadyThere(r, value)) {
                return CompletableFuture.<Void>completedFuture(null);
              }
              reset();
              return CompletableFuture.<Void>failedFuture(
                  new JournalException(
                      describe()
                          + ": entry "
                          + n
                          + " refused: this replica no longer leads (or another leader wrote"
                          + " that entry)"));
            })
        .thenCompose(f -> f);
  }

  private static boolean alreadyThere(TxnResponse r, ByteSequence value) {
    for (GetResponse g : r.getGetResponses()) {
      for (KeyValue kv : g.getKvs()) {
        if (kv.getValue().equals(value)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Encodes {@code entry} as an append would (the mapper's serializers built), sends nothing. */
  @Override
  public void prepare(JournalEntry entry) {
    try {
      JSON.writeValueAsBytes(entry);
    } catch (IOException e) {
      throw new JournalException(describe() + ": cannot encode an entry: " + e.getMessage(), e);
    }
  }

  private synchronized long allocate() {
    if (next < 0) {
      List<KeyValue> last = lastKey();
      next = last.isEmpty() ? 0 : number(last.get(0)) + 1;
    }
    return next++;
  }

  private List<KeyValue> lastKey() {
    try {
      return etcd.await(
              "read the journal's end",
              etcd.client()
                  .getKVClient()
                  .get(
                      etcd.key("journal/"),
                      GetOption.builder()
                          .isPrefix(true)
                          .withKeysOnly(true)
                          .withSortField(GetOption.SortTarget.KEY)
                          .withSortOrder(GetOption.SortOrder.DESCEND)
                          .withLimit(1)
                          .build()))
          .getKvs();
    } catch (CoordinationException e) {
      throw new JournalException(describe() + ": cannot read: " + e.getMessage(), e);
    }
  }

  private long number(KeyValue kv) {
    String name = etcd.name(kv.getKey());
    try {
      return Long.parseLong(name.substring(name.lastIndexOf('/') + 1));
    } catch (NumberFormatException e) {
      throw new JournalException(describe() + name + ": not a journal entry number", e);
    }
  }

  @Override
  public synchronized List<JournalEntry> read() {
    ByteSequence prefix = etcd.key("journal/");
    List<KeyValue> kvs;
    try {
      kvs =
          etcd.await(
                  "read journal",
                  etcd.client()
                      .getKVClient()
                      .get(
                          prefix,
                          GetOption.builder()
                              .isPrefix(true)
                              .withSortField(GetOption.SortTarget.KEY)
                              .withSortOrder(GetOption.SortOrder.ASCEND)
                              .build()))
              .getKvs();
    } catch (CoordinationException e) {
      throw new JournalException(describe() + ": cannot read: " + e.getMessage(), e);
    }
    if (next < 0) {
      // The end is known now: the first append of this leadership needs no read of its own (it
      // would be a quorum round trip on the first plan's critical path).
      next = kvs.isEmpty() ? 0 : number(kvs.get(kvs.size() - 1)) + 1;
    }
    List<JournalEntry> out = new ArrayList<>(kvs.size());
    for (KeyValue kv : kvs) {
      try {
        out.add(JSON.readValue(kv.getValue().toString(StandardCharsets.UTF_8), JournalEntry.class));
      } catch (IOException e) {
        throw new JournalException(
            describe() + etcd.name(kv.getKey()) + ": corrupt entry: " + e.getMessage(), e);
      }
    }
    return out;
  }

  @Override
  public String describe() {
    return etcd.describe() + "journal/";
  }

  @Override
  public void close() {}
}
