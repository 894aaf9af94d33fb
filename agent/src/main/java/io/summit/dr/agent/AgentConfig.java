package io.summit.dr.agent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What one region agent does and when. Defaults ({@link #of}) follow PROTOCOL.md: lease TTL 1 s,
 * renewal every 250 ms, fence budget 400 ms (the local deadline is the send time of the last
 * successful renewal + TTL - budget), deadline checked every 50 ms, etcd requests time out after
 * 500 ms.
 *
 * <p>Rules checked together, every violation reported at once: the TTL is a whole number of seconds
 * (etcd grants leases in seconds) of at least 1 s; the budget is shorter than the TTL; the check
 * interval is shorter than the budget (a lapse is noticed at most one check interval late, and the
 * budget must still leave time to fence); a renewal is sent at least once between a successful
 * renewal and the deadline ({@code renewInterval < leaseTtl - fenceBudget}).
 *
 * @param topology the topology's name; keys live under {@code /summit-dr/<topology>/}
 * @param region the region whose primaries this agent guards
 */
public record AgentConfig(
    String topology,
    String region,
    Duration leaseTtl,
    Duration renewInterval,
    Duration fenceBudget,
    Duration checkInterval,
    Duration requestTimeout) {
  public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(1);
  public static final Duration DEFAULT_RENEW_INTERVAL = Duration.ofMillis(250);
  public static final Duration DEFAULT_FENCE_BUDGET = Duration.ofMillis(400);
  public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofMillis(50);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMillis(500);

  /**
   * @throws IllegalArgumentException naming every field that breaks a rule, with what was expected
   */
  public AgentConfig {
    List<String> problems = new ArrayList<>();
    name(problems, "topology", topology);
    name(problems, "region", region);
    positive(problems, "renewInterval", renewInterval);
    positive(problems, "fenceBudget", fenceBudget);
    positive(problems, "checkInterval", checkInterval);
    positive(problems, "requestTimeout", requestTimeout);
    if (leaseTtl.compareTo(Duration.ofSeconds(1)) < 0 || leaseTtl.toMillis() % 1000 != 0) {
      problems.add(
          "leaseTtl: " + ms(leaseTtl) + " (expected: a whole number of seconds, at least 1s)");
    }
    if (problems.isEmpty()) {
      crossChecks(problems, leaseTtl, renewInterval, fenceBudget, checkInterval);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /** The defaults of PROTOCOL.md for {@code region} of {@code topology}. */
  public static AgentConfig of(String topology, String region) {
    return new AgentConfig(
        topology,
        region,
        DEFAULT_LEASE_TTL,
        DEFAULT_RENEW_INTERVAL,
        DEFAULT_FENCE_BUDGET,
        DEFAULT_CHECK_INTERVAL,
        DEFAULT_REQUEST_TIMEOUT);
  }

  /** This configuration with other lease timings (validated like the constructor). */
  public AgentConfig withTimings(
      Duration leaseTtl, Duration renewInterval, Duration fenceBudget, Duration checkInterval) {
    return new AgentConfig(
        topology, region, leaseTtl, renewInterval, fenceBudget, checkInterval, requestTimeout);
  }

  /** The agent's id in logs and in the authority value: {@code agent-<region>}. */
  public String agentId() {
    return "agent-" + region;
  }

  /** {@code /summit-dr/<topology>/writer}. */
  public String writerKey() {
    return prefix() + "writer";
  }

  /** {@code /summit-dr/<topology>/authority/<region>}. */
  public String authorityKey() {
    return prefix() + "authority/" + region;
  }

  private String prefix() {
    return "/summit-dr/" + topology + "/";
  }

  private static void crossChecks(
      List<String> problems, Duration ttl, Duration renew, Duration budget, Duration check) {
    if (budget.compareTo(ttl) >= 0) {
      problems.add(
          "fenceBudget: " + ms(budget) + " (expected: shorter than leaseTtl " + ms(ttl) + ")");
      return;
    }
    if (check.compareTo(budget) >= 0) {
      problems.add(
          "checkInterval: "
              + ms(check)
              + " (expected: shorter than fenceBudget "
              + ms(budget)
              + ", so a lapse is noticed with time left to fence)");
    }
    Duration window = ttl.minus(budget);
    if (renew.compareTo(window) >= 0) {
      problems.add(
          "renewInterval: "
              + ms(renew)
              + " (expected: shorter than leaseTtl - fenceBudget = "
              + ms(window)
              + ", so a renewal is sent before the deadline)");
    }
  }

  private static void name(List<String> problems, String field, String value) {
    if (value.isBlank() || value.contains("/")) {
      problems.add(field + ": '" + value + "' (expected: a non-blank name without '/')");
    }
  }

  private static void positive(List<String> problems, String field, Duration value) {
    if (value.isNegative() || value.isZero()) {
      problems.add(field + ": " + ms(value) + " (expected: a duration > 0)");
    }
  }

  private static String ms(Duration d) {
    return d.toMillis() + "ms";
  }
}
