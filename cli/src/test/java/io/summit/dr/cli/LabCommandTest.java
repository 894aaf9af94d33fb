package io.summit.dr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.access.AccessDirectory;
import io.summit.dr.access.Principal;
import io.summit.dr.access.Role;
import io.summit.dr.lab.ComponentStatus;
import io.summit.dr.lab.Lab;
import io.summit.dr.lab.LabAccess;
import io.summit.dr.lab.LabSnapshots;
import io.summit.dr.lab.ReplicationProbe;
import io.summit.dr.replication.StoreObservation;
import io.summit.dr.replication.StoreResult;
import io.summit.dr.replication.StoreRole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lab ... --json}: what needs no running lab runs, the rest is checked by its mapping. */
class LabCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void downJsonOnAnEmptyLabDirectorySaysNothingWasStoppedAndKeepsProgressOffStdout()
      throws Exception {
    CliRun run = CliRun.of("lab", "down", "--json", "--dir", dir.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode json = JSON.readTree(run.out());
    assertThat(json.get("dir").asText()).isEqualTo(dir.toAbsolutePath().normalize().toString());
    assertThat(json.get("components")).isEmpty();
    assertThat(json.get("removed")).isEmpty();
    assertThat(run.err()).contains("nothing recorded");
  }

  @Test
  void upJsonWithAMissingTopologyIsBadInputAndPrintsNoJson() {
    CliRun run =
        CliRun.of(
            "lab",
            "up",
            "--json",
            "--dir",
            dir.resolve("lab").toString(),
            "--config",
            dir.resolve("nope.yaml").toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("nope.yaml");
    assertThat(dir.resolve("lab")).doesNotExist();
  }

  @Test
  void upReportNamesComponentsAndTokenPathsButNoTokenContent() throws Exception {
    AccessDirectory access =
        AccessDirectory.create(
            LabAccess.directory(dir),
            List.of(
                new Principal(LabAccess.ADMIN, Role.ADMIN),
                new Principal(LabAccess.VIEWER, Role.VIEWER)));
    String token = Files.readString(access.tokenFile(LabAccess.ADMIN)).strip();
    ComponentStatus postgres =
        new ComponentStatus(
            "postgres-us-east-1",
            "postgres",
            "us-east-1",
            "replica",
            42,
            "127.0.0.1",
            26911,
            true,
            1024L,
            0.25);

    String text =
        JsonOption.text(
            LabCommand.Up.Report.of(
                Lab.at(dir), Path.of("examples/lab.yaml"), true, 61.23456, List.of(postgres)));

    JsonNode json = JSON.readTree(text);
    assertThat(json.get("dir").asText()).isEqualTo(dir.toAbsolutePath().normalize().toString());
    assertThat(json.get("config").asText()).isEqualTo("examples/lab.yaml");
    assertThat(json.get("started").asBoolean()).isTrue();
    assertThat(json.get("seconds").asDouble()).isEqualTo(61.235);
    JsonNode c = json.get("components").get(0);
    assertThat(c.get("name").asText()).isEqualTo("postgres-us-east-1");
    assertThat(c.get("kind").asText()).isEqualTo("postgres");
    assertThat(c.get("region").asText()).isEqualTo("us-east-1");
    assertThat(c.get("port").asInt()).isEqualTo(26911);
    assertThat(c.get("lag_bytes").asLong()).isEqualTo(1024);
    assertThat(json.at("/access/access_list").asText()).isEqualTo(access.accessList().toString());
    assertThat(json.at("/access/token_files/lab-admin").asText())
        .isEqualTo(access.tokenFile(LabAccess.ADMIN).toString());
    assertThat(json.at("/access/token_files").size()).isEqualTo(2);
    assertThat(text).doesNotContain(token);
  }

  @Test
  void upReportOfALabWithoutCredentialsHasNullAccess() {
    JsonNode json =
        JsonOption.tree(
            LabCommand.Up.Report.of(Lab.at(dir), Path.of("lab.yaml"), false, 0.5, List.of()));

    assertThat(json.get("started").asBoolean()).isFalse();
    assertThat(json.get("access").isNull()).isTrue();
  }

  @Test
  void measureLagJsonWithBadSamplesIsBadInputNamingTheOption() {
    CliRun run =
        CliRun.of("lab", "measure-lag", "--json", "--samples", "0", "--dir", dir.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("--samples: 0 (expected: 1..100000)");
  }

  @Test
  void measureLagReportGivesEachStoresPercentilesInMilliseconds() {
    List<Double> delays = IntStream.rangeClosed(1, 100).mapToDouble(i -> i).boxed().toList();
    List<Double> writes = List.of(1.0, 2.0, 3.0);

    JsonNode json =
        JsonOption.tree(
            LabMeasureLagCommand.Report.of(
                "us-west-2",
                "us-east-1",
                100,
                List.of(new ReplicationProbe.Result("postgres", delays, writes))));

    assertThat(json.get("primary").asText()).isEqualTo("us-west-2");
    assertThat(json.get("secondary").asText()).isEqualTo("us-east-1");
    assertThat(json.get("samples_per_store").asInt()).isEqualTo(100);
    JsonNode s = json.get("stores").get(0);
    assertThat(s.get("store").asText()).isEqualTo("postgres");
    assertThat(s.get("samples").asInt()).isEqualTo(100);
    assertThat(s.get("median_ms").asDouble()).isEqualTo(50.0);
    assertThat(s.get("p95_ms").asDouble()).isEqualTo(95.0);
    assertThat(s.get("p99_ms").asDouble()).isEqualTo(99.0);
    assertThat(s.get("max_ms").asDouble()).isEqualTo(100.0);
    assertThat(s.get("write_median_ms").asDouble()).isEqualTo(2.0);
  }

  @Test
  void storeJsonWithoutALabFailsWithNoJson() {
    CliRun run =
        CliRun.of(
            "lab", "store", "observe", "postgres-us-east-1", "--json", "--dir", dir.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("no lab in");
  }

  @Test
  void storeReportsSayWhatTheAdapterSawOrDid() {
    StoreObservation seen =
        new StoreObservation(
            true, StoreRole.REPLICA, 2048L, 0.125, "0/3000060", null, Instant.EPOCH);

    JsonNode observed =
        JsonOption.tree(LabStoreCommand.Observed.of("postgres-us-east-1", seen, 12.34));
    JsonNode acted =
        JsonOption.tree(
            LabStoreCommand.Acted.of(
                "redis-us-east-1",
                LabStoreCommand.Action.promote,
                new StoreResult.Applied("REPLICAOF NO ONE"),
                3.21));

    assertThat(observed.get("component").asText()).isEqualTo("postgres-us-east-1");
    assertThat(observed.get("action").asText()).isEqualTo("observe");
    assertThat(observed.get("reachable").asBoolean()).isTrue();
    assertThat(observed.get("role").asText()).isEqualTo("replica");
    assertThat(observed.get("lag_bytes").asLong()).isEqualTo(2048);
    assertThat(observed.get("lag_seconds").asDouble()).isEqualTo(0.125);
    assertThat(observed.get("position").asText()).isEqualTo("0/3000060");
    assertThat(observed.get("millis").asDouble()).isEqualTo(12.3);
    assertThat(acted.get("action").asText()).isEqualTo("promote");
    assertThat(acted.get("result").asText()).isEqualTo("Applied");
    assertThat(acted.get("succeeded").asBoolean()).isTrue();
    assertThat(acted.get("detail").asText()).isEqualTo("REPLICAOF NO ONE");
  }

  @Test
  void snapshotReportCarriesEachNodesAnswerAsJson() throws Exception {
    JsonNode manifest = JSON.readTree("{\"id\":\"s-1\",\"sequence\":17}");

    JsonNode json =
        JsonOption.tree(
            new LabSnapshotCommand.Report(
                "neo4j",
                "take",
                null,
                List.of(new LabSnapshots.Answer("neo4j-us-west-2", manifest))));

    assertThat(json.get("store").asText()).isEqualTo("neo4j");
    assertThat(json.get("action").asText()).isEqualTo("take");
    assertThat(json.get("snapshot").isNull()).isTrue();
    assertThat(json.at("/nodes/0/component").asText()).isEqualTo("neo4j-us-west-2");
    assertThat(json.at("/nodes/0/body/sequence").asInt()).isEqualTo(17);
  }
}
