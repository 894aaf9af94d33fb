package io.summit.dr.topology;

import java.time.Duration;

/** How the global router places requests and ejects bad instances. */
public record RoutingPolicy(
    @Doc("nearest-healthy (lowest smoothed RTT) or writer-only.") @Default("nearest-healthy")
        ReadPolicy reads,
    @Doc("Weight of the newest RTT sample in the moving average, 0 < alpha <= 1.") @Default("0.3")
        double rttSmoothing,
    @Doc("Most bytes of a GraphQL request body read to classify it.") @Default("65536")
        int graphqlBodyLimit,
    @Doc("Retry an idempotent read once elsewhere when it fails before any response byte.")
        @Default("true")
        boolean retryReads,
    @Doc(
            "How long a retryable read's first attempt waits for its response to start before it is"
                + " abandoned and tried once elsewhere, another region first (an instance behind a"
                + " cut link never answers); the retry waits the router's full response timeout.")
        @Default("1s")
        Duration readAttemptTimeout,
    @Doc("Consecutive 5xx answers or connection errors that eject an instance.") @Default("5")
        int ejectAfterErrors,
    @Doc("How long an ejected instance stays out before it is tried again.") @Default("10s")
        Duration ejectionTime,
    @Doc("Most instances of a region, in percent, that may be ejected at once.") @Default("50")
        int maxEjectedPercent,
    @Doc("Share of a region's instances that must be healthy for the region to be.") @Default("0.5")
        double regionHealthyFraction,
    @Doc("Retry-After given with a 503 when no writer region is healthy.") @Default("1s")
        Duration retryAfter) {

  public static RoutingPolicy defaults() {
    return new RoutingPolicy(
        ReadPolicy.NEAREST_HEALTHY,
        0.3,
        65536,
        true,
        Duration.ofSeconds(1),
        5,
        Duration.ofSeconds(10),
        50,
        0.5,
        Duration.ofSeconds(1));
  }

  public RoutingPolicy {
    Violations v = new Violations();
    v.check(
        rttSmoothing > 0 && rttSmoothing <= 1,
        "rtt_smoothing",
        Double.toString(rttSmoothing),
        "0 < rtt_smoothing <= 1");
    v.between("graphql_body_limit", graphqlBodyLimit, 256, 16 * 1024 * 1024);
    v.positive("read_attempt_timeout", readAttemptTimeout);
    v.atLeast("eject_after_errors", ejectAfterErrors, 1);
    v.positive("ejection_time", ejectionTime);
    v.between("max_ejected_percent", maxEjectedPercent, 0, 100);
    v.check(
        regionHealthyFraction > 0 && regionHealthyFraction <= 1,
        "region_healthy_fraction",
        Double.toString(regionHealthyFraction),
        "0 < region_healthy_fraction <= 1");
    v.positive("retry_after", retryAfter);
    v.throwIfAny();
  }
}
