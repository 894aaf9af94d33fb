package io.summit.dr.replication.postgres;

import io.summit.dr.replication.Endpoint;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions kept open between observations: at most one idle session per address, taken by one
 * reader at a time and put back after a successful read. A PostgreSQL session costs a server
 * process, and starting one is the dearest thing an observation does (measured on the lab's 2-core
 * machine: some 20 ms and 33 ms of CPU per connection with pgbench -C, 48 connections/s using about
 * 80 % of both cores, against 25,000 {@code SELECT 1}/s on one kept session). A control plane that
 * observes every node several times a second with a new session each time spends a core on it.
 *
 * <p>A read on a kept session that fails without a timeout (the server restarted, a fence
 * terminated the session) is tried once more on a new session; a timeout is not: the node did not
 * answer in time, and a second try would double the wait. Two readers of one address at once each
 * get a session; the second is closed after its read if one is already kept. Any failure closes the
 * session it happened on.
 *
 * <p>Only for reads: operations that change a node open their own sessions. Thread-safe.
 */
public final class KeptSessions implements AutoCloseable {
  /** Opens a new session to an address. */
  @FunctionalInterface
  public interface Opener {
    Connection open(Endpoint to) throws SQLException;
  }

  /** What is read on a session. */
  @FunctionalInterface
  public interface Reading<T> {
    T read(Statement s) throws SQLException;
  }

  private final Opener opener;
  private final ConcurrentHashMap<Endpoint, Connection> idle = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public KeptSessions(Opener opener) {
    this.opener = opener;
  }

  /**
   * Runs {@code reading} on a kept session to {@code to}, or a new one.
   *
   * @throws SQLException when the node cannot be reached or the reading fails on a new session
   */
  public <T> T read(Endpoint to, Reading<T> reading) throws SQLException {
    Connection kept = idle.remove(to);
    if (kept != null) {
      try {
        return readOn(to, kept, reading);
      } catch (SQLException e) {
        if (timedOut(e)) {
          throw e;
        }
        // The kept session had ended: once more on a new one.
      }
    }
    return readOn(to, opener.open(to), reading);
  }

  private <T> T readOn(Endpoint to, Connection c, Reading<T> reading) throws SQLException {
    T result;
    try (Statement s = c.createStatement()) {
      result = reading.read(s);
    } catch (SQLException | RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
    if (closed || idle.putIfAbsent(to, c) != null) {
      closeQuietly(c);
    } else if (closed && idle.remove(to, c)) {
      closeQuietly(c); // close() ran between the check and the put
    }
    return result;
  }

  /** How many idle sessions are kept (for tests and status). */
  public int kept() {
    return idle.size();
  }

  /**
   * Whether {@code e} or one of its causes is a socket timeout: the node did not answer in time.
   */
  static boolean timedOut(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SocketTimeoutException) {
        return true;
      }
    }
    return false;
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // already broken: nothing to release
    }
  }

  /** Closes every kept session; later reads open and close their own. */
  @Override
  public void close() {
    closed = true;
    idle.keySet()
        .forEach(
            k -> {
              Connection c = idle.remove(k);
              if (c != null) {
                closeQuietly(c);
              }
            });
  }
}
