package io.summit.dr.topology;

/** Whether a declared region failure starts the failover plan by itself or waits for a person. */
public enum Trigger {
  AUTOMATIC,
  MANUAL
}
