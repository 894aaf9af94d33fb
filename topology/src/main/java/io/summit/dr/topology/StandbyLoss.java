package io.summit.dr.topology;

/** What a writer does when its synchronous standby is lost while it lives. An alert either way. */
public enum StandbyLoss {
  /** Strict: commits wait until a standby is back (no write is acknowledged by one zone alone). */
  WAIT,
  /** Relaxable: the writer goes on alone, asynchronous until a standby is back. */
  KEEP_WRITING
}
