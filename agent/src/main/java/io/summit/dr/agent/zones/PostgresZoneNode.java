package io.summit.dr.agent.zones;

import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreResult;
import io.summit.dr.replication.postgres.KeptSessions;
import io.summit.dr.replication.postgres.PostgresAdapter;
import io.summit.dr.replication.postgres.PostgresControl;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ZoneNodeClient} over pgjdbc: probes on one session kept between them (bounded by the
 * probe timeout on its own virtual thread, so a node that hangs costs the loop no more than the
 * timeout, and a probe still unanswered is not started again), operations through a {@link
 * PostgresAdapter} of the node with its own slot as application name.
 */
final class PostgresZoneNode implements ZoneNodeClient {
  /** Bounds the operations' sessions and the wait for a promotion. */
  static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(2);

  private final ZoneNode node;
  private final String peerName;
  private final @Nullable PostgresControl control;
  private final PostgresAdapter adapter;
  private final KeptSessions sessions;
  private final Duration timeout;
  private final ExecutorService probing = Executors.newVirtualThreadPerTaskExecutor();
  private @Nullable CompletableFuture<Probe> inFlight; // guarded by this

  /**
   * @param peerName the other node's application name, whose {@code pg_stat_replication} row is
   *     read
   */
  // the physical slots the other regions' replicas stream through, created on promotion
  private final List<String> slots;

  PostgresZoneNode(
      String store,
      ZoneNode node,
      String peerName,
      @Nullable PostgresControl control,
      Duration timeout,
      List<String> slots) {
    this.slots = List.copyOf(slots);
    this.node = node;
    this.peerName = sqlName(peerName);
    this.control = control;
    this.timeout = timeout;
    this.adapter =
        new PostgresAdapter(
            store + "/" + node.zone(),
            node.address(),
            node.applicationName(),
            control,
            Clock.systemUTC(),
            OPERATION_TIMEOUT,
            e -> e);
    this.sessions = new KeptSessions(to -> probeSession());
  }

  @Override
  public Probe probe() {
    CompletableFuture<Probe> probe;
    synchronized (this) {
      if (inFlight == null || inFlight.isDone()) {
        inFlight = CompletableFuture.supplyAsync(this::probeNow, probing);
      }
      probe = inFlight;
    }
    try {
      return probe.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return new Probe.Unanswered(
          node.address() + ": no answer within " + timeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      return new Probe.Unanswered(node.address() + ": " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Probe.Unanswered(node.address() + ": interrupted");
    }
  }

  private Probe probeNow() {
    try {
      return sessions.read(node.address(), this::read);
    } catch (SQLException e) {
      return new Probe.Unanswered(node.address() + ": " + e.getMessage());
    }
  }

  private Probe read(Statement s) throws SQLException {
    String row =
        " from pg_stat_replication where application_name = '"
            + peerName
            + "' order by (state = 'streaming') desc limit 1)";
    try (ResultSet rs =
        s.executeQuery(
            "select pg_is_in_recovery(), current_setting('synchronous_standby_names'),"
                + " (select state"
                + row
                + ", (select sync_state"
                + row
                + ", (select status from pg_stat_wal_receiver limit 1)")) {
      rs.next();
      String names = rs.getString(2);
      return new Probe.Answered(
          rs.getBoolean(1),
          names == null ? "" : names,
          rs.getString(3),
          rs.getString(4),
          rs.getString(5));
    }
  }

  /** A session whose statements are bounded by the probe timeout. */
  private Connection probeSession() throws SQLException {
    Connection c = adapter.connect();
    try {
      c.setNetworkTimeout(Runnable::run, (int) Math.max(1, timeout.toMillis()));
      return c;
    } catch (SQLException e) {
      c.close();
      throw e;
    }
  }

  @Override
  public StoreResult promote() {
    StoreResult promoted = adapter.promote();
    if (!promoted.succeeded()) {
      return promoted;
    }
    // Replication slots are not replicated: the other regions' replicas find theirs on the new
    // writer, reserved from now (their next WAL is still in pg_wal: wal_keep_size keeps it).
    StoreResult slotted = ensureSlots();
    return slotted.succeeded()
        ? promoted
        : new StoreResult.Retry(adapter.id() + ": promoted, but " + slotted.detail());
  }

  @Override
  public StoreResult ensureSlots() {
    try (Connection c = adapter.connect();
        Statement s = c.createStatement()) {
      for (String slot : slots) {
        s.execute(
            "select pg_create_physical_replication_slot('"
                + slot.replace("'", "''")
                + "', true) where not exists (select 1 from pg_replication_slots where slot_name"
                + " = '"
                + slot.replace("'", "''")
                + "')");
      }
      return new StoreResult.Applied(adapter.id() + ": slots " + slots + " kept");
    } catch (SQLException e) {
      return new StoreResult.Retry(
          adapter.id() + ": creating the slots " + slots + " failed: " + e.getMessage());
    }
  }

  @Override
  public boolean copyInProgress() {
    try (Connection c = adapter.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(COPYING)) {
      rs.next();
      return rs.getBoolean(1);
    } catch (SQLException e) {
      return false; // it does not answer: nothing is copied from it either
    }
  }

  /** Sessions of the tools that copy a node: pg_rewind (named by the adapter), pg_basebackup. */
  static final String COPYING =
      "select exists(select 1 from pg_stat_activity where application_name in"
          + " ('pg_rewind', 'pg_basebackup'))";

  @Override
  public StoreResult dropIdleSlots() {
    try (Connection c = adapter.connect();
        Statement s = c.createStatement()) {
      for (String slot : slots) {
        s.execute(
            "select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name"
                + " = '"
                + slot.replace("'", "''")
                + "' and not active");
      }
      return new StoreResult.Applied(adapter.id() + ": idle slots of " + slots + " dropped");
    } catch (SQLException e) {
      return new StoreResult.Retry(
          adapter.id() + ": dropping the idle slots " + slots + " failed: " + e.getMessage());
    }
  }

  @Override
  public StoreResult setSynchronousStandbyNames(String value) {
    try (Connection c = adapter.connect();
        Statement s = c.createStatement()) {
      s.execute("alter system set synchronous_standby_names = '" + value.replace("'", "''") + "'");
      s.execute("select pg_reload_conf()");
      return new StoreResult.Applied(
          adapter.id() + ": synchronous_standby_names = '" + value + "'");
    } catch (SQLException e) {
      return new StoreResult.Retry(
          adapter.id() + ": setting synchronous_standby_names failed: " + e.getMessage());
    }
  }

  @Override
  public StoreResult rejoin(Endpoint writerPeer) {
    if (control == null) {
      return new StoreResult.Fatal(adapter.id() + ": cannot rejoin: no local control");
    }
    return adapter.rejoin(writerPeer);
  }

  @Override
  public void close() {
    sessions.close();
    probing.shutdownNow();
    adapter.close();
  }

  /** An application name is {@code node_} and a zone: letters, digits and '_' only. */
  private static String sqlName(String name) {
    if (!name.matches("[a-z0-9_]+")) {
      throw new IllegalArgumentException(
          "peerName: '" + name + "' (expected: lower-case letters, digits and '_')");
    }
    return name;
  }
}
