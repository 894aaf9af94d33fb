package io.summit.dr.agent.zones;

import io.summit.dr.agent.zones.ZoneNodeClient.Probe;
import org.jspecify.annotations.Nullable;

/** What the probes of one node showed so far. Not thread-safe: the failover's lock guards it. */
final class NodeTrack {
  /** The last probe; null before the first. */
  @Nullable Probe last;

  /** The last probe it answered; null before the first. */
  Probe.@Nullable Answered lastAnswer;

  /** Probes failed in a row. */
  int failures;

  /** When the first of those was sent (monotonic nanos); meaningful while {@code failures > 0}. */
  long firstFailure;

  /** What the last failed probe said. */
  String lastFailure = "none";

  void record(Probe probe, long sentAt) {
    last = probe;
    switch (probe) {
      case Probe.Answered a -> {
        lastAnswer = a;
        failures = 0;
      }
      case Probe.Unanswered u -> {
        if (failures++ == 0) {
          firstFailure = sentAt;
        }
        lastFailure = u.detail();
      }
    }
  }
}
