package io.summit.dr.orchestrator;

/**
 * Compares replication positions: PostgreSQL LSNs ({@code 0/3000148}), Redis offsets ({@code 1234})
 * or Neo4j sequence numbers ({@code seq 2246}).
 */
final class Positions {
  private static final String NEO4J = "seq ";

  private Positions() {}

  static int compare(String a, String b) {
    return Long.compareUnsigned(value(a), value(b));
  }

  static long value(String position) {
    if (position.startsWith(NEO4J)) {
      return Long.parseLong(position.substring(NEO4J.length()).trim());
    }
    int slash = position.indexOf('/');
    if (slash < 0) {
      return Long.parseLong(position.trim());
    }
    long high = Long.parseLong(position.substring(0, slash), 16);
    long low = Long.parseLong(position.substring(slash + 1), 16);
    return (high << 32) | low;
  }
}
