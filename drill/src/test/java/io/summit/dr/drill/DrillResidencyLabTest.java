package io.summit.dr.drill;

import static org.assertj.core.api.Assertions.assertThat;

import io.summit.dr.lab.Lab;
import io.summit.dr.lab.TestLabs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Data residency through a region failure and the way home, on the objects lab with acme-gov's
 * documents pinned to us-west-2 (as examples/lab-residency.yaml): the canary's pinned traffic is
 * refused while us-west-2 is down, never served from us-east-1, and no pinned document is found in
 * us-east-1's bucket. At 50 writes/s: the objects lab does not fail over at the canary's 200 on
 * this 2-core machine (docs/objects.md).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
// In the objects lab's group, out of the default run like DrillObjectsLabTest (see there); run it
// with -Dsummit.excludedGroups=long-drill. 2026-12-03: a first run failed (cold test lab up in
// 129.8 s, write latency 1-3 s, no failover within a 40 s window); with the CLI's 60 s window a
// second run passed in 5m43s (lab up 39.0 s; residency violations 0 in both drills).
@org.junit.jupiter.api.Tag("objects-lab")
class DrillResidencyLabTest {
  private Lab lab;
  private Path reports;
  private final Drill.Progress progress =
      new Drill.Progress() {
        @Override
        public void step(String line) {
          System.out.println(line);
        }

        @Override
        public void live(String line) {
          System.out.println("  " + line);
        }
      };

  private static String withResidency(String yaml) {
    return TestLabs.withObjectsStore(yaml)
        + """

        residency:
          classes:
            - name: acme-gov-documents
              regions: [us-west-2]
              stores: [objects]
              tenants: [acme-gov]
              object_prefixes: [entities/acme-gov-]
        """;
  }

  @BeforeAll
  void up() throws Exception {
    lab = TestLabs.prepare("drill-residency", DrillResidencyLabTest::withResidency);
    reports = Path.of("target", "drill-reports").toAbsolutePath();
    lab.up(TestLabs.config(lab), System.out::println);
  }

  @AfterAll
  void down() {
    if (lab != null) {
      TestLabs.down(lab);
    }
  }

  private DrillResult drill(Scenario scenario) {
    Drill.Options options =
        new Drill.Options(
            scenario,
            // the CLI's window: the 40 s of DrillLabTest ended before this lab failed over once
            Duration.ofSeconds(60),
            Duration.ofSeconds(3),
            50,
            50,
            10,
            Duration.ofSeconds(2),
            reports);
    DrillResult r = new Drill(lab, options, progress).run(1);
    System.out.println(DrillReport.summary(r).toPrettyString());
    return r;
  }

  private static void noViolation(DrillResult r) {
    ResidencyFigures f = Objects.requireNonNull(r.residency(), "no residency figures");
    assertThat(f.pinnedClass()).isEqualTo("acme-gov-documents");
    assertThat(f.violations()).as(f.line()).isZero();
    assertThat(f.pinnedAnswered()).as("pinned requests served").isPositive();
    assertThat(f.nodesInspected()).as("store nodes inspected").isPositive();
  }

  @Test
  @Order(1)
  void aRegionFailureRefusesPinnedTrafficAndMovesNoPinnedDocument() {
    DrillResult r = drill(Scenario.REGION_FAILURE);

    assertThat(Objects.requireNonNull(r.plan(), "no plan ran").state()).isEqualTo("succeeded");
    noViolation(r);
    assertThat(Objects.requireNonNull(r.residency()).refused())
        .as("pinned requests refused while us-west-2 was down")
        .isPositive();
  }

  @Test
  @Order(2)
  void theWayHomeServesPinnedTrafficAgainWithoutAViolation() {
    DrillResult r = drill(Scenario.FAILBACK);

    assertThat(Objects.requireNonNull(r.plan(), "no plan ran").state()).isEqualTo("succeeded");
    assertThat(r.metrics().lostWrites()).isZero();
    noViolation(r);
  }
}
