package io.summit.dr.router;

/** Where a router stands. */
public enum Role {
  /**
   * The global entry point: reads to the nearest healthy region, writes to the writer region. Its
   * backends per region are usually the regions' gateways.
   */
  EDGE,
  /**
   * A region's gateway: reads only from its own region's instances; writes to the writer region's
   * backends (its own instances when it is the writer, otherwise the writer's gateway).
   */
  GATEWAY
}
