package io.summit.dr.topology;

/** Where a notification receiver is and the payload it takes. */
public enum ReceiverKind {
  /** PagerDuty's Events API v2: a trigger or resolve event per incident, keyed by a dedup key. */
  PAGERDUTY,
  /** A Slack incoming webhook: one message per event. */
  SLACK,
  /** Any HTTP endpoint: the event as JSON, with a bearer token when one is configured. */
  WEBHOOK
}
