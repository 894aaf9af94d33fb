package io.summit.dr.stores.neo4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replication, fencing, rejoin and snapshots between real server processes. */
class ReplicationTest {
  @TempDir Path tmp;

  private static void writeBatch(TestServer p, int from, int count) {
    for (int i = from; i < from + count; i++) {
      p.write(
          "MERGE (a:Keyed {key: $a}) SET a:Person, a.n = $i, a.tags = ['x', 'y']"
              + " MERGE (b:Keyed {key: 'city-' + ($i % 5)}) SET b:City"
              + " MERGE (a)-[r:LIVES_IN]->(b) SET r.since = $i",
          Map.of("a", "person-" + i, "i", (long) i));
      if (i % 7 == 0) {
        p.write(
            "MATCH (a:Keyed {key: $a})-[r:LIVES_IN]->() DELETE r",
            Map.of("a", "person-" + (i - 3)));
      }
      if (i % 11 == 0) {
        p.write("MATCH (a:Keyed {key: $a}) DETACH DELETE a", Map.of("a", "person-" + (i - 5)));
      }
    }
  }

  private static void awaitSame(TestServer primary, TestServer replica) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(() -> assertThat(replica.checksum()).isEqualTo(primary.checksum()));
  }

  /** The replica's outbox copy: every sequence number from 1 to the head once, in order. */
  private static void assertNoGapNoDuplicate(TestServer replica) throws Exception {
    long head = replica.status().path("seq").asLong();
    List<Long> seqs = new ArrayList<>();
    long after = 0;
    while (after < head) {
      JsonNode r = replica.get("/v1/changes?after=" + after + "&limit=5000");
      for (JsonNode e : r.path("entries")) {
        seqs.add(e.path("seq").asLong());
      }
      after = seqs.get(seqs.size() - 1);
    }
    assertThat(seqs).hasSize((int) head);
    for (int i = 0; i < seqs.size(); i++) {
      assertThat(seqs.get(i)).isEqualTo(i + 1L);
    }
  }

  @Test
  void replicatesAcrossRestartsOfPrimaryAndReplicaWithoutGapOrDuplicate() throws Exception {
    Path snaps = tmp.resolve("snapshots");
    try (TestServer p = TestServer.primary(tmp.resolve("p"), snaps);
        TestServer r = TestServer.replica(tmp.resolve("r"), snaps, p)) {
      writeBatch(p, 1, 40);
      awaitSame(p, r);
      r.kill();
      writeBatch(p, 41, 40);
      r.start();
      awaitSame(p, r);
      p.kill();
      p.start();
      writeBatch(p, 81, 40);
      awaitSame(p, r);
      assertThat(r.status().path("lagTransactions").asLong()).isZero();
      assertThat(r.checksum().path("nodes").asLong()).isGreaterThan(50);
      assertNoGapNoDuplicate(r);
    }
  }

  @Test
  void aChangeStreamSilencedByACutLinkIsReopenedAndCatchesUpWithoutGapOrDuplicate()
      throws Exception {
    Path snaps = tmp.resolve("snapshots");
    try (TestServer p = TestServer.primary(tmp.resolve("p"), snaps);
        StallingLink link = new StallingLink(p.admin);
        TestServer r = TestServer.replicaVia(tmp.resolve("r"), snaps, link.address())) {
      writeBatch(p, 1, 20);
      awaitSame(p, r);
      int before = link.connections();
      long applied = r.status().path("seq").asLong();

      link.cut();
      writeBatch(p, 21, 20);
      // The stream goes silent (no batch, no heartbeat): the applier gives it up and opens
      // another, which the cut link holds too.
      Awaitility.await()
          .atMost(Duration.ofSeconds(3 * Applier.SILENCE.toSeconds()))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> link.connections() > before);
      assertThat(r.status().path("seq").asLong())
          .as("nothing crossed the cut link")
          .isEqualTo(applied);

      link.heal();
      awaitSame(p, r);
      assertNoGapNoDuplicate(r);
    }
  }

  @Test
  void fencedPrimaryRefusesWritesAndStaysFencedAcrossRestart() throws Exception {
    io.summit.dr.access.AccessDirectory access =
        io.summit.dr.access.AccessDirectory.create(
            tmp.resolve("access"),
            List.of(
                new io.summit.dr.access.Principal("operator", io.summit.dr.access.Role.OPERATOR),
                new io.summit.dr.access.Principal("viewer", io.summit.dr.access.Role.VIEWER)));
    try (TestServer p =
        TestServer.guardedPrimary(
            tmp.resolve("p"),
            tmp.resolve("s"),
            access.accessList(),
            access.token("operator").authorization())) {
      writeBatch(p, 1, 3);
      // with an access list, control operations need an operator's token; reads and writes
      // through Bolt, and the admin API's reads, do not
      TestServer.Answer anonymous = p.callAs("POST", "/v1/fence", null);
      assertThat(anonymous.status()).isEqualTo(401);
      assertThat(anonymous.body().path("detail").asText()).isNotBlank();
      TestServer.Answer viewer =
          p.callAs("POST", "/v1/fence", access.token("viewer").authorization());
      assertThat(viewer.status()).isEqualTo(403);
      assertThat(viewer.body().path("detail").asText()).contains("viewer").contains("operator");
      assertThat(p.callAs("POST", "/v1/promote", "Bearer not-a-listed-token-at-all").status())
          .isEqualTo(401);
      // the access check a token rotation asks: any listed token, nothing else
      assertThat(p.callAs("GET", "/v1/access-check", null).status()).isEqualTo(401);
      assertThat(p.callAs("GET", "/v1/access-check", "Bearer not-a-listed-token-at-all").status())
          .isEqualTo(401);
      assertThat(
              p.callAs("GET", "/v1/access-check", access.token("viewer").authorization()).status())
          .isEqualTo(200);
      assertThat(p.callAs("GET", "/v1/status", null).body().path("fenced").asBoolean())
          .as("nothing changed")
          .isFalse();
      // the sample service's entities stay open; what the API does not serve gets a problem
      assertThat(p.callAs("PUT", "/v1/entities/e-1?region=us-east-1", null).status())
          .isEqualTo(200);
      assertThat(p.callAs("GET", "/v1/entities/e-1", null).body().path("region").asText())
          .isEqualTo("us-east-1");
      assertThat(p.callAs("GET", "/v1/entities/nobody", null).status()).isEqualTo(404);
      TestServer.Answer noAfter = p.callAs("GET", "/v1/changes/stream", null);
      assertThat(noAfter.status()).isEqualTo(400);
      assertThat(noAfter.body().path("error").asText())
          .isEqualTo("after: missing (expected: a query parameter)");
      TestServer.Answer unknown = p.callAs("GET", "/v1/nothing", null);
      assertThat(unknown.status()).isEqualTo(404);
      assertThat(unknown.body().path("detail").asText())
          .startsWith("path: /v1/nothing (expected: /v1/health, ");
      TestServer.Answer method = p.callAs("GET", "/v1/fence", null);
      assertThat(method.status()).isEqualTo(405);
      assertThat(method.body().path("detail").asText())
          .isEqualTo("method: GET /v1/fence (expected: POST)");
      writeBatch(p, 4, 1);
      assertThat(p.post("/v1/fence").status()).isEqualTo(200);
      assertThatThrownBy(() -> writeBatch(p, 10, 1)).hasMessageContaining("fenced");
      p.kill();
      p.start();
      assertThat(p.status().path("fenced").asBoolean()).isTrue();
      assertThatThrownBy(() -> writeBatch(p, 10, 1)).hasMessageContaining("fenced");
      assertThat(p.post("/v1/verify-write").status()).isEqualTo(409);
      assertThat(p.post("/v1/unfence").status()).isEqualTo(200);
      writeBatch(p, 10, 1);
    }
  }

  /**
   * Over HTTPS end to end: the replica's change stream, the rejoin's agreement check and the
   * snapshot it asks of the new primary, and the test's own calls, all trusting the authority.
   */
  @Test
  void oldPrimaryRejoinsAfterDivergenceWithTheNewPrimarysGraphOverTls() {
    Path snaps = tmp.resolve("snapshots");
    io.summit.dr.access.CertificateAuthority.Files tls =
        io.summit.dr.access.CertificateAuthority.create(
            tmp.resolve("tls"), "neo4j test CA", List.of("127.0.0.1", "localhost"));
    try (TestServer p = TestServer.tlsPrimary(tmp.resolve("p"), snaps, tls);
        TestServer r = TestServer.tlsReplica(tmp.resolve("r"), snaps, p, tls)) {
      writeBatch(p, 1, 20);
      awaitSame(p, r);
      assertThat(r.post("/v1/promote").status()).isEqualTo(200);
      p.write("CREATE (:Keyed:Lost {key: 'only-on-old-primary'})", Map.of());
      r.write("CREATE (:Keyed:Kept {key: 'only-on-new-primary'})", Map.of());
      TestServer.Answer rejoined = p.post("/v1/rejoin?upstream=" + r.adminAddress());
      assertThat(rejoined.status()).isEqualTo(200);
      assertThat(rejoined.body().path("detail").asText()).contains("rebuilt from snapshot");
      awaitSame(r, p);
      r.write("CREATE (:Keyed:Later {key: 'after-rejoin'})", Map.of());
      awaitSame(r, p);
      assertThat(p.status().path("role").asText()).isEqualTo("replica");
      assertThatThrownBy(() -> p.write("CREATE (:Keyed {key: 'no'})", Map.of()))
          .hasMessageContaining("replica");
    }
  }

  @Test
  void aFencedOldPrimaryThatLostNothingRejoinsByReplayingFromItsOwnSequenceWithoutASnapshot()
      throws Exception {
    Path snaps = tmp.resolve("snapshots");
    try (TestServer p = TestServer.primary(tmp.resolve("p"), snaps);
        TestServer r = TestServer.replica(tmp.resolve("r"), snaps, p)) {
      writeBatch(p, 1, 20);
      awaitSame(p, r);
      // a switchover: fence, the replica has everything, promote, writes go on there
      assertThat(p.post("/v1/fence").status()).isEqualTo(200);
      awaitSame(p, r);
      assertThat(r.post("/v1/promote").status()).isEqualTo(200);
      r.write("CREATE (:Keyed:Kept {key: 'on-new-primary'})", Map.of());

      TestServer.Answer rejoined = p.post("/v1/rejoin?upstream=" + r.adminAddress());

      assertThat(rejoined.status()).isEqualTo(200);
      assertThat(rejoined.body().path("detail").asText()).contains("no snapshot needed");
      assertThat(r.get("/v1/snapshots")).as("snapshots taken").isEmpty();
      awaitSame(r, p);
      r.write("CREATE (:Keyed:Later {key: 'after-rejoin'})", Map.of());
      awaitSame(r, p);
      assertNoGapNoDuplicate(p);
      assertThatThrownBy(() -> p.write("CREATE (:Keyed {key: 'no'})", Map.of()))
          .hasMessageContaining("replica");
    }
  }

  @Test
  void restoredSnapshotEqualsItsSourceAndReplaysLaterChanges() {
    Path snaps = tmp.resolve("snapshots");
    try (TestServer p = TestServer.primary(tmp.resolve("p"), snaps);
        TestServer r = TestServer.replica(tmp.resolve("r"), snaps, p)) {
      writeBatch(p, 1, 30);
      JsonNode source = p.checksum();
      TestServer.Answer snap = p.post("/v1/snapshots");
      assertThat(snap.status()).isEqualTo(200);
      assertThat(snap.body().path("checksum").asText()).isEqualTo(source.path("checksum").asText());
      assertThat(snap.body().path("nodes").asLong()).isEqualTo(source.path("nodes").asLong());
      writeBatch(p, 31, 10);
      assertThat(p.post("/v1/restore?id=" + snap.body().path("id").asText()).status())
          .as("restore onto a running primary")
          .isEqualTo(409);
      assertThat(r.post("/v1/restore?id=no-such-snapshot").status()).isEqualTo(404);
      TestServer.Answer restored = r.post("/v1/restore?id=" + snap.body().path("id").asText());
      assertThat(restored.status()).isEqualTo(200);
      awaitSame(p, r);
    }
  }
}
