package io.summit.dr.replication;

/**
 * The writer term as each store keeps it: the fencing token that every promotion raises. A primary
 * records the term it was promoted under; a write carries the term its writer was given by
 * discovery, and the primary refuses it when it knows a newer one. The checks live in the store
 * itself (a statement's condition, a server-side script), so no client can skip them:
 *
 * <ul>
 *   <li>PostgreSQL: one row of table {@value #PG_TABLE}; a write is an {@code insert ... select ...
 *       where} the row's term is at most the write's ({@link #PG_GUARD}), in the same statement as
 *       the write;
 *   <li>Redis: key {@value #REDIS_KEY}; a write is {@link #REDIS_GUARDED_SET}, a Lua script that
 *       compares and sets atomically.
 * </ul>
 *
 * A term only ever rises ({@link #PG_RAISE}, {@link #REDIS_RAISE}), and replication carries it to
 * the replicas, so a node promoted later starts from the term its primary had.
 */
public final class WriterTerm {
  private WriterTerm() {}

  public static final String PG_TABLE = "summit_dr_writer_term";

  public static final String PG_CREATE =
      "create table if not exists "
          + PG_TABLE
          + " (id int primary key check (id = 1), term bigint not null)";

  /** Raises the recorded term to {@code ?} (never lowers it). */
  public static final String PG_RAISE =
      "insert into "
          + PG_TABLE
          + " values (1, ?) on conflict (id) do update set term = greatest("
          + PG_TABLE
          + ".term, excluded.term)";

  /**
   * The condition a write's statement carries: the node's term is not above the write's {@code ?}.
   */
  public static final String PG_GUARD =
      "coalesce((select term from " + PG_TABLE + " where id = 1), 0) <= ?";

  /** The node's term, 0 before any was recorded. */
  public static final String PG_READ =
      "select coalesce((select term from " + PG_TABLE + " where id = 1), 0)";

  public static final String REDIS_KEY = "summit-dr:writer-term";

  /**
   * KEYS[1] the key to set, KEYS[2] {@link #REDIS_KEY}; ARGV[1] the value, ARGV[2] the write's
   * term. Answers OK, or an error {@code STALETERM} naming both terms.
   */
  public static final String REDIS_GUARDED_SET =
      "local t = tonumber(redis.call('GET', KEYS[2]) or '0') "
          + "if t > tonumber(ARGV[2]) then return redis.error_reply('STALETERM node term ' .. t .."
          + " ' is newer than the write term ' .. ARGV[2]) end "
          + "return redis.call('SET', KEYS[1], ARGV[1])";

  /**
   * KEYS[1] {@link #REDIS_KEY}; ARGV[1] the term. Raises the term, never lowers it; answers {@code
   * raised} or {@code held N} with the node's (equal or newer) term.
   */
  public static final String REDIS_RAISE =
      "local t = tonumber(redis.call('GET', KEYS[1]) or '0') "
          + "if tonumber(ARGV[1]) > t then redis.call('SET', KEYS[1], ARGV[1]) return 'raised' end "
          + "return 'held ' .. t";
}
