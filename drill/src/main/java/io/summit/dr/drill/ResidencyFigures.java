package io.summit.dr.drill;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.summit.dr.drill.canary.Outcome;
import io.summit.dr.lab.residency.ResidencyCheck;
import io.summit.dr.topology.DataClass;
import io.summit.dr.topology.Residency;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A drill's data residency figures, for a topology with data classes. A violation is a pinned
 * request (the canary's, carrying a tenant of a class) answered by an instance in a region the
 * class does not allow, or a record or object of a class found by {@link ResidencyCheck} in a
 * region outside the class; there must be none. A pinned request the router refused for residency
 * (a 503 saying {@code (data residency)}: none of its class's regions could serve it) is expected
 * while those regions are down, counted apart and not a violation.
 *
 * @param classes the topology's data classes
 * @param pinnedClass the class the canary pinned its traffic to; null when no class has a tenant
 * @param pinnedRequests the pinned requests the canary recorded (from the start of the warm-up)
 * @param pinnedAnswered the pinned requests answered by an instance (the answer names its region)
 * @param servedOutside pinned requests answered from a region the class does not allow
 * @param refused pinned requests the router refused for data residency
 * @param recordsOutside records and objects of a class found outside its regions
 * @param samples the first violations, each with where it was found
 * @param nodesInspected the store nodes the residency check read
 * @param unchecked the store nodes it could not read (down, as a killed region's), with why: not
 *     clean, unknown
 */
public record ResidencyFigures(
    List<String> classes,
    @Nullable String pinnedClass,
    long pinnedRequests,
    long pinnedAnswered,
    long servedOutside,
    long refused,
    long recordsOutside,
    List<String> samples,
    int nodesInspected,
    List<String> unchecked) {

  /** At most this many violations are listed in {@link #samples}. */
  static final int SAMPLES = 10;

  public ResidencyFigures {
    classes = List.copyOf(classes);
    samples = List.copyOf(samples);
    unchecked = List.copyOf(unchecked);
  }

  /**
   * The pinned requests among {@code outcomes}, judged against {@code residency}'s classes; the
   * unpinned ones ({@link Outcome#dataClass} null) are not looked at. Before the store check.
   */
  public static ResidencyFigures of(
      List<Outcome> outcomes, Residency residency, @Nullable String pinned) {
    long requests = 0;
    long answered = 0;
    long outside = 0;
    long refused = 0;
    List<String> samples = new ArrayList<>();
    for (Outcome o : outcomes) {
      String name = o.dataClass();
      if (name == null) {
        continue;
      }
      requests++;
      DataClass c = residency.dataClass(name).orElse(null);
      String served = o.servedRegion();
      if (o.refusedByResidency()) {
        refused++;
      } else if (served != null) {
        answered++;
        if (c == null || !c.allows(served)) {
          outside++;
          sample(samples, describe(o, served, c));
        }
      }
    }
    return new ResidencyFigures(
        residency.classes().stream().map(DataClass::name).toList(),
        pinned,
        requests,
        answered,
        outside,
        refused,
        0,
        samples,
        0,
        List.of());
  }

  private static String describe(Outcome o, String served, @Nullable DataClass c) {
    return String.format(
        Locale.ROOT,
        "%s %s answered by %s (status %d; class %s allows only %s)",
        o.kind().name().toLowerCase(Locale.ROOT),
        o.id(),
        served,
        o.status(),
        o.dataClass(),
        c == null ? "[unknown class]" : c.regions());
  }

  private static void sample(List<String> samples, String line) {
    if (samples.size() < SAMPLES) {
      samples.add(line);
    }
  }

  /** These figures with the store check's findings. */
  public ResidencyFigures withCheck(ResidencyCheck.Result check) {
    List<String> more = new ArrayList<>(samples);
    check.violations().forEach(v -> sample(more, v.format()));
    return new ResidencyFigures(
        classes,
        pinnedClass,
        pinnedRequests,
        pinnedAnswered,
        servedOutside,
        refused,
        check.violations().size(),
        more,
        check.nodesInspected(),
        check.unchecked());
  }

  /** These figures when the store check could not run at all: every node unchecked. */
  public ResidencyFigures withCheckFailed(String why) {
    return new ResidencyFigures(
        classes,
        pinnedClass,
        pinnedRequests,
        pinnedAnswered,
        servedOutside,
        refused,
        0,
        samples,
        0,
        List.of("residency check failed: " + why));
  }

  /** Pinned requests served outside their regions plus records and objects outside: must be 0. */
  @JsonProperty("violations")
  public long violations() {
    return servedOutside + recordsOutside;
  }

  /**
   * The line the drill prints with its other figures: {@code residency violations N (pinned
   * requests served outside their regions A, records/objects outside B; C pinned requests refused,
   * their class's regions unable to serve or store them)}, then what the store check inspected and
   * could not.
   */
  public String line() {
    return String.format(
            Locale.ROOT,
            "residency violations %d (pinned requests served outside their regions %d,"
                + " records/objects outside %d; %d pinned requests refused, their class's"
                + " regions unable to serve or store them); %d pinned requests to class %s,"
                + " %d store nodes inspected",
            violations(),
            servedOutside,
            recordsOutside,
            refused,
            pinnedRequests,
            pinnedClass == null ? "none (no class has a tenant)" : pinnedClass,
            nodesInspected)
        + (unchecked.isEmpty()
            ? ""
            : ", " + unchecked.size() + " not inspected (unknown, not clean): " + unchecked);
  }
}
