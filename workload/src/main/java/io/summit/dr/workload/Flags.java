package io.summit.dr.workload;

import io.summit.dr.replication.Endpoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The {@code --flag value} command lines of the workload's daemons (started by the lab, not by
 * people: the {@code summit-dr} command line uses picocli). Every problem is an {@link
 * IllegalArgumentException} that names the flag and what was expected.
 */
public final class Flags {
  private final Map<String, List<String>> values = new LinkedHashMap<>();

  private Flags() {}

  /**
   * Parses {@code args}, accepting only {@code known} flags (each followed by a value).
   *
   * @throws IllegalArgumentException for an unknown flag or a flag without a value
   */
  public static Flags parse(String[] args, Set<String> known) {
    Flags f = new Flags();
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (!known.contains(flag)) {
        throw new IllegalArgumentException(
            flag + ": unknown option (expected: one of " + String.join(", ", known) + ")");
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + ": missing value");
      }
      f.values.computeIfAbsent(flag, k -> new ArrayList<>()).add(args[++i]);
    }
    return f;
  }

  /** The flag's value, which must be given. */
  public String required(String flag) {
    String v = optional(flag);
    if (v == null) {
      throw new IllegalArgumentException(flag + ": missing (expected: a value)");
    }
    return v;
  }

  /** The flag's (last) value, or null. */
  public @Nullable String optional(String flag) {
    List<String> v = values.get(flag);
    return v == null ? null : v.get(v.size() - 1);
  }

  /** Every value the flag was given, in order. */
  public List<String> all(String flag) {
    return values.getOrDefault(flag, List.of());
  }

  /** A {@code HOST:PORT} value. */
  public static Endpoint endpoint(String flag, String value) {
    try {
      return Endpoint.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(flag + ": " + e.getMessage(), e);
    }
  }

  /** The values of a repeatable {@code HOST:PORT=HOST:PORT} flag, as a map. */
  public Map<Endpoint, Endpoint> routes(String flag) {
    Map<Endpoint, Endpoint> out = new LinkedHashMap<>();
    for (String value : all(flag)) {
      int eq = value.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            flag + ": '" + value + "' (expected: HOST:PORT=HOST:PORT)");
      }
      out.put(endpoint(flag, value.substring(0, eq)), endpoint(flag, value.substring(eq + 1)));
    }
    return out;
  }
}
