package io.summit.dr.drill;

import static org.assertj.core.api.Assertions.assertThat;

import io.summit.dr.drill.canary.Outcome;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The canary's requests counted by the zone of the instance that answered them. */
class ZoneFiguresTest {
  private static Outcome write(int status, @Nullable String zone) {
    return new Outcome(
        Outcome.Kind.WRITE,
        1,
        "w1",
        0,
        1,
        status,
        status == 201 ? "us-west-2" : null,
        "us-west-2",
        status == 201 ? null : "status " + status,
        null,
        zone);
  }

  private static Outcome read(int status, @Nullable String zone) {
    return new Outcome(
        Outcome.Kind.READ,
        -1,
        "s1",
        0,
        1,
        status,
        null,
        "us-east-1",
        status == 200 ? null : "status " + status,
        null,
        zone);
  }

  @Test
  void requestsAreCountedByTheZoneThatAnsweredOkOrFailedWritesAndReadsApart() {
    ZoneFigures f =
        java.util.Objects.requireNonNull(
            ZoneFigures.of(
                List.of(
                    write(201, "us-west-2b"),
                    write(201, "us-west-2a"),
                    write(503, "us-west-2a"),
                    read(200, "us-east-1a"),
                    read(503, "us-east-1a"),
                    write(0, null),
                    read(503, null))));

    assertThat(f.zones().keySet()).containsExactly("us-east-1a", "us-west-2a", "us-west-2b");
    assertThat(f.zones().get("us-west-2a")).isEqualTo(new ZoneFigures.Counts(1, 1, 0, 0));
    assertThat(f.zones().get("us-west-2b")).isEqualTo(new ZoneFigures.Counts(1, 0, 0, 0));
    assertThat(f.zones().get("us-east-1a")).isEqualTo(new ZoneFigures.Counts(0, 0, 1, 1));
    assertThat(f.noZone()).isEqualTo(new ZoneFigures.Counts(0, 1, 0, 1));
    assertThat(f.line())
        .startsWith("requests by zone: us-east-1a writes 0 ok / 0 failed, reads 1 ok / 1 failed;")
        .endsWith("; no zone named writes 0 ok / 1 failed, reads 0 ok / 1 failed");
  }

  @Test
  void withoutAnyZoneNamedThereAreNoFigures() {
    assertThat(ZoneFigures.of(List.of(write(201, null), read(200, null)))).isNull();
    assertThat(ZoneFigures.of(List.of())).isNull();
  }
}
