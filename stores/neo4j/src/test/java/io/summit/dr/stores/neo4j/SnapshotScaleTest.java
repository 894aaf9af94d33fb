package io.summit.dr.stores.neo4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot of 100,000 nodes and 100,000 relationships taken on a primary and restored onto its
 * replica, each timed and printed (the figure). The restored graph must equal its source
 * (counts and content checksum). Out of the default run (tag {@code benchmark}, a few minutes):
 * {@code mvn -pl stores/neo4j verify -Dtest=SnapshotScaleTest -Dsummit.excludedGroups=}.
 */
@Tag("benchmark")
class SnapshotScaleTest {
  private static final int NODES = 100_000;
  private static final int BATCH = 5_000;

  @TempDir Path tmp;

  @Test
  void snapshotAndRestoreOfAHundredThousandNodesAndRelationships() {
    Path snaps = tmp.resolve("snapshots");
    try (TestServer p = TestServer.primary(tmp.resolve("p"), snaps);
        TestServer r = TestServer.replica(tmp.resolve("r"), snaps, p)) {
      long load = System.nanoTime();
      for (int from = 0; from < NODES; from += BATCH) {
        p.write(
            "UNWIND range($from, $to) AS i CREATE (:Keyed:Item {key: 'item-' + i, i: i, name:"
                + " 'item number ' + i})",
            Map.of("from", (long) from, "to", (long) from + BATCH - 1));
      }
      for (int from = 0; from < NODES; from += BATCH) {
        p.write(
            "UNWIND range($from, $to) AS i MATCH (a:Keyed {key: 'item-' + i}),"
                + " (b:Keyed {key: 'item-' + ((i + 1) % $n)}) CREATE (a)-[:NEXT {i: i}]->(b)",
            Map.of("from", (long) from, "to", (long) from + BATCH - 1, "n", (long) NODES));
      }
      double loadSeconds = (System.nanoTime() - load) / 1e9;
      JsonNode source = p.checksum();
      assertThat(source.path("nodes").asLong()).isGreaterThanOrEqualTo(NODES);
      assertThat(source.path("relationships").asLong()).isEqualTo(NODES);

      long t0 = System.nanoTime();
      TestServer.Answer snap = p.post("/v1/snapshots");
      double snapshotSeconds = (System.nanoTime() - t0) / 1e9;
      assertThat(snap.status()).as(snap.body().toString()).isEqualTo(200);
      assertThat(snap.body().path("checksum").asText()).isEqualTo(source.path("checksum").asText());

      long t1 = System.nanoTime();
      TestServer.Answer restored = r.post("/v1/restore?id=" + snap.body().path("id").asText());
      double restoreSeconds = (System.nanoTime() - t1) / 1e9;
      assertThat(restored.status()).as(restored.body().toString()).isEqualTo(200);
      JsonNode copy = r.checksum();
      assertThat(copy.path("checksum").asText()).isEqualTo(source.path("checksum").asText());
      assertThat(copy.path("nodes").asLong()).isEqualTo(source.path("nodes").asLong());
      assertThat(copy.path("relationships").asLong()).isEqualTo(NODES);

      System.out.printf(
          Locale.ROOT,
          "neo4j snapshot scale: %d nodes, %d relationships loaded in %.1f s; snapshot %.2f s"
              + " (server's own figure %d ms, %d bytes); restore onto the replica %.2f s%n",
          source.path("nodes").asLong(),
          source.path("relationships").asLong(),
          loadSeconds,
          snapshotSeconds,
          snap.body().path("millis").asLong(),
          snap.body().path("bytes").asLong(),
          restoreSeconds);
    }
  }
}
