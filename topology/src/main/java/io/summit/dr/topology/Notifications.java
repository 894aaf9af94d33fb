package io.summit.dr.topology;

import java.time.Duration;
import java.util.List;

/**
 * Who is told when the control plane acts: detection events, refused or suppressed failovers, plans
 * waiting for an approval, plans' results. Delivery is in the background, per receiver, with
 * retries: a receiver that is down or slow never delays a plan.
 */
public record Notifications(
    @Doc("Event types sent to every receiver that does not list its own.")
        @Default(
            "[region-failed, region-recovered, failover-needed, failover-refused,"
                + " failover-suppressed, plan-started, plan-waiting-approval, plan-succeeded,"
                + " plan-failed, plan-rolled-back]")
        List<String> events,
    @Doc("Longest wait for one delivery attempt.") @Default("2s") Duration timeout,
    @Doc("Attempts after the first one failed (a 429 or 5xx answer, or no answer).") @Default("4")
        int retries,
    @Doc("Where notifications go.") @Default("[]") List<Receiver> receivers) {

  /** The event types a receiver may ask for: the orchestrator's events people act on. */
  public static final List<String> EVENTS =
      List.of(
          "region-failed",
          "region-recovered",
          "failover-needed",
          "failover-refused",
          "failover-suppressed",
          "plan-started",
          "plan-waiting-approval",
          "plan-succeeded",
          "plan-failed",
          "plan-rolled-back",
          "alert-partition",
          "alert-observer-unreachable",
          "alert-location-unreachable",
          "fenced-returning-primary",
          "supervision-error");

  public Notifications {
    events = List.copyOf(events);
    receivers = List.copyOf(receivers);
    Violations v = new Violations();
    v.uniqueValues("events", events);
    for (int i = 0; i < events.size(); i++) {
      String e = events.get(i);
      v.check(
          EVENTS.contains(e),
          "events[" + i + "]",
          "unknown event '" + e + "'" + Suggest.didYouMean(e, EVENTS),
          "one of " + String.join(", ", EVENTS));
    }
    v.positive("timeout", timeout);
    v.between("retries", retries, 0, 20);
    v.unique("receivers", receivers, Receiver::name);
    v.throwIfAny();
  }

  /** The events {@code receiver} gets: its own list, or the default one. */
  public List<String> eventsOf(Receiver receiver) {
    return receiver.events().isEmpty() ? events : receiver.events();
  }
}
