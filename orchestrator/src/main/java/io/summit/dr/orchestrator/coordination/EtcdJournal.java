package io.summit.dr.orchestrator.coordination;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
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
  private final Etcd etcd;
  private final Supplier<Cmp> leadership;
  private long next = -1;

  EtcdJournal(Etcd etcd, Supplier<Cmp> leadership) {
    this.etcd = etcd;
    this.leadership = leadership;
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
    long n = allocate();
    ByteSequence key = etcd.key(String.format(Locale.ROOT, "journal/%010d", n));
    try {
      Cmp guard = leadership.get();
      boolean ok =
          etcd.await(
                  "append journal entry " + n,
                  etcd.client()
                      .getKVClient()
                      .txn()
                      .If(guard, new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)))
                      .Then(
                          Op.put(
                              key,
                              ByteSequence.from(JSON.writeValueAsBytes(entry)),
                              PutOption.DEFAULT))
                      .commit())
              .isSucceeded();
      if (!ok) {
        reset();
        throw new JournalException(
            describe() + ": entry " + n + " refused: this replica no longer leads");
      }
    } catch (IOException | CoordinationException e) {
      reset();
      throw new JournalException(describe() + ": cannot append: " + e.getMessage(), e);
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
