package io.summit.dr.lab.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.summit.dr.lab.ComponentStatus;
import io.summit.dr.lab.Lab;
import io.summit.dr.lab.LabAccess;
import io.summit.dr.lab.LabComponent;
import io.summit.dr.lab.LabTls;
import io.summit.dr.lab.TestLabs;
import io.summit.dr.lab.control.ObjectsLabExtension;
import io.summit.dr.lab.process.OsProcesses;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreAdapter;
import io.summit.dr.replication.StoreObservation;
import io.summit.dr.replication.StoreRole;
import io.summit.dr.replication.objects.ObjectWriter;
import io.summit.dr.replication.objects.S3Clients;
import io.summit.dr.topology.ObjectRule;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A lab with object stores: an S3Mock server and a replicator per region, started, observed,
 * partitioned, killed and restarted like the other stores.
 */
class ObjectsLabTest {
  private Lab lab;

  @AfterEach
  void down() {
    if (lab != null) {
      TestLabs.down(lab);
    }
  }

  @Test
  void objectStoresRunReplicateAndSurviveACutLinkAndARestart() throws Exception {
    lab = TestLabs.prepare("objects", TestLabs::withObjectsStore);
    List<String> progress = new ArrayList<>();
    long t0 = System.nanoTime();
    assertThat(
            lab.up(
                TestLabs.config(lab), progress::add, kind -> kind.equals(ObjectsLabExtension.KIND)))
        .isTrue();
    System.out.printf(
        "lab up with objects: %.1f s%n%s%n",
        (System.nanoTime() - t0) / 1e9, String.join("\n", progress));

    List<ComponentStatus> status = lab.status();
    assertThat(status)
        .filteredOn(s -> s.kind().equals("objects"))
        .extracting(ComponentStatus::name, ComponentStatus::role, ComponentStatus::healthy)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("objects-us-west-2", "primary", true),
            org.assertj.core.groups.Tuple.tuple("objects-us-east-1", "replica", true));
    assertLoopbackOnly();
    assertReplicatorApiGuarded();

