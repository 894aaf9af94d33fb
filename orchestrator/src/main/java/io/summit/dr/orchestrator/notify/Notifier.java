package io.summit.dr.orchestrator.notify;

import io.summit.dr.access.SecretFile;
import io.summit.dr.orchestrator.Events;
import io.summit.dr.topology.Notifications;
import io.summit.dr.topology.Receiver;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the orchestrator's events to the topology's receivers. It reads the event stream on a
 * thread of its own and hands each event to the queue of every receiver that wants it; each
 * receiver has its own {@link Delivery} thread. So publishing an event never waits for a receiver,
 * and a receiver that is down or slow delays neither a plan nor the other receivers. A notice that
 * is given up on (its retries spent, or a 4xx answer) becomes a {@code notification-failed} event,
 * which is itself never sent anywhere.
 *
 * <p>Only the leading orchestrator replica runs one: a replica that takes over starts its own.
 */
public final class Notifier implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Notifier.class);

  /** The shortest secret accepted: PagerDuty routing keys have 32 characters. */
  static final int SECRET_MIN = 16;

  private record Route(Set<String> events, Delivery delivery) {}

  private final Events events;
  private final String deployment;
  private final String source;
  private final List<Route> routes;
  private final BlockingQueue<Events.Event> feed;
  private final Thread dispatcher;

  private Notifier(Events events, String deployment, String source, List<Route> routes) {
    this.events = events;
    this.deployment = deployment;
    this.source = source;
    this.routes = List.copyOf(routes);
    this.feed = events.subscribe();
    this.dispatcher = Thread.ofVirtual().name("notify").start(this::dispatch);
  }

  /**
   * Starts notifying {@code config}'s receivers of {@code events}; secrets are read now, relative
   * paths from {@code secretsDir} (the topology file's directory).
   *
   * @throws IllegalArgumentException as {@link #check}
   */
  public static Notifier start(
      Notifications config, String deployment, String source, Path secretsDir, Events events) {
    return start(config, deployment, source, secretsDir, events, null);
  }

  /**
   * As {@link #start(Notifications, String, String, Path, Events)}, its {@code https://} receivers'
   * certificates checked against {@code trust} (null: the JDK's authorities).
   */
  public static Notifier start(
      Notifications config,
      String deployment,
      String source,
      Path secretsDir,
      Events events,
      javax.net.ssl.@Nullable SSLContext trust) {
    List<Target> targets = targets(config, secretsDir);
    HttpClient http = http(config, trust);
    List<Route> routes = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      Delivery d = targets.get(i).delivery(config, http, o -> reported(events, o));
      routes.add(new Route(Set.copyOf(config.eventsOf(config.receivers().get(i))), d));
    }
    log.info(
        "notify: {} receiver(s): {}",
        routes.size(),
        String.join(", ", routes.stream().map(x -> x.delivery().name()).toList()));
    return new Notifier(events, deployment, source, routes);
  }

  /**
   * Reads every receiver's secrets, as {@link #start} will: an orchestrator checks them when it
   * starts, before it may lead.
   *
   * @throws IllegalArgumentException naming the topology field of a secret file that is missing,
   *     readable by others or too short, or of a URL file that holds no http(s) URL
   */
  public static void check(Notifications config, Path secretsDir) {
    targets(config, secretsDir);
  }

  /** What became of one notice sent by {@link #sendTest}. */
  public record Sent(
      String receiver, String action, boolean delivered, int attempts, String detail) {}

  /**
   * Sends every receiver a test notice, now, with the topology's timeout and retries, and waits for
   * the answers: a {@code type} event marked as a test ({@code [TEST]} in its summary, its own
   * incident key), then the resolution of that incident, so a test leaves no incident open.
   *
   * @throws IllegalArgumentException as {@link #check}, or when {@code type} is not an event a
   *     receiver may get
   */
  public static List<Sent> sendTest(
      Notifications config,
      String deployment,
      String source,
      Path secretsDir,
      String type,
      Map<String, Object> data) {
    return sendTest(config, deployment, source, secretsDir, type, data, null);
  }

  /** As {@link #sendTest}, checking {@code https://} receivers against {@code trust}. */
  public static List<Sent> sendTest(
      Notifications config,
      String deployment,
      String source,
      Path secretsDir,
      String type,
      Map<String, Object> data,
      javax.net.ssl.@Nullable SSLContext trust) {
    if (!Notifications.EVENTS.contains(type)) {
      throw new IllegalArgumentException(
          "--event: '"
              + type
              + "' (expected: one of "
              + String.join(", ", Notifications.EVENTS)
              + ")");
    }
    List<Target> targets = targets(config, secretsDir);
    Events.Event e = new Events.Event(0, type, java.time.Instant.now(), data);
    Notice real = Notice.of(e, deployment, source);
    String key = "summit-dr/" + deployment + "/test";
    Notice test =
        new Notice(
            deployment,
            source,
            0,
            type,
            e.at(),
            real.severity(),
            false,
            key,
            "[TEST] " + real.summary() + " (sent by summit-dr notify test; nothing happened)",
            real.component(),
            data);
    Notice resolved =
        new Notice(
            deployment,
            source,
            0,
            type,
            e.at(),
            Notice.Severity.INFO,
            true,
            key,
            "[TEST] " + "[" + deployment + "] the test notice is resolved",
            real.component(),
            data);
    HttpClient http = http(config, trust);
    List<Sent> out = new ArrayList<>();
    for (Target t : targets) {
      try (Delivery d = t.delivery(config, http, o -> {})) {
        for (Notice n : List.of(test, resolved)) {
          Delivery.Outcome o = d.send(n);
          out.add(
              new Sent(
                  t.name(),
                  n.resolves() ? "resolve" : "trigger",
                  o.delivered(),
                  o.attempts(),
                  o.detail()));
        }
      }
    }
    return out;
  }

  private static HttpClient http(Notifications config, javax.net.ssl.@Nullable SSLContext trust) {
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .connectTimeout(config.timeout())
            .followRedirects(HttpClient.Redirect.NEVER);
    return (trust == null ? b : b.sslContext(trust)).build();
  }

  /** Where and how one receiver is sent its notices. */
  private record Target(
      String name, URI uri, Map<String, String> headers, Function<Notice, String> body) {
    Delivery delivery(
        Notifications config,
        HttpClient http,
        java.util.function.Consumer<Delivery.Outcome> report) {
      return new Delivery(
          name, uri, headers, body, config.timeout(), config.retries(), http, report);
    }
  }

  private static List<Target> targets(Notifications config, Path secretsDir) {
    List<Target> out = new ArrayList<>();
    for (int i = 0; i < config.receivers().size(); i++) {
      out.add(target(config.receivers().get(i), "notifications.receivers[" + i + "]", secretsDir));
    }
    return out;
  }

  private static Target target(Receiver r, String path, Path secretsDir) {
    String url = r.urlOrDefault();
    if (url == null) {
      url =
          SecretFile.read(
              path + ".url_file",
              secretsDir.resolve(java.util.Objects.requireNonNull(r.urlFile())),
              "one http(s) URL",
              SECRET_MIN);
      if (!url.startsWith("https://") && !url.startsWith("http://")) {
        throw new IllegalArgumentException(
            path + ".url_file: " + r.urlFile() + " holds no URL (expected: one http(s) URL)");
      }
    }
    Map<String, String> headers = new LinkedHashMap<>();
    Function<Notice, String> body;
    switch (r.kind()) {
      case PAGERDUTY -> {
        String key =
            SecretFile.read(
                path + ".routing_key_file",
                secretsDir.resolve(java.util.Objects.requireNonNull(r.routingKeyFile())),
                "a PagerDuty routing key",
                SECRET_MIN);
        body = n -> Payloads.pagerDuty(n, key);
      }
      case SLACK -> body = Payloads::slack;
      case WEBHOOK -> {
        if (r.tokenFile() != null) {
          String token =
              SecretFile.read(
                  path + ".token_file",
                  secretsDir.resolve(r.tokenFile()),
                  "one bearer token",
                  SECRET_MIN);
          headers.put("Authorization", "Bearer " + token);
        }
        body = Payloads::webhook;
      }
      default -> throw new IllegalStateException("unknown receiver kind " + r.kind());
    }
    return new Target(r.name(), URI.create(url), headers, body);
  }

  private static void reported(Events events, Delivery.Outcome o) {
    if (o.delivered()) {
      log.info(
          "notify {}: event {} {} delivered after {} attempt(s) ({})",
          o.receiver(),
          o.notice().eventId(),
          o.notice().type(),
          o.attempts(),
          o.detail());
      return;
    }
    log.warn(
        "notify {}: event {} {} not delivered after {} attempt(s): {}",
        o.receiver(),
        o.notice().eventId(),
        o.notice().type(),
        o.attempts(),
        o.detail());
    events.publish(
        "notification-failed",
        Map.of(
            "receiver", o.receiver(),
            "event", o.notice().eventId(),
            "type", o.notice().type(),
            "attempts", o.attempts(),
            "detail", o.detail()));
  }

  private void dispatch() {
    while (!Thread.currentThread().isInterrupted()) {
      Events.Event e;
      try {
        e = feed.take();
      } catch (InterruptedException x) {
        return;
      }
      Notice n = null;
      for (Route r : routes) {
        if (r.events().contains(e.type())) {
          if (n == null) {
            n = Notice.of(e, deployment, source);
          }
          r.delivery().offer(n);
        }
      }
    }
  }

  @Override
  public void close() {
    events.unsubscribe(feed);
    dispatcher.interrupt();
    routes.forEach(r -> r.delivery().close());
  }
}
