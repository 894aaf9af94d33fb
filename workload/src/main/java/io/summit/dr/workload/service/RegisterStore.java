package io.summit.dr.workload.service;

import io.summit.dr.replication.WriterTerm;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalLong;

/**
 * Registers: a key holding one integer, overwritten by each write, in the PostgreSQL store only (a
 * table {@code registers}). They exist for the drill's history checkers, which need a value that
 * changes: a write is guarded by the writer term like an entity's; a <b>strong</b> read goes to the
 * writer region's primary and locks the row ({@code for update}: refused by a fenced, read-only
 * node and by a replica) after checking that the node holds no newer term, so it is linearizable
 * with the writes; a <b>local</b> read reads this region's node (a replica elsewhere: stale by the
 * replication lag).
 *
 * <p><b>Registers are the strict class: nothing acknowledged is lost with a region.</b> Entity
 * writes replicate asynchronously (the topology's RPO budget), so an isolated writer's last
 * acknowledged writes die with it. A register write or strong read instead commits with {@code
 * synchronous_commit = remote_apply}: it is acknowledged only once a standby in another region has
 * applied it (the lab's servers name any standby in {@code synchronous_standby_names}). Before
 * writing, the primary must have a synchronous standby streaming; without one (the other region
 * down or cut off for longer than {@code wal_sender_timeout}) the operation is refused as {@link
 * NotWritten}, surely without effect. A commit whose standby goes silent waits: it is committed on
 * the primary but not acknowledged, and the caller's timeout turns it into an unknown outcome (the
 * network timeout is {@link #STRICT_TIMEOUT_MS}). The read locks the row, so it too waits for the
 * standby, and never returns a value that a failover could take back. The price: registers are
 * unavailable while only one region serves. Strict operations run on a connection of their own
 * ({@link PostgresNode#strictConnection()}), so their waits never hold up the entity traffic.
 *
 * <p><b>Multi-AZ.</b> When the PostgreSQL store has a standby in a second zone, the writer's {@code
 * synchronous_standby_names} names that standby, in the same region, and the other regions'
 * replicas cascade from it: {@code remote_apply} then waits for the zone standby only, which dies
 * with the region. So a register operation on a zoned store checks before writing that a replica in
 * another region streams (else {@link NotWritten}), and after its commit waits until one has
 * replayed past the commit, reading {@code pg_last_wal_replay_lsn()} on the replica itself (the
 * cascading standby's walsender does not report to the primary, and PostgreSQL 15 has no wait for
 * an LSN): within the same {@link #STRICT_TIMEOUT_MS}, after which the outcome is unknown. A
 * register write there costs a round trip to the other region for the check and at least one for
 * the wait.
 *
 * <p>Thread-safe: it holds no state of its own beyond the schema flag.
 */
final class RegisterStore {
  /** How long a strict operation waits on its connection (the standby's apply included). */
  static final int STRICT_TIMEOUT_MS = 3000;

  /** Whether a synchronous standby is streaming from this primary now. */
  static final String SYNC_STANDBY =
      "select count(*) from pg_stat_replication where state = 'streaming'"
          + " and sync_state in ('sync', 'quorum')";

  /**
   * On a zoned store: whether the writer's commits may go without a synchronous standby (the agent
   * cleared the names under {@code on_standby_loss: keep-writing}) or one is streaming.
   */
  static final String ZONE_STANDBY_OR_NONE_REQUIRED =
      "select current_setting('synchronous_standby_names') = '' or exists(select 1 from"
          + " pg_stat_replication where state = 'streaming' and sync_state in ('sync', 'quorum'))";

  /** On a replica: whether it is in recovery and its WAL receiver streams. */
  static final String REPLICA_STREAMING =
      "select pg_is_in_recovery() and exists(select 1 from pg_stat_wal_receiver"
          + " where status = 'streaming')";

  /** How long a wait for a replica's replay pauses between two reads of its position. */
  private static final long REPLAY_POLL_MS = 5;

