package io.summit.dr.drill;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/** What a drill does at T0. */
public enum Scenario {
  /** Kill the writer region: SIGKILL to every process of it, and its WAN links cut. */
  REGION_FAILURE,
  /**
   * Kill the writer zone of the writer region (SIGKILL to its store nodes at once): the region's
   * agent promotes the standby of the other zone, with no regional failover.
   */
  ZONE_FAILURE,
  /** Cut the link between the two regions (both stay reachable from the edge), then heal it. */
  PARTITION,
  /** A planned switchover of the writer to the other region. */
  SWITCHOVER,
  /** Failback to the home region after a region failure (set up first, not measured). */
  FAILBACK,
  /** Cut the writer region from every other location for half the window, then heal. */
  ISOLATE,
  /**
   * Cut the writer region from the edge and the witness (still linked to the other region) for half
   * the window, then heal.
   */
  EDGE_ISOLATION,
  /** Random fault schedules from the lab's fault set (ChaosDrill). */
  CHAOS;

  /** Whether the drill heals the fault half-way through the window (a cut, not a kill). */
  public boolean healsHalfWay() {
    return this == PARTITION || this == ISOLATE || this == EDGE_ISOLATION;
  }

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * @throws IllegalArgumentException naming the value and the allowed ones
   */
  public static Scenario parse(String text) {
    for (Scenario s : values()) {
      if (s.wireName().equals(text)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "--scenario: '"
            + text
            + "' (expected: one of "
            + String.join(", ", Arrays.stream(values()).map(Scenario::wireName).toList())
            + ")");
  }
}
