package io.summit.dr.topology;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** IPv4 CIDR blocks, enough to check syntax and overlap. */
public record Cidr(long network, int prefix) {
  private static final Pattern SYNTAX =
      Pattern.compile("^(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})$");

  static boolean isValid(String text) {
    try {
      parse(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Parses {@code a.b.c.d/n}.
   *
   * @throws IllegalArgumentException on bad syntax, an octet over 255 or a prefix outside 8..28
   */
  public static Cidr parse(String text) {
    Matcher m = SYNTAX.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not an IPv4 CIDR");
    }
    long address = 0;
    for (int i = 1; i <= 4; i++) {
      int octet = Integer.parseInt(m.group(i));
      if (octet > 255) {
        throw new IllegalArgumentException("'" + text + "' has an octet over 255");
      }
      address = (address << 8) | octet;
    }
    int prefix = Integer.parseInt(m.group(5));
    if (prefix < 8 || prefix > 28) {
      throw new IllegalArgumentException("'" + text + "' has a prefix outside 8..28");
    }
    long mask = (0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL;
    return new Cidr(address & mask, prefix);
  }

  public boolean overlaps(Cidr other) {
    int shorter = Math.min(prefix, other.prefix);
    long mask = (0xFFFF_FFFFL << (32 - shorter)) & 0xFFFF_FFFFL;
    return (network & mask) == (other.network & mask);
  }
}