  /** A register operation refused before anything was written: surely without effect. */
  static final class NotWritten extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotWritten(String message) {
      super(message);
    }
  }

  static final String TABLE =
      "create table if not exists registers (key text primary key, value bigint not null,"
          + " term bigint not null)";

  private final EntityStore entities;
  private volatile boolean schemaReady;

  RegisterStore(EntityStore entities) {
    this.entities = entities;
  }

  /** A register as a read found it: its value (empty when never written) and where it was read. */
  record Read(OptionalLong value, String node) {}

  /**
   * Writes {@code value} to {@code key} on the writer region's primary, under the wiring's term.
   *
   * @throws EntityStore.StoreException naming the node, when it fails or holds a newer term
   */
  EntityStore.Ack write(String key, long value) {
    long started = System.nanoTime();
    EntityStore.Wiring w = entities.current();
    try (Connection c = w.pgWriter().strictConnection()) {
      ensureSchema(c);
      c.setAutoCommit(false);
      try {
        strict(c, w);
        try (PreparedStatement upsert =
            c.prepareStatement(
                "insert into registers (key, value, term) select ?, ?, ? where "
                    + WriterTerm.PG_GUARD
                    + " on conflict (key) do update set value = excluded.value,"
                    + " term = excluded.term")) {
          upsert.setString(1, key);
          upsert.setLong(2, value);
          upsert.setLong(3, w.term());
          upsert.setLong(4, w.term());
          if (upsert.executeUpdate() == 0) {
            EntityStore.refuseIfStale(c, w);
            throw new NotWritten(
                w.pgWriter().id() + ": register " + key + ": not written (guard refused)");
          }
        }
        c.commit(); // waits for the standby's apply
        awaitReplicas(c, w, started);
      } catch (NotWritten | SQLException e) {
        rollbackQuietly(c);
        throw e;
      } finally {
        autoCommitQuietly(c);
      }
    } catch (SQLException e) {
      throw new EntityStore.StoreException(w.pgWriter().id() + ": " + e.getMessage(), e);
    }
    return new EntityStore.Ack(w.writerRegion(), w.term());
  }

  /**
   * Makes the transaction on {@code c} strict: its commit waits until a standby has applied it,
   * within {@link #STRICT_TIMEOUT_MS}.
   *
   * @throws NotWritten when no synchronous standby is streaming
   */
  private static void strict(Connection c, EntityStore.Wiring w) throws SQLException {
    c.setNetworkTimeout(Runnable::run, STRICT_TIMEOUT_MS);
    try (Statement s = c.createStatement()) {
      s.execute("set local synchronous_commit = remote_apply");
      boolean zoned = !w.replicas().isEmpty();
      try (ResultSet rs = s.executeQuery(zoned ? ZONE_STANDBY_OR_NONE_REQUIRED : SYNC_STANDBY)) {
        rs.next();
        if (zoned ? !rs.getBoolean(1) : rs.getLong(1) == 0) {
          throw new NotWritten(
              w.pgWriter().id()
                  + (zoned
                      ? ": its zone standby is not streaming (the commit would wait for it)"
                      : ": no synchronous standby streaming (registers need the other region)"));
        }
      }
    }
    if (!w.replicas().isEmpty() && !anyReplicaStreaming(w)) {
      throw new NotWritten(
          w.pgWriter().id()
              + ": no replica streaming in another region "
              + w.replicas().keySet()
              + " (registers need the other region)");
    }
  }

  /** Whether a replica of {@code w} in another region answers and streams. */
  private static boolean anyReplicaStreaming(EntityStore.Wiring w) {
    for (PostgresNode node : w.replicas().values()) {
      try (Connection r = node.strictConnection();
          Statement s = r.createStatement()) {
        r.setNetworkTimeout(Runnable::run, STRICT_TIMEOUT_MS);
        try (ResultSet rs = s.executeQuery(REPLICA_STREAMING)) {
          if (rs.next() && rs.getBoolean(1)) {
            return true;
          }
        }
      } catch (SQLException e) {
        // this one does not answer: another region's may
      }
    }
    return false;
  }

  /**
   * On a zoned store, after the commit on {@code c}: waits until a replica in another region has
   * replayed the writer's WAL up to its position after the commit, until {@link #STRICT_TIMEOUT_MS}
   * after {@code startedNanos}.
   *
   * @throws SQLException (the outcome unknown: committed on the writer) when none has in time
   */
  private static void awaitReplicas(Connection c, EntityStore.Wiring w, long startedNanos)
      throws SQLException {
    if (w.replicas().isEmpty()) {
      return;
    }
    String lsn;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select pg_current_wal_lsn()::text")) {
      rs.next();
      lsn = rs.getString(1);
    }
    long deadline = startedNanos + STRICT_TIMEOUT_MS * 1_000_000L;
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      for (PostgresNode node : w.replicas().values()) {
        try (Connection r = node.strictConnection()) {
          int left = (int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000L);
          r.setNetworkTimeout(Runnable::run, left);
          try (PreparedStatement q =
              r.prepareStatement(
                  "select pg_last_wal_replay_lsn() >= ?::pg_lsn,"
                      + " pg_last_wal_replay_lsn()::text")) {
            q.setString(1, lsn);
            try (ResultSet rs = q.executeQuery()) {
              rs.next();
              if (rs.getBoolean(1)) {
                return;
              }
              last = node.id() + " replayed " + rs.getString(2);
            }
          }
        } catch (SQLException e) {
          last = node.id() + ": " + e.getMessage();
        }
      }
      try {
        Thread.sleep(REPLAY_POLL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new SQLException(
        "committed, but no replica in another region replayed "
            + lsn
            + " within "
            + STRICT_TIMEOUT_MS
            + " ms ("
            + last
            + "): outcome unknown");
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the connection broke: the server rolls back what was not committed
    }
  }

  private static void autoCommitQuietly(Connection c) {
    try {
      c.setAutoCommit(true);
    } catch (SQLException ignored) {
      // broken: the pool retires it
    }
  }

  /**
   * Reads {@code key}: strongly from the writer's primary, or from this region's node.
   *
   * @throws EntityStore.StoreException naming the node, when it fails or refuses
   */
  Read read(String key, boolean strong) {
    EntityStore.Wiring w = entities.current();
    PostgresNode node = strong ? w.pgWriter() : w.pgReader();
    try (Connection c = strong ? node.strictConnection() : node.connection()) {
      return new Read(strong ? strongRead(c, w, key) : select(c, key, ""), node.id());
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        return new Read(OptionalLong.empty(), node.id()); // never written: no table yet
      }
      throw new EntityStore.StoreException(node.id() + ": " + e.getMessage(), e);
    }
  }

  private static OptionalLong strongRead(Connection c, EntityStore.Wiring w, String key)
      throws SQLException {
    long started = System.nanoTime();
    c.setAutoCommit(false);
    try {
      strict(c, w);
      EntityStore.refuseIfStale(c, w);
      OptionalLong v = select(c, key, " for update");
      c.commit(); // the row lock is logged: the commit waits for the standby like a write's
      awaitReplicas(c, w, started);
      return v;
    } catch (NotWritten | SQLException e) {
      rollbackQuietly(c);
      throw e;
    } finally {
      autoCommitQuietly(c);
    }
  }

  private static OptionalLong select(Connection c, String key, String lock) throws SQLException {
    try (PreparedStatement q =
        c.prepareStatement("select value from registers where key = ?" + lock)) {
      q.setString(1, key);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
      }
    }
  }

  private void ensureSchema(Connection c) throws SQLException {
    if (schemaReady) {
      return;
    }
    synchronized (this) {
      if (!schemaReady) {
        try (Statement s = c.createStatement()) {
          s.execute(TABLE);
          s.execute(WriterTerm.PG_CREATE);
        }
        schemaReady = true;
      }
    }
  }
}
