package io.summit.dr.topology;

import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One place notifications go. Secrets never sit in the topology: PagerDuty's routing key, a Slack
 * webhook's URL (the URL is the secret) and a webhook's bearer token are read from files (mode 0600
 * expected), relative paths from the topology file's directory.
 */
public record Receiver(
    @Doc("Receiver name (in logs and events).") String name,
    @Doc("pagerduty, slack or webhook.") ReceiverKind kind,
    @Doc(
            "Where to POST: an http or https URL. Default for pagerduty: PagerDuty's Events API v2;"
                + " a slack receiver may give url_file instead.")
        @Nullable String url,
    @Doc("A file holding the URL (for a Slack incoming webhook, whose URL is its secret).")
        @Nullable String urlFile,
    @Doc("A file holding the PagerDuty integration's routing key (kind pagerduty only).")
        @Nullable String routingKeyFile,
    @Doc("A file holding a bearer token sent as Authorization (kind webhook only).")
        @Nullable String tokenFile,
    @Doc("The events this receiver gets (empty: notifications.events).") @Default("[]")
        List<String> events) {

  /** PagerDuty's Events API v2 endpoint. */
  public static final String PAGERDUTY_EVENTS_V2 = "https://events.pagerduty.com/v2/enqueue";

  public Receiver {
    events = List.copyOf(events);
    Violations v = new Violations();
    v.notBlank("name", name);
    String kindName = kind.name().toLowerCase(Locale.ROOT);
    v.check(
        url == null || urlFile == null,
        "url_file",
        "set together with url",
        "either url or url_file, not both");
    if (url != null) {
      v.check(isHttpUrl(url), "url", "'" + url + "'", "an http:// or https:// URL");
    }
    v.check(
        kind == ReceiverKind.PAGERDUTY || url != null || urlFile != null,
        "url",
        "missing on a " + kindName + " receiver",
        kind == ReceiverKind.SLACK
            ? "url_file: a file holding the Slack incoming webhook's URL (or url)"
            : "url: where to POST the events (or url_file)");
    v.check(
        kind != ReceiverKind.PAGERDUTY || routingKeyFile != null,
        "routing_key_file",
        "missing on a pagerduty receiver",
        "a file holding the routing key of a PagerDuty Events API v2 integration");
    v.check(
        routingKeyFile == null || kind == ReceiverKind.PAGERDUTY,
        "routing_key_file",
        "set on a " + kindName + " receiver",
        "only on a pagerduty receiver");
    v.check(
        tokenFile == null || kind == ReceiverKind.WEBHOOK,
        "token_file",
        "set on a " + kindName + " receiver",
        "only on a webhook receiver");
    v.uniqueValues("events", events);
    for (int i = 0; i < events.size(); i++) {
      String e = events.get(i);
      v.check(
          Notifications.EVENTS.contains(e),
          "events[" + i + "]",
          "unknown event '" + e + "'" + Suggest.didYouMean(e, Notifications.EVENTS),
          "one of " + String.join(", ", Notifications.EVENTS));
    }
    v.throwIfAny();
  }

  static boolean isHttpUrl(String url) {
    try {
      java.net.URI u = new java.net.URI(url);
      return ("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
          && u.getHost() != null
          && !u.getHost().isEmpty();
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  /** Where to POST when the topology gives a URL (null when it is in {@link #urlFile}). */
  public @Nullable String urlOrDefault() {
    if (url != null) {
      return url;
    }
    return kind == ReceiverKind.PAGERDUTY && urlFile == null ? PAGERDUTY_EVENTS_V2 : null;
  }
}
