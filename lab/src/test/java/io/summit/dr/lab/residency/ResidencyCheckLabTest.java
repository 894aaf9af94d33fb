package io.summit.dr.lab.residency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.summit.dr.lab.Lab;
import io.summit.dr.lab.LabComponent;
import io.summit.dr.lab.TestLabs;
import io.summit.dr.lab.control.ObjectsLabExtension;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.objects.ObjectWriter;
import io.summit.dr.replication.objects.ReplicatorNotifier;
import io.summit.dr.replication.objects.S3Clients;
import io.summit.dr.topology.ObjectRule;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code summit-dr residency check} against real servers: an object of a class pinned to us-west-2
 * stays there through replication (no violation), one put into the us-east-1 bucket behind the
 * replicator's back is found with its location, and so are records of a class pinned to us-east-1
 * written to the us-west-2 PostgreSQL and Redis primaries (and replicated to us-east-1 from there:
 * those copies are allowed).
 */
class ResidencyCheckLabTest {
  private Lab lab;

  @AfterEach
  void down() {
    if (lab != null) {
      TestLabs.down(lab);
    }
  }

  private static String withResidency(String yaml) {
    return TestLabs.withObjectsStore(yaml)
        + """

        residency:
          classes:
            - name: west-documents
              regions: [us-west-2]
              stores: [objects]
              object_prefixes: [pinned/]
            - name: east-records
              regions: [us-east-1]
              key_prefixes: [e-]
        """;
  }

  private ResidencyCheck.Result check() {
    return ResidencyCheck.check(
        lab.topology(), (store, region) -> lab.layout().store(store.kind(), region));
  }

  @Test
  void findsEveryRecordAndObjectOutsideItsClassRegionsAndNothingElse() throws Exception {
    lab = TestLabs.prepare("residency", ResidencyCheckLabTest::withResidency);
    assertThat(
            lab.up(TestLabs.config(lab), line -> {}, kind -> kind.equals(ObjectsLabExtension.KIND)))
        .isTrue();
    LabComponent west = lab.component("objects-us-west-2");
    LabComponent east = lab.component("objects-us-east-1");
    ObjectRule rule = lab.topology().store("objects").orElseThrow().objectRule();
    try (S3Client westS3 = S3Clients.at(endpoint(west), Duration.ofSeconds(2));
        S3Client eastS3 = S3Clients.at(endpoint(east), Duration.ofSeconds(2))) {
      ObjectWriter writer =
          new ObjectWriter(
              westS3,
              rule.bucket("us-west-2"),
              rule,
              new ReplicatorNotifier(
                  westS3,
                  rule.bucket("us-west-2"),
                  e -> e,
                  Duration.ofSeconds(2),
                  Clock.systemUTC(),
                  java.util.Objects.requireNonNull(
                      io.summit.dr.lab.LabAccess.token(
                          lab.dir(), io.summit.dr.lab.LabAccess.VIEWER)),
                  io.summit.dr.lab.LabTls.trust(lab.dir())));
      ObjectWriter reader = new ObjectWriter(eastS3, rule.bucket("us-east-1"), rule);
      writer.put("pinned/1.json", bytes("{\"id\":1}"), "application/json");
      writer.put("entities/2.json", bytes("{\"id\":2}"), "application/json");
      await().atMost(Duration.ofSeconds(15)).until(() -> reader.get("entities/2.json").isPresent());

      ResidencyCheck.Result clean = check();

      assertThat(clean.violations()).isEmpty();
      assertThat(clean.unchecked()).isEmpty();
      assertThat(reader.get("pinned/1.json")).isEmpty();

      // Behind the replicator's back: a pinned object in us-east-1, pinned records in us-west-2.
      eastS3.putObject(
          b -> b.bucket(rule.bucket("us-east-1")).key("pinned/9.json"),
          RequestBody.fromString("{}"));
      LabComponent pg = lab.component("postgres-us-west-2");
      try (Connection c =
              DriverManager.getConnection(
                  "jdbc:postgresql://" + pg.host() + ":" + pg.port() + "/postgres?user=postgres");
          Statement s = c.createStatement()) {
        s.execute("create table entities (id text primary key)");
        s.execute("insert into entities values ('e-1'), ('w-1')");
      }
      LabComponent redis = lab.component("redis-us-west-2");
      RedisClient client = RedisClient.create();
      try (StatefulRedisConnection<String, String> c =
          client.connect(RedisURI.create(redis.host(), redis.port()))) {
        c.sync().set("entity:e-2", "{}");
        c.sync().set("entity:w-2", "{}");
      } finally {
        client.shutdown();
      }
    }

    ResidencyCheck.Result found = check();

    assertThat(found.violations())
        .extracting(ResidencyCheck.Violation::dataClass, ResidencyCheck.Violation::component)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("west-documents", "objects-us-east-1"),
            org.assertj.core.groups.Tuple.tuple("east-records", "postgres-us-west-2"),
            org.assertj.core.groups.Tuple.tuple("east-records", "redis-us-west-2"));
    assertThat(found.violations())
        .extracting(ResidencyCheck.Violation::format)
        .anySatisfy(
            f ->
                assertThat(f)
                    .startsWith(
                        "objects-us-east-1: summit-objects-us-east-1/pinned/9.json version ")
                    .endsWith(
                        "(class west-documents: object prefix 'pinned/', allowed only in [us-west-2])"))
        .contains(
            "postgres-us-west-2: entities.id = 'e-1' (class east-records: key prefix 'e-', allowed"
                + " only in [us-east-1])",
            "redis-us-west-2: key entity:e-2 (class east-records: key prefix 'e-', allowed only in"
                + " [us-east-1])");
    assertThat(found.nodesInspected()).isEqualTo(3);
  }

  private static Endpoint endpoint(LabComponent c) {
    return new Endpoint(c.host(), c.port());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
