package io.summit.dr.orchestrator.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.summit.dr.orchestrator.Events;
import io.summit.dr.topology.Notifications;
import io.summit.dr.topology.Receiver;
import io.summit.dr.topology.ReceiverKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Notifications against real HTTP receivers on 127.0.0.1: each payload as PagerDuty's Events API
 * v2, a Slack incoming webhook and a generic webhook take it, the retry rules, and that a receiver
 * that never answers holds up nobody.
 */
class NotifierTest {
  private static final String ROUTING_KEY = "R0UT1NGKEY0123456789abcdefABCDEF";
  private static final String TOKEN = "webhook-token-0123456789";

  @TempDir Path dir;
  private final Events events = new Events(Clock.systemUTC());
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
  }

  private LocalReceiver keep(LocalReceiver r) {
    open.add(r);
    return r;
  }

  private String secret(String name, String text) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, text + "\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    return name;
  }

  private void notify(Duration timeout, int retries, Receiver... receivers) {
    Notifications config =
        new Notifications(
            List.of("region-failed", "region-recovered", "plan-waiting-approval", "plan-failed"),
            timeout,
            retries,
            List.of(receivers));
    open.add(Notifier.start(config, "summit-lab", "orchestrator-us-east-1", dir, events));
  }

  private static Receiver webhook(String name, String url, List<String> only) {
    return new Receiver(name, ReceiverKind.WEBHOOK, url, null, null, null, only);
  }

  private List<String> failedNotifications() {
    return events.recent().stream()
        .filter(e -> e.type().equals("notification-failed"))
        .map(e -> e.data().get("receiver") + " " + e.data().get("detail"))
        .toList();
  }

  @Test
  void pagerDutyGetsATriggerWhenARegionFailsAndAResolveWithTheSameDedupKeyWhenItRecovers()
      throws Exception {
    LocalReceiver pd = keep(LocalReceiver.accepting());
    notify(
        Duration.ofSeconds(2),
        2,
        new Receiver(
            "oncall",
            ReceiverKind.PAGERDUTY,
            pd.url(),
            null,
            secret("pd.key", ROUTING_KEY),
            null,
            List.of()));

    Events.Event failed =
        events.publish(
            "region-failed",
            Map.of("region", "us-west-2", "observers", List.of("observer-us-east-1", "witness")));
    events.publish("region-recovered", Map.of("region", "us-west-2"));

    await().atMost(Duration.ofSeconds(10)).until(() -> pd.requests().size() == 2);
    JsonNode trigger = pd.requests().get(0).body();
    assertThat(trigger.get("routing_key").asText()).isEqualTo(ROUTING_KEY);
    assertThat(trigger.get("event_action").asText()).isEqualTo("trigger");
    assertThat(trigger.get("dedup_key").asText())
        .isEqualTo("summit-dr/summit-lab/region/us-west-2");
    JsonNode payload = trigger.get("payload");
    assertThat(payload.get("summary").asText())
        .isEqualTo(
            "[summit-lab] region us-west-2 failed (declared by observer-us-east-1, witness)");
    assertThat(payload.get("source").asText()).isEqualTo("orchestrator-us-east-1");
    assertThat(payload.get("severity").asText()).isEqualTo("critical");
    assertThat(payload.get("timestamp").asText()).isEqualTo(failed.at().toString());
    assertThat(payload.get("component").asText()).isEqualTo("us-west-2");
    assertThat(payload.get("group").asText()).isEqualTo("summit-lab");
    assertThat(payload.get("class").asText()).isEqualTo("region-failed");
    assertThat(payload.get("custom_details").get("region").asText()).isEqualTo("us-west-2");
    assertThat(pd.requests().get(0).header("Content-Type")).isEqualTo("application/json");

    JsonNode resolve = pd.requests().get(1).body();
    assertThat(resolve.get("event_action").asText()).isEqualTo("resolve");
    assertThat(resolve.get("dedup_key").asText()).isEqualTo(trigger.get("dedup_key").asText());
    assertThat(resolve.get("routing_key").asText()).isEqualTo(ROUTING_KEY);
    assertThat(resolve.has("payload")).isFalse();
  }

  @Test
  void slackGetsTheSummaryAsItsTextWithMrkdwnControlCharactersEscaped() throws Exception {
    LocalReceiver slack = keep(LocalReceiver.accepting());
    notify(
        Duration.ofSeconds(2),
        2,
        new Receiver(
            "ops-channel",
            ReceiverKind.SLACK,
            null,
            secret("slack.url", slack.url()),
            null,
            null,
            List.of()));

    events.publish(
        "plan-waiting-approval",
        Map.of(
            "plan",
            "failover-1",
            "kind",
            "failover",
            "detail",
            "waiting for: summit-dr approve failover-1 (before <promote/postgres>)"));

    await().atMost(Duration.ofSeconds(10)).until(() -> slack.requests().size() == 1);
    JsonNode message = slack.requests().get(0).body();
    assertThat(message.get("text").asText())
        .isEqualTo(
            ":warning: [summit-lab] failover plan failover-1 waits for an approval: waiting for:"
                + " summit-dr approve failover-1 (before &lt;promote/postgres&gt;)");
    assertThat(message.get("blocks").get(0).get("text").get("text").asText())
        .isEqualTo(message.get("text").asText());
    assertThat(message.get("blocks").get(1).get("elements").get(0).get("text").asText())
        .startsWith("plan-waiting-approval · warning · orchestrator-us-east-1 · ");
  }

  @Test
  void aWebhookGetsOnlyTheEventsItAskedForWithItsBearerToken() throws Exception {
    LocalReceiver hook = keep(LocalReceiver.accepting());
    notify(
        Duration.ofSeconds(2),
        2,
        new Receiver(
            "audit",
            ReceiverKind.WEBHOOK,
            hook.url(),
            null,
            null,
            secret("hook.token", TOKEN),
            List.of("plan-failed")));

    events.publish("region-failed", Map.of("region", "us-west-2", "observers", List.of("a")));
    Events.Event failed =
        events.publish(
            "plan-failed",
            Map.of("plan", "failover-2", "kind", "failover", "detail", "promote/postgres: boom"));

    await().atMost(Duration.ofSeconds(10)).until(() -> hook.requests().size() == 1);
    LocalReceiver.Request r = hook.requests().get(0);
    assertThat(r.header("Authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(r.body().get("type").asText()).isEqualTo("plan-failed");
    assertThat(r.body().get("id").asLong()).isEqualTo(failed.id());
    assertThat(r.body().get("severity").asText()).isEqualTo("error");
    assertThat(r.body().get("deployment").asText()).isEqualTo("summit-lab");
    assertThat(r.body().get("summary").asText())
        .isEqualTo("[summit-lab] failover plan failover-2 failed: promote/postgres: boom");
    assertThat(r.body().get("data").get("plan").asText()).isEqualTo("failover-2");
    // the region failure, published first, was not for this receiver: nothing else came
    events.publish("plan-failed", Map.of("plan", "p3", "kind", "failover", "detail", "x"));
    await().atMost(Duration.ofSeconds(10)).until(() -> hook.requests().size() == 2);
    assertThat(hook.requests())
        .extracting(q -> q.body().get("type").asText())
        .containsExactly("plan-failed", "plan-failed");
  }

  @Test
  void a5xxIsTriedAgainUntilItIsTakenAndA4xxIsNotTriedAgain() {
    LocalReceiver flaky =
        keep(
            LocalReceiver.answering(
                new LocalReceiver.Answer(503, null), new LocalReceiver.Answer(502, null)));
    LocalReceiver refusing = keep(LocalReceiver.answering(new LocalReceiver.Answer(400, null)));
    notify(
        Duration.ofSeconds(2),
        4,
        webhook("flaky", flaky.url(), List.of()),
        webhook("refusing", refusing.url(), List.of()));

    events.publish("region-recovered", Map.of("region", "us-west-2"));

    await().atMost(Duration.ofSeconds(10)).until(() -> flaky.requests().size() == 3);
    await().atMost(Duration.ofSeconds(10)).until(() -> !failedNotifications().isEmpty());
    assertThat(failedNotifications()).containsExactly("refusing HTTP 400: {\"status\":\"400\"}");
    assertThat(refusing.requests()).hasSize(1);
    assertThat(flaky.requests())
        .extracting(q -> q.body().get("id").asLong())
        .containsOnly(flaky.requests().get(0).body().get("id").asLong());
  }

  @Test
  void a429IsTriedAgainNoSoonerThanItsRetryAfter() {
    LocalReceiver limited = keep(LocalReceiver.answering(new LocalReceiver.Answer(429, "1")));
    notify(Duration.ofSeconds(2), 2, webhook("limited", limited.url(), List.of()));

    events.publish("region-recovered", Map.of("region", "us-west-2"));

    await().atMost(Duration.ofSeconds(10)).until(() -> limited.requests().size() == 2);
    long gap = limited.requests().get(1).atNanos() - limited.requests().get(0).atNanos();
    assertThat(Duration.ofNanos(gap)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
    assertThat(failedNotifications()).isEmpty();
  }

  @Test
  void aReceiverThatNeverAnswersHoldsUpNeitherThePublisherNorTheOtherReceivers() {
    LocalReceiver silent = keep(LocalReceiver.silent());
    LocalReceiver healthy = keep(LocalReceiver.accepting());
    notify(
        Duration.ofMillis(500),
        0,
        webhook("silent", silent.url(), List.of()),
        webhook("healthy", healthy.url(), List.of()));

    for (int i = 0; i < 5; i++) {
      events.publish("region-failed", Map.of("region", "r" + i, "observers", List.of("a")));
    }

    // every event reached the healthy receiver while the silent one still holds the first
    await().atMost(Duration.ofSeconds(10)).until(() -> healthy.requests().size() == 5);
    assertThat(silent.requests()).isNotEmpty();
    await().atMost(Duration.ofSeconds(15)).until(() -> failedNotifications().size() == 5);
    assertThat(failedNotifications()).allMatch(f -> f.startsWith("silent "));
    assertThat(failedNotifications().get(0)).contains("HttpTimeoutException");
  }

  @Test
  void aSecretFileOthersCanReadIsRefusedNamingItsTopologyField() throws Exception {
    Path key = dir.resolve("pd.key");
    Files.writeString(key, ROUTING_KEY);
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    Notifications config =
        new Notifications(
            List.of("region-failed"),
            Duration.ofSeconds(2),
            1,
            List.of(
                webhook("audit", "http://127.0.0.1:9/x", List.of()),
                new Receiver(
                    "oncall", ReceiverKind.PAGERDUTY, null, null, "pd.key", null, List.of())));

    assertThatThrownBy(() -> Notifier.check(config, dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("notifications.receivers[1].routing_key_file: " + key)
        .hasMessageContaining("chmod 600");
    assertThatThrownBy(
            () ->
                Notifier.check(
                    new Notifications(
                        List.of("region-failed"),
                        Duration.ofSeconds(2),
                        1,
                        List.of(
                            new Receiver(
                                "chat",
                                ReceiverKind.SLACK,
                                null,
                                "missing.url",
                                null,
                                null,
                                List.of()))),
                    dir))
        .hasMessageContaining("notifications.receivers[0].url_file: " + dir.resolve("missing.url"))
        .hasMessageContaining("is not a regular file");
  }
}
