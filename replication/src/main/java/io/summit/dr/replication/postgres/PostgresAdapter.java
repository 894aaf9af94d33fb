package io.summit.dr.replication.postgres;

import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.Login;
import io.summit.dr.replication.StoreAdapter;
import io.summit.dr.replication.StoreObservation;
import io.summit.dr.replication.StoreResult;
import io.summit.dr.replication.StoreRole;
import io.summit.dr.replication.WriterTerm;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Supervises one PostgreSQL node of a streaming-replication pair, over pgjdbc.
 *
 * <p><b>Fencing</b> sets {@code default_transaction_read_only = on} with {@code ALTER SYSTEM},
 * reloads the configuration, then terminates every other client session. New and reconnecting
 * sessions are read-only, so writes fail with "cannot execute INSERT in a read-only transaction"
 * while reads keep working. The setting is persisted in {@code postgresql.auto.conf}, so a fenced
 * primary that crashes and restarts comes back fenced. Stopping the server would fence harder but
 * would also stop reads, and demoting it needs pg_rewind, which is the rejoin's job. A client that
 * deliberately runs {@code SET default_transaction_read_only = off} is not stopped: the fence is
 * against the applications, not an adversary.
 *
 * <p><b>Lag</b> of a replica is read from its primary's {@code pg_stat_replication} (reached
 * through the replica's own {@code primary_conninfo}): bytes between the primary's current WAL
 * position and the replica's replay position, and the replica's {@code replay_lag}, together with
 * when the replica last reported ({@code reply_time}, and {@code pg_stat_wal_receiver} on the
 * replica) and whether both ends say streaming. When the primary cannot be reached, or has no row
 * for the replica, the lag is unknown (null) and the replica is not streaming.
 *
 * <p><b>Rejoin</b> turns an old primary into a replica of the new one: CHECKPOINT on the new
 * primary (without it pg_rewind sees no timeline switch and says "no rewind required"), a
 * replication slot for this node there, stop, pg_rewind, and, when rewinding fails, a fresh base
 * backup; then {@code standby.signal} and a {@code postgresql.auto.conf} of this node's own
 * (pg_rewind copies the source's, with the source's settings), and start.
 *
 * <p>Observations run on sessions kept between them ({@link KeptSessions}, shared by the process's
 * adapters with the same login and timeout); every operation that changes the node opens its own.
 * Thread-safe.
 */
public final class PostgresAdapter implements StoreAdapter {
  private static final Pattern CONNINFO_HOST = Pattern.compile("\\bhost=([^\\s']+)");
  private static final Pattern CONNINFO_PORT = Pattern.compile("\\bport=(\\d+)");

  private final String id;
  private final Endpoint endpoint;
  private final String slot;
  private final @Nullable PostgresControl control;
  private final Clock clock;
  private final Duration timeout;
  private final UnaryOperator<Endpoint> route;
  private final Login login;

  /**
   * Observations read on sessions kept for the life of the process, shared by every adapter with
   * the same login and timeout: a new session per look would cost the server a process, and callers
   * (the orchestrator's supervision, its lag monitor) make a new adapter for each look.
   */
  private static final ConcurrentHashMap<SessionsKey, KeptSessions> OBSERVING =
      new ConcurrentHashMap<>();

  private record SessionsKey(Login login, Duration timeout) {}

  private final KeptSessions observing;
  // The session that promoted this node, kept for recordTerm, which a plan's promote step calls
  // next on the same adapter: a new session on a just-promoted node took 59 ms on a loaded lab.
  private @Nullable Connection promotedSession;

  /**
   * @param id the node's id for messages, e.g. {@code postgres@us-east-1}
   * @param endpoint where this node accepts SQL connections
   * @param slot this node's replication slot name on whichever node is its primary
   * @param control local control of the node, needed only by {@link #rejoin}
   * @param route how the caller reaches an address a replica names as its primary (identity, or the
   *     lab's WAN address mapped to the direct one, so that observing lag from the edge does not
   *     cross the emulated WAN)
   */
  public PostgresAdapter(
      String id,
      Endpoint endpoint,
      String slot,
      @Nullable PostgresControl control,
      Clock clock,
      Duration timeout,
      UnaryOperator<Endpoint> route) {
    this(id, endpoint, slot, control, clock, timeout, route, Login.LAB);
  }

