package io.summit.dr.topology;

/** What a region is for: the writer, a standby that serves reads, or a witness that only votes. */
public enum RegionRole {
  PRIMARY,
  SECONDARY,
  WITNESS
}
