package io.summit.dr.access;

import java.util.Locale;

/**
 * What a caller may do, each role including the ones below it: a viewer reads, an operator also
 * moves the writer (failover, switchover, failback, approvals, the router's writer, scaling), an
 * admin also changes configuration (the router's backends, the lab's WAN links).
 */
public enum Role {
  VIEWER,
  OPERATOR,
  ADMIN;

  /** True when this role may do what {@code needed} may. */
  public boolean includes(Role needed) {
    return compareTo(needed) >= 0;
  }

  /** The name in access lists and messages: {@code viewer}, {@code operator}, {@code admin}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The role named {@code text}.
   *
   * @throws IllegalArgumentException naming {@code field} when there is no such role
   */
  public static Role parse(String field, String text) {
    for (Role r : values()) {
      if (r.label().equals(text)) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        field + ": '" + text + "' (expected: viewer, operator or admin)");
  }
}