  /**
   * A node reached with {@code login} (a managed database's user, password and TLS) instead of the
   * lab's passwordless superuser.
   */
  public PostgresAdapter(
      String id,
      Endpoint endpoint,
      String slot,
      @Nullable PostgresControl control,
      Clock clock,
      Duration timeout,
      UnaryOperator<Endpoint> route,
      Login login) {
    this.login = login;
    this.id = id;
    this.endpoint = endpoint;
    this.slot = slot;
    this.control = control;
    this.clock = clock;
    this.timeout = timeout;
    this.route = route;
    this.observing =
        OBSERVING.computeIfAbsent(
            new SessionsKey(login, timeout),
            k -> new KeptSessions(to -> observationSession(to, k.login(), k.timeout())));
  }

  @Override
  public String id() {
    return id;
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  /** Opens a connection to this node as the superuser; the caller closes it. */
  public Connection connect() throws SQLException {
    return connect(endpoint);
  }

  private Connection connect(Endpoint to) throws SQLException {
    return connect(to, login, timeout);
  }

  private static Connection connect(Endpoint to, Login login, Duration timeout)
      throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", login.user());
    if (login.password() != null) {
      props.setProperty("password", login.password());
    }
    if (!login.tls()) {
      props.setProperty("sslmode", "disable"); // pgjdbc would otherwise try TLS first
    } else {
      props.setProperty("sslmode", "verify-full");
      if (login.caFile() != null) {
        props.setProperty("sslrootcert", login.caFile().toString());
      } else {
        props.setProperty("sslfactory", "org.postgresql.ssl.DefaultJavaSSLFactory");
      }
    }
    long seconds = Math.max(1, timeout.toSeconds());
    props.setProperty("connectTimeout", Long.toString(seconds));
    // The login is bounded by the socket timeout, not by loginTimeout: with one, pgjdbc opens
    // every connection in a new thread of its own, and a control plane opens several a second.
    props.setProperty("socketTimeout", Long.toString(seconds));
    props.setProperty("ApplicationName", "summit-dr");
    Connection c =
        DriverManager.getConnection(
            "jdbc:postgresql://" + to.host() + ":" + to.port() + "/postgres", props);
    try {
      // Statements may take longer than the login (a promotion, a checkpoint).
      c.setNetworkTimeout(Runnable::run, (int) Math.max(5, seconds * 5) * 1000);
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  /**
   * A session for observations: its statements are bounded like its login, by the timeout, so a
   * kept session to a node behind a cut link fails as fast as a new one would.
   */
  private static Connection observationSession(Endpoint to, Login login, Duration timeout)
      throws SQLException {
    Connection c = connect(to, login, timeout);
    try {
      c.setNetworkTimeout(Runnable::run, (int) Math.max(1, timeout.toSeconds()) * 1000);
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  @Override
  public StoreObservation observe() {
    return observe(true);
  }

  /**
   * Looks at this node; {@code withLag} also asks a replica's primary for its lag. Operations look
   * without it: a promotion must not wait on a dead primary's connect timeout.
   */
  private StoreObservation observe(boolean withLag) {
    try {
      return observing.read(endpoint, s -> observeOn(s, withLag));
    } catch (SQLException e) {
      return StoreObservation.unreachable(id + ": " + e.getMessage(), clock.instant());
    }
  }

  private StoreObservation observeOn(Statement s, boolean withLag) throws SQLException {
    if (queryBoolean(s, "select pg_is_in_recovery()")) {
      if (!withLag) {
        String replay = queryString(s, "select coalesce(pg_last_wal_replay_lsn()::text, '0/0')");
        return new StoreObservation(
            true, StoreRole.REPLICA, null, null, replay, null, clock.instant());
      }
      return observeReplica(s);
    }
    String lsn = queryString(s, "select pg_current_wal_lsn()::text");
    boolean readOnly = "on".equals(queryString(s, "show default_transaction_read_only"));
    StoreRole role = readOnly ? StoreRole.FENCED : StoreRole.PRIMARY;
    return new StoreObservation(true, role, null, null, lsn, null, clock.instant());
  }

  private StoreObservation observeReplica(Statement s) throws SQLException {
    String replay = queryString(s, "select coalesce(pg_last_wal_replay_lsn()::text, '0/0')");
    Receiver receiver = receiver(s);
    Endpoint upstream = upstreamOf(queryString(s, "show primary_conninfo"));
    if (upstream != null) {
      try {
        return observing.read(
            route.apply(upstream), ps -> fromPrimary(ps, replay, receiver, upstream));
      } catch (SQLException e) {
        // The primary is unreachable (partition, failure): fall back to the replica's own view.
      }
    }
    return replicaOnly(s, replay, upstream);
  }

  /** The replica's side of the link: {@code pg_stat_wal_receiver}; no row = not streaming. */
  private record Receiver(boolean streaming, @Nullable Double silentSeconds, String status) {}

  private static Receiver receiver(Statement s) throws SQLException {
    try (ResultSet rs =
        s.executeQuery(
            "select status, extract(epoch from now() - last_msg_receipt_time)::float8"
                + " from pg_stat_wal_receiver")) {
      if (!rs.next()) {
        return new Receiver(false, null, "no WAL receiver");
      }
      String status = String.valueOf(rs.getString(1));
      double silent = rs.getDouble(2);
      return new Receiver(
          "streaming".equals(status), rs.wasNull() ? null : silent, "receiver " + status);
    }
  }

  /**
   * The lag as the primary sees it in {@code pg_stat_replication}. Bytes: the primary's WAL
   * position (a cascading upstream's: its received position) minus the replica's last reported
   * replay position. Seconds: {@code replay_lag}, or 0 when nothing is missing; unknown (null) when
   * WAL is missing and PostgreSQL has no figure. Both are as old as the replica's last report
   * ({@code reply_time}) and the last message it received: a silent link freezes them, which {@code
   * lagMeasuredAt} shows. A missing row is "not streaming" (the row goes after {@code
   * wal_sender_timeout}), with the lag unknown.
   */
  private StoreObservation fromPrimary(
      Statement ps, String replay, Receiver receiver, Endpoint upstream) throws SQLException {
    try (ResultSet rs =
        ps.executeQuery(
            // an upstream that is itself a standby (a replica cascading from a zone's standby)
            // has no current WAL position: its received one stands for it
            "select pg_wal_lsn_diff(case when pg_is_in_recovery() then pg_last_wal_receive_lsn()"
                + " else pg_current_wal_lsn() end, replay_lsn)::bigint,"
                + " extract(epoch from replay_lag)::float8, state,"
                + " extract(epoch from now() - reply_time)::float8"
                + " from pg_stat_replication where application_name = '"
                + slot
                + "'")) {
      Instant now = clock.instant();
      if (!rs.next()) {
        return new StoreObservation(
            true,
            StoreRole.REPLICA,
            null,
            null,
            replay,
            "not streaming: "
                + upstream
                + " has no pg_stat_replication row for "
                + slot
                + "; "
                + receiver.status(),
            now,
            false,
            null);
      }
      long diff = rs.getLong(1);
      Long bytes = rs.wasNull() ? null : Math.max(0, diff);
      double lag = rs.getDouble(2);
      Double replayLag = rs.wasNull() ? null : lag;
      String state = String.valueOf(rs.getString(3));
      double replyAge = rs.getDouble(4);
      Double replyAgeSeconds = rs.wasNull() ? null : replyAge;
      boolean streaming = "streaming".equals(state) && receiver.streaming();
      Double seconds = bytes == null ? null : bytes == 0 ? Double.valueOf(0.0) : replayLag;
      Instant measuredAt =
          bytes == null ? null : bytes == 0 ? now : reportedAt(now, replyAgeSeconds, receiver);
      return new StoreObservation(
          true,
          StoreRole.REPLICA,
          bytes,
          seconds,
          replay,
          "sender " + state + " to " + upstream + "; " + receiver.status(),
          now,
          streaming,
          measuredAt);
    }
  }

  /** When the replica's last report was true: the older of its last reply and last receipt. */
  private static @Nullable Instant reportedAt(
      Instant now, @Nullable Double replyAge, Receiver receiver) {
    if (replyAge == null) {
      return null;
    }
    double age =
        Math.max(replyAge, receiver.silentSeconds() == null ? 0 : receiver.silentSeconds());
    return now.minusNanos(Math.max(0, Math.round(age * 1e9)));
  }

  private StoreObservation replicaOnly(Statement s, String replay, @Nullable Endpoint upstream)
      throws SQLException {
    try (ResultSet rs =
        s.executeQuery(
            "select pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::bigint,"
                + " extract(epoch from now() - pg_last_xact_replay_timestamp())::float8")) {
      rs.next();
      long backlog = Math.max(0, rs.getLong(1));
      double sinceReplay = rs.getDouble(2);
      String since = rs.wasNull() ? "never" : String.format(Locale.ROOT, "%.1f s ago", sinceReplay);
      // Without the primary the data lag is unknown (null): what the replica knows is its own
      // backlog and the age of the last transaction it replayed, which measures the outage.
      return new StoreObservation(
          true,
          StoreRole.REPLICA,
          null,
          null,
          replay,
          String.format(
              Locale.ROOT,
              "primary %s not reachable: %d bytes received not yet replayed; last transaction"
                  + " replayed %s",
              upstream,
              backlog,
              since),
          clock.instant(),
          false,
          null);
    }
  }

  static @Nullable Endpoint upstreamOf(String conninfo) {
    Matcher host = CONNINFO_HOST.matcher(conninfo);
    Matcher port = CONNINFO_PORT.matcher(conninfo);
    if (!host.find() || !port.find()) {
      return null;
    }
    return new Endpoint(host.group(1), Integer.parseInt(port.group(1)));
  }

  @Override
  public StoreResult promote() {
    long t0 = System.nanoTime();
    StoreObservation seen = observe(false);
    if (!seen.reachable()) {
      return new StoreResult.Retry(id + ": unreachable: " + seen.detail());
    }
    long observed = System.nanoTime();
    Connection c = null;
    try {
      c = connect();
      try (Statement s = c.createStatement()) {
        if (seen.role() == StoreRole.PRIMARY) {
          return new StoreResult.AlreadyDone(id + ": already primary at " + seen.position());
        }
        long connected = System.nanoTime();
        if (seen.role() == StoreRole.REPLICA && !promoteAndWait(s)) {
          return new StoreResult.Retry(id + ": pg_promote did not finish within " + timeout);
        }
        long promoted = System.nanoTime();
        boolean unfenced = unfenceIfFenced(s);
        if (!unfenced) {
          // (after an unfence this session might not have reloaded its settings yet)
          keepPromotedSession(c);
          c = null;
        }
        return new StoreResult.Applied(
            id
                + ": promoted (was "
                + seen.role().name().toLowerCase(java.util.Locale.ROOT)
                + " at "
                + seen.position()
                + String.format(
                    java.util.Locale.ROOT,
                    "; observe %d ms, connect %d ms, read-write after %d ms, %s %d ms)",
                    (observed - t0) / 1_000_000,
                    (connected - observed) / 1_000_000,
                    (promoted - connected) / 1_000_000,
                    unfenced ? "unfence" : "not fenced, checked in",
                    (System.nanoTime() - promoted) / 1_000_000));
      }
    } catch (SQLException e) {
      return new StoreResult.Retry(id + ": promote failed: " + e.getMessage());
    } finally {
      closeQuietly(c);
    }
  }

  private void keepPromotedSession(Connection c) {
    closeQuietly(promotedSession);
    promotedSession = c;
  }

  private static void closeQuietly(@Nullable Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing a session that is no longer needed
      }
    }
  }

  /**
   * Unfences when {@code default_transaction_read_only} is on, or set in a configuration file (a
   * promoted replica that was a fenced primary once); returns whether it had to. Most replicas were
   * never fenced: the check is one round trip, the unfence an ALTER SYSTEM and a reload (106 ms on
   * a loaded lab).
   */
  private static boolean unfenceIfFenced(Statement s) throws SQLException {
    try (ResultSet rs =
        s.executeQuery(
            "select setting = 'on' or source <> 'default' from pg_settings"
                + " where name = 'default_transaction_read_only'")) {
      if (rs.next() && !rs.getBoolean(1)) {
        return false;
      }
    }
    unfence(s);
    return true;
  }

  /**
   * Asks for the promotion without waiting in the server ({@code pg_promote(true)} checks only
   * every 100 ms) and polls {@code pg_is_in_recovery()} every 5 ms on the same session instead.
   */
  private boolean promoteAndWait(Statement s) throws SQLException {
    if (!queryBoolean(s, "select pg_promote(false)")) {
      return false;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (queryBoolean(s, "select pg_is_in_recovery()")) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
      if (Thread.currentThread().isInterrupted()) {
        return false;
      }
    }
    return true;
  }

  private static void unfence(Statement s) throws SQLException {
    s.execute("alter system reset default_transaction_read_only");
    s.execute("select pg_reload_conf()");
  }

  @Override
  public StoreResult fence() {
    StoreObservation seen = observe(false);
    if (!seen.reachable()) {
      return new StoreResult.Retry(id + ": unreachable: " + seen.detail());
    }
    if (seen.role() != StoreRole.PRIMARY) {
      return new StoreResult.AlreadyDone(
          id
              + ": refuses writes already ("
              + seen.role().name().toLowerCase(java.util.Locale.ROOT)
              + ")");
    }
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("alter system set default_transaction_read_only = on");
      s.execute("select pg_reload_conf()");
      awaitReadOnly();
      int terminated =
          queryInt(
              s,
              "select count(pg_terminate_backend(pid))::int from pg_stat_activity"
                  + " where backend_type = 'client backend' and pid <> pg_backend_pid()");
      return new StoreResult.Applied(
          id + ": fenced at " + seen.position() + ", " + terminated + " sessions terminated");
    } catch (SQLException e) {
      return new StoreResult.Retry(id + ": fence failed: " + e.getMessage());
    }
  }

  @Override
  public StoreResult unfence() {
    StoreObservation seen = observe(false);
    if (!seen.reachable()) {
      return new StoreResult.Retry(id + ": unreachable: " + seen.detail());
    }
    if (seen.role() == StoreRole.PRIMARY) {
      return new StoreResult.AlreadyDone(id + ": takes writes already at " + seen.position());
    }
    if (seen.role() != StoreRole.FENCED) {
      return new StoreResult.Fatal(
          id + ": is a " + seen.role().name().toLowerCase(java.util.Locale.ROOT) + ", not fenced");
    }
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      unfence(s);
      return new StoreResult.Applied(id + ": unfenced at " + seen.position());
    } catch (SQLException e) {
      return new StoreResult.Retry(id + ": unfence failed: " + e.getMessage());
    }
  }

