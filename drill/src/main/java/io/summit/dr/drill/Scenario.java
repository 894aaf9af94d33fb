package io.summit.dr.drill;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/** What a drill does at T0. */
public enum Scenario {
  /** Kill the writer region: SIGKILL to every process of it, and its WAN links cut. */
  REGION_FAILURE,
  /** Cut the link between the two regions (both stay reachable from the edge), then heal it. */
  PARTITION,
  /** A planned switchover of the writer to the other region. */
  SWITCHOVER,
  /** Failback to the home region after a region failure (set up first, not measured). */
  FAILBACK;

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
