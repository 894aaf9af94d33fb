package io.summit.dr.stores.neo4j;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Result;
import org.neo4j.graphdb.Transaction;

/**
 * The replicated graph: the sequence node, the outbox, and applying entries. Transactions run by
 * {@link #applying} are the server's own (the applier, a restore, start-up schema): the capture
 * neither records nor vetoes them. Thread-safe.
 */
final class Graph {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<Map<String, Object>>> OPS = new TypeReference<>() {};
  private final GraphDatabaseService db;
  private final ThreadLocal<Boolean> applying = ThreadLocal.withInitial(() -> false);
  private final AtomicLong head = new AtomicLong();
  private final Object headChanged = new Object();

  Graph(GraphDatabaseService db) {
    this.db = db;
  }

  GraphDatabaseService db() {
    return db;
  }

  boolean isApplying() {
    return applying.get();
  }

  /** Runs {@code work} in a transaction of the server's own, committed. */
  void applying(Consumer<Transaction> work) {
    applying.set(true);
    try (Transaction tx = db.beginTx()) {
      work.accept(tx);
      tx.commit();
    } finally {
      applying.set(false);
    }
  }

  /** Creates the key constraint, the outbox index and the sequence node when missing. */
  void prepare() {
    applying(
        tx ->
            tx.execute(
                "CREATE CONSTRAINT keyed_key IF NOT EXISTS FOR (n:Keyed) REQUIRE n.key IS UNIQUE"));
    applying(
        tx -> tx.execute("CREATE INDEX outbox_seq IF NOT EXISTS FOR (o:SummitOutbox) ON (o.seq)"));
    try (Transaction tx = db.beginTx()) {
      tx.schema().awaitIndexesOnline(60, TimeUnit.SECONDS);
    }
    applying(tx -> tx.execute("MERGE (s:SummitSeq {id: 1}) ON CREATE SET s.seq = 0"));
    head.set(seq());
  }

  private static Node seqNode(Transaction tx) {
    Node s = tx.findNode(Ops.SEQ, "id", 1L);
    if (s == null) {
      throw new IllegalStateException("neo4j: the sequence node is missing");
    }
    return s;
  }

  /** The last sequence number committed (primary) or applied (replica). */
  long seq() {
    try (Transaction tx = db.beginTx()) {
      return (long) seqNode(tx).getProperty("seq");
    }
  }

  /** The sequence node, write-locked in {@code tx} until it ends: commits wait meanwhile. */
  long lockSeq(Transaction tx) {
    Node s = seqNode(tx);
    tx.acquireWriteLock(s);
    return (long) s.getProperty("seq");
  }

  /**
   * This node's last sequence number and its outbox entry (null when the graph was restored from a
   * snapshot and has committed nothing since, or at 0), read under the sequence node's write lock:
   * a commit that held it has ended, and one that takes it after re-checks the server's role
   * ({@link ChangeCapture}).
   */
  Tip tip() {
    try (Transaction tx = db.beginTx()) {
      long seq = lockSeq(tx);
      Node o = seq < 1 ? null : tx.findNode(Ops.OUTBOX, "seq", seq);
      return new Tip(
          seq,
          o == null
              ? null
              : new OutboxEntry(
                  seq,
                  ((Number) o.getProperty("at")).longValue(),
                  String.valueOf(o.getProperty("ops"))));
    }
  }

  /** A node's last sequence number and its entry, when it has it. */
  record Tip(long seq, @org.jspecify.annotations.Nullable OutboxEntry entry) {}

  /** Adds an outbox entry in {@code tx} under the next sequence number (see ChangeCapture). */
  long appendOutbox(Transaction tx, String ops, long atMillis) {
    long seq = lockSeq(tx) + 1;
    writeEntry(tx, new OutboxEntry(seq, atMillis, ops));
    return seq;
  }

  private static void writeEntry(Transaction tx, OutboxEntry e) {
    seqNode(tx).setProperty("seq", e.seq());
    Node o = tx.createNode(Ops.OUTBOX);
    o.setProperty("seq", e.seq());
    o.setProperty("at", e.at());
    o.setProperty("ops", e.ops());
  }

  void committed(long seq) {
    head.accumulateAndGet(seq, Math::max);
    synchronized (headChanged) {
      headChanged.notifyAll();
    }
  }

  long head() {
    return head.get();
  }

  /** Entries after {@code after}, at most {@code limit}, waiting up to {@code wait} for one. */
  List<OutboxEntry> entriesAfter(long after, int limit, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    synchronized (headChanged) {
      while (head.get() <= after && System.nanoTime() < deadline) {
        try {
          TimeUnit.NANOSECONDS.timedWait(headChanged, Math.max(1, deadline - System.nanoTime()));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return List.of();
        }
      }
    }
    return read(after, Math.min(head.get(), after + limit));
  }

  /**
   * The entries in {@code (after, upTo]}, each found by its sequence number in the outbox index: a
   * streamed primary reads after nearly every commit, and index lookups cost it less than running a
   * Cypher query each time.
   */
  private List<OutboxEntry> read(long after, long upTo) {
    List<OutboxEntry> out = new ArrayList<>();
    if (upTo <= after) {
      return out;
    }
    try (Transaction tx = db.beginTx()) {
      for (long seq = after + 1; seq <= upTo; seq++) {
        Node o = tx.findNode(Ops.OUTBOX, "seq", seq);
        if (o == null) {
          continue; // not kept (a graph restored from a snapshot): the reader sees the gap
        }
        out.add(
            new OutboxEntry(
                ((Number) o.getProperty("seq")).longValue(),
                ((Number) o.getProperty("at")).longValue(),
                String.valueOf(o.getProperty("ops"))));
      }
      return out;
    }
  }

  /**
   * Applies entries that follow this node's sequence number in one transaction, with the sequence
   * number and copies of the entries (a promoted replica's outbox continues the primary's). Entries
   * at or below the applied number are skipped (a repeated batch); a gap is refused.
   *
   * @return how many were applied
   */
  int apply(List<OutboxEntry> entries) {
    int[] applied = {0};
    applying(
        tx -> {
          long seq = lockSeq(tx);
          for (OutboxEntry e : entries) {
            if (e.seq() <= seq) {
              continue;
            }
            if (e.seq() != seq + 1) {
              throw new IllegalStateException(
                  "neo4j: gap in the change stream: applied " + seq + ", next " + e.seq());
            }
            Ops.apply(tx, parse(e.ops()));
            writeEntry(tx, e);
            seq = e.seq();
            applied[0]++;
          }
        });
    if (!entries.isEmpty()) {
      committed(seq());
    }
    return applied[0];
  }

  static List<Map<String, Object>> parse(String ops) {
    try {
      return JSON.readValue(ops, OPS);
    } catch (IOException e) {
      throw new UncheckedIOException("neo4j: unreadable outbox entry: " + e.getMessage(), e);
    }
  }

  /**
   * Deletes everything (outbox and sequence included) and sets the sequence number to {@code seq}.
   */
  void wipe(long seq) {
    long[] deleted = {1};
    while (deleted[0] > 0) {
      applying(
          tx -> {
            try (Result r =
                tx.execute("MATCH (n) WITH n LIMIT 5000 DETACH DELETE n RETURN count(*) AS c")) {
              deleted[0] = ((Number) requireNonNull(r.next().get("c"))).longValue();
            }
          });
    }
    applying(tx -> tx.execute("CREATE (s:SummitSeq {id: 1, seq: $seq})", Map.of("seq", seq)));
    head.set(seq);
  }
}
