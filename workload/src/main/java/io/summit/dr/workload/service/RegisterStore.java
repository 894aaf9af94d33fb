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
 * <p>Thread-safe: it holds no state of its own beyond the schema flag.
 */
final class RegisterStore {
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
    try (Connection c = w.pgWriter().connection()) {
      ensureSchema(c);
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
          throw new SQLException("register " + key + ": not written (guard refused)");
        }
      }
    } catch (SQLException e) {
      throw new EntityStore.StoreException(w.pgWriter().id() + ": " + e.getMessage(), e);
    }
    return new EntityStore.Ack(w.writerRegion(), w.term());
  }

  /**
   * Reads {@code key}: strongly from the writer's primary, or from this region's node.
   *
   * @throws EntityStore.StoreException naming the node, when it fails or refuses
   */
  Read read(String key, boolean strong) {
    EntityStore.Wiring w = entities.current();
    PostgresNode node = strong ? w.pgWriter() : w.pgReader();
    try (Connection c = node.connection()) {
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
      EntityStore.refuseIfStale(c, w);
      OptionalLong v = select(c, key, " for update");
      c.commit();
      return v;
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
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
