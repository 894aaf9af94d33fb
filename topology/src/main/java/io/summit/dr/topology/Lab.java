package io.summit.dr.topology;

import java.time.Duration;

/**
 * How the local two-region lab lays the topology out on one machine: every component listens on
 * {@link #host()}, at ports counted up from {@link #basePort()}, and cross-region traffic goes
 * through WAN links with the given one-way latency.
 */
public record Lab(
    @Doc("Loopback address every lab component listens on.") @Default("127.0.0.1") String host,
    @Doc("First port of the lab's port range (each region takes 100 ports).") @Default("26000")
        int basePort,
    @Doc("One-way latency each WAN link adds.") @Default("30ms") Duration wanLatency,
    @Doc("Most random jitter added to the WAN latency.") @Default("0ms") Duration wanJitter,
    @Doc("Whether the lab runs an edge router in front of the regions.") @Default("true")
        boolean edgeRouter) {

  public static Lab defaults() {
    return new Lab("127.0.0.1", 26000, Duration.ofMillis(30), Duration.ZERO, true);
  }

  public Lab {
    Violations v = new Violations();
    v.check(
        host.startsWith("127.") || host.equals("localhost") || host.equals("::1"),
        "host",
        "'" + host + "' is not a loopback address",
        "an address in 127.0.0.0/8, localhost or ::1");
    v.between("base_port", basePort, 1024, 60000);
    v.check(!wanLatency.isNegative(), "wan_latency", Durations.format(wanLatency), ">= 0ms");
    v.check(!wanJitter.isNegative(), "wan_jitter", Durations.format(wanJitter), ">= 0ms");
    v.throwIfAny();
  }
}
