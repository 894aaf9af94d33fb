package io.summit.dr.orchestrator;

/** Compares replication positions: PostgreSQL LSNs ({@code 0/3000148}) or Redis offsets. */
final class Positions {
  private Positions() {}

  static int compare(String a, String b) {
    return Long.compareUnsigned(value(a), value(b));
  }

  static long value(String position) {
    int slash = position.indexOf('/');
    if (slash < 0) {
      return Long.parseLong(position.trim());
    }
    long high = Long.parseLong(position.substring(0, slash), 16);
    long low = Long.parseLong(position.substring(slash + 1), 16);
    return (high << 32) | low;
  }
}
