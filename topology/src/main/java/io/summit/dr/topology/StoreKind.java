package io.summit.dr.topology;

/** The data store engines a topology can replicate. */
public enum StoreKind {
  POSTGRES,
  REDIS,
  NEO4J,
  OBJECTS
}
