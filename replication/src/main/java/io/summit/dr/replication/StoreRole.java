package io.summit.dr.replication;

/** What a store is doing, as observed. */
public enum StoreRole {
  /** Accepts writes. */
  PRIMARY,
  /** Follows a primary and refuses writes. */
  REPLICA,
  /** Was a primary and has been fenced: refuses writes, still serves reads. */
  FENCED,
  /** Could not be reached, so its role is not known. */
  UNKNOWN
}
