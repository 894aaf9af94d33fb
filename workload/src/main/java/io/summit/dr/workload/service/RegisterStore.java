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
 * <p>Thread-safe: it holds no state of its own beyond the schema flag.
 */
final class RegisterStore {
  /** How long a strict operation waits on its connection (the standby's apply included). */
  static final int STRICT_TIMEOUT_MS = 3000;

  /** Whether a synchronous standby is streaming from this primary now. */
  static final String SYNC_STANDBY =
      "select count(*) from pg_stat_replication where state = 'streaming'"
          + " and sync_state in ('sync', 'quorum')";

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
      try (ResultSet rs = s.executeQuery(SYNC_STANDBY)) {
        rs.next();
        if (rs.getLong(1) == 0) {
          throw new NotWritten(
              w.pgWriter().id()
                  + ": no synchronous standby streaming (registers need the other region)");
        }
      }
    }
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
    c.setAutoCommit(false);
    try {
      strict(c, w);
      EntityStore.refuseIfStale(c, w);
      OptionalLong v = select(c, key, " for update");
      c.commit(); // the row lock is logged: the commit waits for the standby like a write's
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
