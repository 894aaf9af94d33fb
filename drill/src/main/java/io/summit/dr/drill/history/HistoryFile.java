package io.summit.dr.drill.history;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A history as JSON lines, Jepsen's shape: one line per invocation and one per completion, in time
 * order, each with {@code type} ({@code invoke}, {@code ok}, {@code fail}, {@code info}), {@code
 * process}, {@code f}, {@code key}, {@code value}, {@code time_s} (from T0), {@code wall}, and
 * where known {@code term}, {@code region}, {@code client}, {@code error} and {@code zone} (the
 * {@code X-Summit-Zone} of the instance that answered; omitted when none did); {@code index} pairs
 * a completion with its invocation.
 */
public final class HistoryFile {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HistoryFile() {}

  /** Writes {@code ops} to {@code file}; T0 is given on both clocks. */
  public static Path write(List<Op> ops, long t0Nanos, Instant t0Wall, Path file) {
    record Line(long nanos, int order, ObjectNode json) {}
    List<Line> lines = new ArrayList<>();
    for (Op o : ops) {
      lines.add(new Line(o.invokeNanos(), 0, line(o, true, t0Nanos, t0Wall)));
      lines.add(new Line(o.completeNanos(), 1, line(o, false, t0Nanos, t0Wall)));
    }
    lines.sort(Comparator.comparingLong(Line::nanos).thenComparingInt(Line::order));
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (BufferedWriter w = Files.newBufferedWriter(file)) {
        for (Line l : lines) {
          w.write(l.json().toString());
          w.newLine();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("history: cannot write " + file, e);
    }
    return file;
  }

  private static ObjectNode line(Op o, boolean invoke, long t0Nanos, Instant t0Wall) {
    long at = invoke ? o.invokeNanos() : o.completeNanos();
    ObjectNode n = JSON.createObjectNode();
    n.put("index", o.index());
    n.put("type", invoke ? "invoke" : o.type().name().toLowerCase(Locale.ROOT));
    n.put("process", o.process());
    n.put("f", o.f().name().toLowerCase(Locale.ROOT));
    n.put("key", o.key());
    Long value = invoke && !o.f().isWrite() ? null : o.value();
    if (value == null) {
      n.putNull("value");
    } else {
      n.put("value", value);
    }
    n.put("time_s", Math.round((at - t0Nanos) / 1e6) / 1000.0);
    n.put("wall", t0Wall.plus(Duration.ofNanos(at - t0Nanos)).toString());
    n.put("client", o.client());
    if (!invoke) {
      if (o.term() != null) {
        n.put("term", o.term());
      }
      if (o.region() != null) {
        n.put("region", o.region());
      }
      if (o.error() != null) {
        n.put("error", o.error());
      }
      if (o.zone() != null) {
        n.put("zone", o.zone());
      }
    }
    return n;
  }
}
