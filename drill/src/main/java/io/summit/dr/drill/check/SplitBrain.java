package io.summit.dr.drill.check;

import io.summit.dr.drill.history.Op;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Split brain as the design defines it: writes acknowledged by two writers in overlapping time, or
 * by a writer whose term was already superseded. A writer is a writer region under a writer term
 * (the term the acknowledgement carried; unknown terms make region-only writers). Writers are
 * ordered by their first acknowledgement; a write acknowledged by writer I that was <em>invoked
 * after</em> a later writer J had acknowledged one is a violation (invoked before and acknowledged
 * after is only concurrency). For each change of writer the result gives the gap between the old
 * writer's last acknowledgement and the new writer's first (negative: they overlapped).
 */
public final class SplitBrain {
  public static final String NAME = "split-brain";

  private SplitBrain() {}

  /** One writer's acknowledgements. */
  public record Writer(String region, @Nullable Long term, long firstAckNanos, long lastAckNanos) {
    String name() {
      return region + (term == null ? "" : "@term" + term);
    }
  }

  /**
   * A change of writer.
   *
   * @param gapS the new writer's first acknowledgement minus the old one's last, in seconds
   */
  public record Handover(String from, String to, double gapS) {}

  /** The check's findings. */
  public record Result(CheckResult check, List<Writer> writers, List<Handover> handovers) {
    public Result {
      writers = List.copyOf(writers);
      handovers = List.copyOf(handovers);
    }
  }

  public static Result check(List<Op> ops) {
    List<Op> acked =
        ops.stream()
            .filter(o -> o.f().isWrite() && o.ok() && o.region() != null)
            .sorted(Comparator.comparingLong(Op::completeNanos))
            .toList();
    Map<String, List<Op>> byWriter = new LinkedHashMap<>();
    for (Op o : acked) {
      byWriter.computeIfAbsent(writerOf(o), k -> new ArrayList<>()).add(o);
    }
    List<Writer> writers = new ArrayList<>();
    for (List<Op> w : byWriter.values()) {
      Op first = w.get(0);
      writers.add(
          new Writer(
              Objects.requireNonNull(first.region()),
              first.term(),
              first.completeNanos(),
              w.get(w.size() - 1).completeNanos()));
    }
    Map<Long, CheckResult.Violation> found = new LinkedHashMap<>();
    for (int j = 1; j < writers.size(); j++) {
      Writer later = writers.get(j);
      for (int i = 0; i < j; i++) {
        Writer earlier = writers.get(i);
        for (Op o : acksOf(byWriter, earlier)) {
          if (o.invokeNanos() > later.firstAckNanos()) {
            found.putIfAbsent(
                o.index(), violation(o, earlier, later, acksOf(byWriter, later).get(0)));
          }
        }
      }
    }
    // A superseded term: a write acknowledged with a lower term than one acknowledged earlier.
    for (Writer w : writers) {
      for (Writer newer : writers) {
        if (w.term() != null
            && newer.term() != null
            && newer.term() > w.term()
            && newer.firstAckNanos() < w.firstAckNanos()) {
          for (Op o : acksOf(byWriter, w)) {
            if (o.invokeNanos() > newer.firstAckNanos()) {
              found.putIfAbsent(o.index(), violation(o, w, newer, acksOf(byWriter, newer).get(0)));
            }
          }
        }
      }
    }
    List<Handover> handovers = new ArrayList<>();
    for (int j = 1; j < writers.size(); j++) {
      Writer a = writers.get(j - 1);
      Writer b = writers.get(j);
      handovers.add(new Handover(a.name(), b.name(), (b.firstAckNanos() - a.lastAckNanos()) / 1e9));
    }
    CheckResult check =
        CheckResult.of(
            NAME,
            List.copyOf(found.values()),
            found.size()
                + " writes acknowledged by a superseded or overlapping writer; writers "
                + writers.stream().map(Writer::name).toList()
                + ", handovers "
                + handovers.stream()
                    .map(
                        h ->
                            String.format(
                                java.util.Locale.ROOT,
                                "%s->%s gap %.3fs",
                                h.from(),
                                h.to(),
                                h.gapS()))
                    .toList());
    return new Result(check, writers, handovers);
  }

  private static List<Op> acksOf(Map<String, List<Op>> byWriter, Writer w) {
    return Objects.requireNonNull(byWriter.get(w.name()), w.name());
  }

  private static String writerOf(Op o) {
    return o.region() + (o.term() == null ? "" : "@term" + o.term());
  }

  private static CheckResult.Violation violation(Op o, Writer old, Writer newer, Op newerFirst) {
    return new CheckResult.Violation(
        "write "
            + o.key()
            + " acknowledged by "
            + old.name()
            + " although invoked after "
            + newer.name()
            + " had acknowledged one",
        List.of(newerFirst, o));
  }
}
