package io.summit.dr.drill;

import static org.assertj.core.api.Assertions.assertThat;

import io.summit.dr.drill.canary.Outcome;
import io.summit.dr.lab.residency.ResidencyCheck;
import io.summit.dr.topology.DataClass;
import io.summit.dr.topology.ReplicationMode;
import io.summit.dr.topology.Residency;
import io.summit.dr.topology.Store;
import io.summit.dr.topology.StoreKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * How a drill counts data residency: pinned answers from a region outside the class are violations,
 * the router's residency refusals are counted apart (and left out of the availability figures),
 * unpinned traffic is not looked at, and the store check's findings add up.
 */
class ResidencyFiguresTest {
  private static final DataClass GOV =
      new DataClass(
          "gov",
          List.of("us-west-2"),
          List.of("docs"),
          List.of("acme-gov"),
          List.of(),
          List.of("entities/acme-gov-"),
          Map.of());
  private static final Residency RESIDENCY =
      new Residency("x-summit-data-class", "x-summit-tenant", List.of(GOV));
  private static final String REFUSAL =
      "data class 'gov' may only be served from us-west-2, which has no available instance; not"
          + " served from another region (data residency)";

  private static Outcome read(
      String id,
      int status,
      @Nullable String served,
      @Nullable String error,
      @Nullable String cls) {
    return new Outcome(Outcome.Kind.READ, -1, id, 1, 2, status, null, served, error, cls);
  }

  private static Outcome write(
      String id,
      int status,
      @Nullable String served,
      @Nullable String error,
      @Nullable String cls) {
    return new Outcome(Outcome.Kind.WRITE, 1, id, 1, 2, status, "us-east-1", served, error, cls);
  }

  @Test
  void aPinnedAnswerFromARegionTheClassDoesNotAllowIsAViolation() {
    ResidencyFigures f =
        ResidencyFigures.of(
            List.of(
                read("acme-gov-r-seed1", 200, "us-east-1", null, "gov"),
                write("acme-gov-r-w10", 201, "us-west-2", null, "gov")),
            RESIDENCY,
            "gov");

    assertThat(f.servedOutside()).isEqualTo(1);
    assertThat(f.violations()).isEqualTo(1);
    assertThat(f.pinnedRequests()).isEqualTo(2);
    assertThat(f.pinnedAnswered()).isEqualTo(2);
    assertThat(f.samples())
        .containsExactly(
            "read acme-gov-r-seed1 answered by us-east-1 (status 200; class gov allows only"
                + " [us-west-2])");
    assertThat(f.line()).startsWith("residency violations 1 (pinned requests served outside");
  }

  @Test
  void aPinnedRequestRefusedForResidencyIsCountedApartAndIsNeitherAViolationNorUnavailability() {
    Outcome refused = write("acme-gov-r-w20", 503, null, REFUSAL, "gov");
    Outcome answered = read("acme-gov-r-seed1", 200, "us-west-2", null, "gov");

    ResidencyFigures f = ResidencyFigures.of(List.of(refused, answered), RESIDENCY, "gov");

    assertThat(refused.refusedByResidency()).isTrue();
    assertThat(f.refused()).isEqualTo(1);
    assertThat(f.violations()).isZero();
    assertThat(f.line())
        .startsWith(
            "residency violations 0 (pinned requests served outside their regions 0,"
                + " records/objects outside 0; 1 pinned requests refused, their class's regions"
                + " unable to serve or store them)");
    assertThat(Drill.servable(List.of(refused, answered))).containsExactly(answered);
  }

  @Test
  void unpinnedTrafficIsNotJudgedAndStaysInTheAvailabilityFigures() {
    Outcome fromEast = read("r-seed1", 200, "us-east-1", null, null);
    Outcome down = write("r-w1", 503, null, "no writer region", null);
    // not a pinned request: a 503 counts as unavailability whatever its body says
    Outcome residencyLike = write("r-w2", 503, null, REFUSAL, null);

    ResidencyFigures f =
        ResidencyFigures.of(List.of(fromEast, down, residencyLike), RESIDENCY, "gov");

    assertThat(f.pinnedRequests()).isZero();
    assertThat(f.refused()).isZero();
    assertThat(f.violations()).isZero();
    assertThat(Drill.servable(List.of(fromEast, down, residencyLike)))
        .containsExactly(fromEast, down, residencyLike);
  }

  @Test
  void recordsAndObjectsOutsideTheirRegionsAreViolationsAndADownNodeStaysUnchecked() {
    ResidencyCheck.Result check =
        new ResidencyCheck.Result(
            List.of(
                new ResidencyCheck.Violation(
                    "gov",
                    "objects-us-east-1",
                    "docs-us-east-1/entities/acme-gov-r-w10.json version 1",
                    "object prefix 'entities/acme-gov-', allowed only in [us-west-2]")),
            List.of("objects-us-west-2 at 127.0.0.1:1: connection refused"),
            1);

    ResidencyFigures f =
        ResidencyFigures.of(
                List.of(read("acme-gov-r-seed1", 200, "us-west-2", null, "gov")), RESIDENCY, "gov")
            .withCheck(check);

    assertThat(f.recordsOutside()).isEqualTo(1);
    assertThat(f.violations()).isEqualTo(1);
    assertThat(f.nodesInspected()).isEqualTo(1);
    assertThat(f.unchecked())
        .containsExactly("objects-us-west-2 at 127.0.0.1:1: connection refused");
    assertThat(f.samples())
        .singleElement()
        .asString()
        .startsWith("objects-us-east-1: docs-us-east-1/");
    assertThat(f.line()).contains("1 not inspected (unknown, not clean)");
  }

  @Test
  void aPinnedDocumentIsNotLookedForInARegionItsClassExcludesAndEveryOtherWriteStill() {
    Store docs =
        new Store(
            "docs",
            StoreKind.OBJECTS,
            "us-west-2",
            List.of("us-east-1"),
            ReplicationMode.ASYNC,
            Duration.ofSeconds(1),
            null,
            null);
    Map<String, Set<String>> looked = Map.of("docs", Set.of("acme-gov-r-w10", "r-w20"));

    assertThat(StoreAudit.resident(List.of(docs), looked, "us-east-1", RESIDENCY).get("docs"))
        .containsExactly("r-w20");
    assertThat(StoreAudit.resident(List.of(docs), looked, "us-west-2", RESIDENCY).get("docs"))
        .containsExactlyInAnyOrder("acme-gov-r-w10", "r-w20");
  }
}
