package io.summit.dr.drill;

import io.summit.dr.drill.canary.Outcome;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The canary's requests by the availability zone of the instance that answered them (its {@code
 * X-Summit-Zone} header), for a lab whose instances run in zones.
 *
 * @param zones per zone, in name order, the writes and reads answered from it, ok and failed
 * @param noZone the requests whose answer named no zone: none came (refused, timed out, cut), or
 *     the router answered itself (a 503 without a writer region), or the instance has no zone
 */
public record ZoneFigures(Map<String, Counts> zones, Counts noZone) {

  /** Writes and reads, ok and failed (as {@link Outcome#ok} judges them). */
  public record Counts(long writesOk, long writesFailed, long readsOk, long readsFailed) {
    static final Counts NONE = new Counts(0, 0, 0, 0);

    Counts plus(Outcome o) {
      boolean write = o.kind() == Outcome.Kind.WRITE;
      boolean ok = o.ok();
      return new Counts(
          writesOk + (write && ok ? 1 : 0),
          writesFailed + (write && !ok ? 1 : 0),
          readsOk + (!write && ok ? 1 : 0),
          readsFailed + (!write && !ok ? 1 : 0));
    }

    String describe() {
      return String.format(
          Locale.ROOT,
          "writes %d ok / %d failed, reads %d ok / %d failed",
          writesOk,
          writesFailed,
          readsOk,
          readsFailed);
    }
  }

  public ZoneFigures {
    zones = Collections.unmodifiableMap(new LinkedHashMap<>(zones));
  }

  /** The figures of {@code outcomes}; null when no answer named a zone. */
  public static @Nullable ZoneFigures of(List<Outcome> outcomes) {
    Map<String, Counts> zones = new TreeMap<>();
    Counts none = Counts.NONE;
    for (Outcome o : outcomes) {
      String zone = o.zone();
      if (zone == null) {
        none = none.plus(o);
      } else {
        zones.put(zone, zones.getOrDefault(zone, Counts.NONE).plus(o));
      }
    }
    return zones.isEmpty() ? null : new ZoneFigures(zones, none);
  }

  /**
   * The line the drill prints with its other figures: {@code requests by zone: us-west-2a writes 10
   * ok / 0 failed, reads ...; no zone named writes ...}.
   */
  public String line() {
    StringBuilder b = new StringBuilder("requests by zone:");
    zones.forEach(
        (zone, c) -> b.append(' ').append(zone).append(' ').append(c.describe()).append(';'));
    return b.append(" no zone named ").append(noZone.describe()).toString();
  }
}
