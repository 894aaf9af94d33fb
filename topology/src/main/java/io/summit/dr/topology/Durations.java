package io.summit.dr.topology;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The duration syntax of topology files: a number and a unit, {@code 500ms}, {@code 1.5s}. */
public final class Durations {
  static final String PATTERN = "^[0-9]+(\\.[0-9]+)?(ms|s|m|h)$";
  static final String EXPECTED = "a duration such as 500ms, 2s, 5m or 1h";
  private static final Pattern SYNTAX = Pattern.compile(PATTERN);

  private Durations() {}

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException when it is not a number followed by ms, s, m or h, or has a
   *     fraction of a millisecond
   */
  public static Duration parse(String text) {
    Matcher m = SYNTAX.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration (expected: " + EXPECTED + ")");
    }
    String unit = m.group(2);
    BigDecimal number =
        new BigDecimal(text.trim().substring(0, text.trim().length() - unit.length()));
    BigDecimal millis =
        switch (unit) {
          case "ms" -> number;
          case "s" -> number.multiply(BigDecimal.valueOf(1_000));
          case "m" -> number.multiply(BigDecimal.valueOf(60_000));
          default -> number.multiply(BigDecimal.valueOf(3_600_000));
        };
    try {
      return Duration.ofMillis(millis.longValueExact());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a whole number of milliseconds (expected: " + EXPECTED + ")", e);
    }
  }

  /** The shortest exact form: {@code 5m}, {@code 1500ms}, {@code 2s}. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms != 0 && ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms != 0 && ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1_000 == 0) {
      return ms / 1_000 + "s";
    }
    return ms + "ms";
  }
}