    LabComponent west = lab.component("objects-us-west-2");
    LabComponent east = lab.component("objects-us-east-1");
    ObjectRule rule = lab.topology().store("objects").orElseThrow().objectRule();
    try (S3Client westS3 = S3Clients.at(endpoint(west), Duration.ofSeconds(2));
        S3Client eastS3 = S3Clients.at(endpoint(east), Duration.ofSeconds(2))) {
      // notifies the region's replicator of each write, as the service's writer does
      ObjectWriter writer =
          new ObjectWriter(
              westS3,
              rule.bucket("us-west-2"),
              rule,
              new io.summit.dr.replication.objects.ReplicatorNotifier(
                  westS3,
                  rule.bucket("us-west-2"),
                  e -> e,
                  Duration.ofSeconds(2),
                  java.time.Clock.systemUTC(),
                  viewer(),
                  LabTls.trust(lab.dir())));
      ObjectWriter reader = new ObjectWriter(eastS3, rule.bucket("us-east-1"), rule);
      writer.put("entities/1.json", bytes("{\"id\":1}"), "application/json");
      await().atMost(Duration.ofSeconds(10)).until(() -> reader.get("entities/1.json").isPresent());

      lab.partition("us-west-2", "us-east-1");
      writer.put("entities/2.json", bytes("{\"id\":2}"), "application/json");
      try (StoreAdapter replica = lab.adapter("objects-us-east-1")) {
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () -> {
                  StoreObservation o = replica.observe();
                  return o.role() == StoreRole.REPLICA
                      && o.lagBytes() != null
                      && o.lagBytes() > 0
                      && !o.streaming();
                });
        lab.heal();
        await()
            .atMost(Duration.ofSeconds(15))
            .until(() -> reader.get("entities/2.json").isPresent());
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () -> {
                  StoreObservation o = replica.observe();
                  return o.streaming() && Long.valueOf(0).equals(o.lagBytes());
                });
      }

      lab.kill("objects-us-east-1");
      lab.restart("objects-us-east-1");
      assertThat(reader.get("entities/1.json")).isPresent();
      assertThat(reader.get("entities/2.json")).isPresent();
      writer.put("entities/3.json", bytes("{\"id\":3}"), "application/json");
      await().atMost(Duration.ofSeconds(15)).until(() -> reader.get("entities/3.json").isPresent());
    }
    measure(rule);
  }

  /** Prints the figures the README gives: replication delay, the replicator's p99, RSS. */
  private void measure(ObjectRule rule) throws Exception {
    io.summit.dr.lab.ReplicationProbe.Result r =
        io.summit.dr.lab.ReplicationProbe.objects(
            lab.dir(),
            lab.component("objects-us-west-2"),
            rule.bucket("us-west-2"),
            lab.component("objects-us-east-1"),
            rule.bucket("us-east-1"),
            rule.prefix(),
            100,
            Duration.ofSeconds(10));
    System.out.printf(
        java.util.Locale.ROOT, "FIGURE probe %s p99 %.1f ms%n", r.summary(), r.percentile(99));
    LabComponent replicator = lab.component(ObjectsLabExtension.KIND + "-us-west-2");
    String metrics =
        https()
            .send(
                java.net.http.HttpRequest.newBuilder(LabTls.base(replicator).resolve("/metrics"))
                    .header("Authorization", viewer().authorization())
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();
    metrics
        .lines()
        .filter(l -> l.contains("latency") || l.contains("pending"))
        .forEach(l -> System.out.println("FIGURE metrics " + l));
    assertThat(metrics).contains("summit_objects_replication_latency_seconds{");
    for (LabComponent c : lab.requireState().components()) {
      if (c.kind().equals("objects") || c.kind().equals(ObjectsLabExtension.KIND)) {
        String rss =
            OsProcesses.run(
                    List.of("ps", "-o", "rss=", "-p", Long.toString(c.pid())),
                    Duration.ofSeconds(5))
                .strip();
        System.out.println("FIGURE rss " + c.name() + " " + rss + " KiB");
      }
    }
  }

  private io.summit.dr.access.BearerToken viewer() {
    return java.util.Objects.requireNonNull(LabAccess.token(lab.dir(), LabAccess.VIEWER));
  }

  private java.net.http.HttpClient https() {
    return java.net.http.HttpClient.newBuilder()
        .sslContext(java.util.Objects.requireNonNull(LabTls.trust(lab.dir())))
        .build();
  }

  /**
   * The replicator's admin API listens with HTTPS only and answers only a listed caller (the
   * liveness probe excepted); a refused notification queues nothing.
   */
  private void assertReplicatorApiGuarded() throws Exception {
    LabComponent replicator = lab.component(ObjectsLabExtension.KIND + "-us-west-2");
    java.net.URI base = LabTls.base(replicator);
    assertThat(base.getScheme()).isEqualTo("https");
    assertThat(answer(base.resolve("/healthz"), "GET", null).statusCode()).isEqualTo(200);
    var anonymous = answer(base.resolve("/v1/status"), "GET", null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(answer(base.resolve("/v1/status"), "GET", "Bearer not-a-listed-token").statusCode())
        .isEqualTo(401);
    assertThat(answer(base.resolve("/v1/events"), "POST", null).statusCode()).isEqualTo(401);
    assertThat(answer(base.resolve("/metrics"), "GET", null).statusCode()).isEqualTo(401);
    var viewer = answer(base.resolve("/v1/status"), "GET", viewer().authorization());
    assertThat(viewer.statusCode()).isEqualTo(200);
    assertThat(viewer.body()).contains("\"directions\"");
    // plain HTTP gets no answer
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                java.net.http.HttpClient.newHttpClient()
                    .send(
                        java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create(
                                    "http://"
                                        + replicator.host()
                                        + ":"
                                        + replicator.port()
                                        + "/healthz"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(java.io.IOException.class);
  }

  private java.net.http.HttpResponse<String> answer(
      java.net.URI uri, String method, @org.jspecify.annotations.Nullable String authorization)
      throws Exception {
    var request =
        java.net.http.HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(5))
            .method(
                method,
                method.equals("POST")
                    ? java.net.http.HttpRequest.BodyPublishers.ofString("{\"key\":\"x\"}")
                    : java.net.http.HttpRequest.BodyPublishers.noBody());
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return https().send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  private void assertLoopbackOnly() {
    String ss = OsProcesses.run(List.of("ss", "-ltnpH"), Duration.ofSeconds(5));
    for (LabComponent c : lab.requireState().components()) {
      if (!c.kind().equals("objects") && !c.kind().equals(ObjectsLabExtension.KIND)) {
        continue;
      }
      List<String> lines = ss.lines().filter(l -> l.contains("pid=" + c.pid() + ",")).toList();
      assertThat(lines).as(c.name() + " listens").isNotEmpty();
      assertThat(lines)
          .as(c.name() + " listens on loopback only")
          .allMatch(
              l -> l.matches(".*\\s(127\\.0\\.0\\.1|\\[::ffff:127\\.0\\.0\\.1\\]):\\d+\\s.*"));
    }
  }

  private static Endpoint endpoint(LabComponent c) {
    return new Endpoint(c.host(), c.port());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