  /** The reload is asynchronous; new sessions see it once the postmaster has processed it. */
  private void awaitReadOnly() throws SQLException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try (Connection c = connect();
          Statement s = c.createStatement()) {
        if ("on".equals(queryString(s, "show default_transaction_read_only"))) {
          return;
        }
      }
      java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
    }
    throw new SQLException(id + ": default_transaction_read_only not on after " + timeout);
  }

  @Override
  public StoreResult rejoin(Endpoint newPrimary) {
    if (newPrimary.equals(endpoint)) {
      return new StoreResult.Fatal(
          id + ": cannot rejoin as a replica of itself (" + newPrimary + ")");
    }
    StoreObservation seen = observe(false);
    if (seen.role() == StoreRole.REPLICA && followsStreaming(newPrimary)) {
      return new StoreResult.AlreadyDone(id + ": already streaming from " + newPrimary);
    }
    if (control == null) {
      return new StoreResult.Fatal(
          id + ": rejoin needs local control of the node's data directory");
    }
    try {
      prepareSource(newPrimary);
      control.stop();
      // pg_rewind and pg_basebackup copy the source's configuration files over the node's own: a
      // node's own settings (a zone node's synchronous standby is the one in its own region) are
      // kept, as Patroni keeps them across a rewind.
      java.util.Optional<String> ownConfig = control.readDataFile("postgresql.conf");
      String how = rewindOrClone(control, newPrimary);
      ownConfig.ifPresent(c -> control.writeDataFile("postgresql.conf", c));
      control.writeDataFile("postgresql.auto.conf", standbyConfig(newPrimary, slot));
      control.writeDataFile("standby.signal", "");
      control.start();
      return new StoreResult.Applied(id + ": " + how + ", now a replica of " + newPrimary);
    } catch (SQLException | PostgresToolException e) {
      return new StoreResult.Retry(id + ": rejoin failed: " + e.getMessage());
    }
  }

  private boolean followsStreaming(Endpoint primary) {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      Endpoint upstream = upstreamOf(queryString(s, "show primary_conninfo"));
      String status =
          queryString(s, "select coalesce((select status from pg_stat_wal_receiver), 'none')");
      return primary.equals(upstream) && status.equals("streaming");
    } catch (SQLException e) {
      return false;
    }
  }

  /** A fresh slot for this node on the new primary, and a checkpoint for pg_rewind to see. */
  private void prepareSource(Endpoint newPrimary) throws SQLException {
    try (Connection c = connect(newPrimary);
        Statement s = c.createStatement()) {
      s.execute(
          "select pg_drop_replication_slot(slot_name) from pg_replication_slots"
              + " where slot_name = '"
              + slot
              + "' and not active");
      s.execute(
          "select pg_create_physical_replication_slot('"
              + slot
              + "', true)"
              + " where not exists (select 1 from pg_replication_slots where slot_name = '"
              + slot
              + "')");
      s.execute("checkpoint");
    }
  }

  private String rewindOrClone(PostgresControl node, Endpoint source) {
    String conninfo =
        "host="
            + source.host()
            + " port="
            + source.port()
            + " user=postgres dbname=postgres application_name=pg_rewind";
    try {
      String out =
          node.run(
              "pg_rewind",
              List.of("--target-pgdata=" + node.dataDirectory(), "--source-server=" + conninfo));
      return out.contains("no rewind required") ? "no rewind required" : "rewound with pg_rewind";
    } catch (PostgresToolException rewindFailed) {
      node.clearDataDirectory();
      node.run(
          "pg_basebackup",
          List.of(
              "-h",
              source.host(),
              "-p",
              Integer.toString(source.port()),
              "-U",
              "postgres",
              "-D",
              node.dataDirectory().toString(),
              "-X",
              "stream",
              "-S",
              slot));
      return "re-cloned with pg_basebackup (pg_rewind failed: " + rewindFailed.getMessage() + ")";
    }
  }

  /**
   * The {@code postgresql.auto.conf} of a replica of {@code primary} using replication slot {@code
   * slot}; the slot name doubles as the application name its primary reports lag under.
   */
  public static String standbyConfig(Endpoint primary, String slot) {
    return "# written by summit-dr\n"
        + "primary_conninfo = 'host="
        + primary.host()
        + " port="
        + primary.port()
        + " user=postgres application_name="
        + slot
        + "'\n"
        + "primary_slot_name = '"
        + slot
        + "'\n";
  }

  @Override
  public StoreResult recordTerm(long term) {
    Connection kept = promotedSession;
    promotedSession = null;
    try (Connection c = kept != null ? kept : connect()) {
      long held;
      try {
        held = raiseTerm(c, term);
      } catch (SQLException e) {
        if (!"42P01".equals(e.getSQLState())) { // undefined_table: no write ever reached this node
          throw e;
        }
        try (Statement s = c.createStatement()) {
          s.execute(WriterTerm.PG_CREATE);
        }
        held = raiseTerm(c, term);
      }
      if (held >= term) {
        return new StoreResult.AlreadyDone(id + ": writer term " + held + " already");
      }
      return new StoreResult.Applied(id + ": writer term " + held + " -> " + term);
    } catch (SQLException e) {
      return new StoreResult.Retry(id + ": recording term " + term + " failed: " + e.getMessage());
    }
  }

  /**
   * Raises the recorded term to {@code term} (never lowers it) and returns the term held before, in
   * one statement: a plan's promote step waits for it, and on a loaded lab each round trip to a
   * just-promoted node took ~40 ms (three statements took 350 ms).
   */
  private static long raiseTerm(Connection c, long term) throws SQLException {
    try (java.sql.PreparedStatement raise =
        c.prepareStatement(
            "with held as ("
                + WriterTerm.PG_READ
                + " as term), raised as ("
                + WriterTerm.PG_RAISE
                + ") select term from held")) {
      raise.setLong(1, term);
      try (ResultSet rs = raise.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static long queryLong(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public StoreResult verifyWrite() {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute(
          "create table if not exists summit_dr_verify (at timestamptz primary key default clock_timestamp())");
      s.execute("insert into summit_dr_verify default values");
      return new StoreResult.Applied(id + ": wrote a row to summit_dr_verify");
    } catch (SQLException e) {
      return new StoreResult.Retry(id + ": verify write failed: " + e.getMessage());
    }
  }

  private static boolean queryBoolean(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  private static int queryInt(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static String queryString(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      String v = rs.getString(1);
      return v == null ? "" : v;
    }
  }

  @Override
  public void close() {
    // Operations' connections are their own (the promoting session kept for recordTerm is closed
    // here when unused); the observation sessions are the process's.
    closeQuietly(promotedSession);
    promotedSession = null;
  }
}
