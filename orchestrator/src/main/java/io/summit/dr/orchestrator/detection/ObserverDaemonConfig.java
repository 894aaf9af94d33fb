package io.summit.dr.orchestrator.detection;

import io.summit.dr.access.Tls;
import io.summit.dr.topology.Durations;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What an {@link ObserverDaemon} does; its command line is {@link #parse}d into this.
 *
 * @param region where the daemon stands; its observer name is {@code observer-REGION}
 * @param listenHost the address {@code /v1/view} is served on
 * @param listenPort its port; 0 for any free port
 * @param targets the stores to probe, none in {@code region}
 * @param interval time between two probes (default 500ms)
 * @param timeout time one probe may take (default 250ms); at most {@code interval}
 * @param edge the edge router's admin API ({@code http://} or {@code https://HOST:PORT}), reached
 *     the way users' traffic would be, or null: when given, every probe also asks it an HTTP
 *     question and the view reports location {@value RegionProber#EDGE} UP or DOWN, so a partition
 *     between this observer and the edge is seen (nothing else crosses a witness-edge link)
 */
public record ObserverDaemonConfig(
    String region,
    String listenHost,
    int listenPort,
    List<ProbeTarget> targets,
    Duration interval,
    Duration timeout,
    @Nullable URI edge) {
  public ObserverDaemonConfig {
    targets = List.copyOf(targets);
    if (region.isBlank()) {
      throw new IllegalArgumentException("--region: '' (expected: a region name)");
    }
    if (listenHost.isBlank() || listenPort < 0 || listenPort > 65535) {
      throw new IllegalArgumentException(
          "--listen: '" + listenHost + ":" + listenPort + "' (expected: HOST:PORT, port 0..65535)");
    }
    if (targets.isEmpty()) {
      throw new IllegalArgumentException(
          "--target: none (expected: at least one REGION=postgres|redis@HOST:PORT)");
    }
    for (ProbeTarget t : targets) {
      if (t.region().equals(region)) {
        throw new IllegalArgumentException(
            "--target: " + t + " is in the daemon's own region (expected: other regions only)");
      }
    }
    requirePositive("--interval", interval);
    requirePositive("--timeout", timeout);
    if (timeout.compareTo(interval) > 0) {
      throw new IllegalArgumentException(
          "--timeout: "
              + Durations.format(timeout)
              + " > --interval "
              + Durations.format(interval)
              + " (expected: timeout <= interval)");
    }
  }

  /** A daemon that does not probe the edge. */
  public ObserverDaemonConfig(
      String region,
      String listenHost,
      int listenPort,
      List<ProbeTarget> targets,
      Duration interval,
      Duration timeout) {
    this(region, listenHost, listenPort, targets, interval, timeout, null);
  }

  /** The address to bind. */
  public InetSocketAddress listen() {
    return new InetSocketAddress(listenHost, listenPort);
  }

  /**
   * Reads {@code --region R --listen HOST:PORT --target REGION=KIND@HOST:PORT... [--interval D]
   * [--timeout D] [--edge https://HOST:PORT]}; a bare {@code --edge HOST:PORT} is plain HTTP.
   *
   * @throws IllegalArgumentException whose message names the option and the expected form
   */
  public static ObserverDaemonConfig parse(List<String> args) {
    String region = null;
    String listen = null;
    List<ProbeTarget> targets = new ArrayList<>();
    Duration interval = Duration.ofMillis(500);
    Duration timeout = Duration.ofMillis(250);
    URI edge = null;
    for (int i = 0; i < args.size(); i += 2) {
      String option = args.get(i);
      if (i + 1 >= args.size()) {
        throw new IllegalArgumentException(option + ": missing value");
      }
      String value = args.get(i + 1);
      if (option.equals("--edge")) {
        edge = Tls.url(option, value); // its message names the option
        continue;
      }
      try {
        switch (option) {
          case "--region" -> region = value;
          case "--listen" -> listen = value;
          case "--target" -> targets.add(ProbeTarget.parse(value));
          case "--interval" -> interval = Durations.parse(value);
          case "--timeout" -> timeout = Durations.parse(value);
          default ->
              throw new IllegalArgumentException(
                  "unknown option (expected: --region, --listen, --target, --interval, --timeout,"
                      + " --edge)");
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
      }
    }
    if (region == null) {
      throw new IllegalArgumentException("--region: missing (expected: a region name)");
    }
    int colon = colon(listen);
    String address = String.valueOf(listen);
    return new ObserverDaemonConfig(
        region,
        address.substring(0, colon),
        port(address, colon),
        targets,
        interval,
        timeout,
        edge);
  }

  private static int colon(@Nullable String listen) {
    int colon = listen == null ? -1 : listen.lastIndexOf(':');
    if (listen == null || colon <= 0) {
      throw new IllegalArgumentException(
          "--listen: "
              + (listen == null ? "missing" : "'" + listen + "'")
              + " (expected: HOST:PORT)");
    }
    return colon;
  }

  private static int port(String listen, int colon) {
    try {
      return Integer.parseInt(listen.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--listen: '" + listen + "' (expected: HOST:PORT)", e);
    }
  }

  private static void requirePositive(String option, Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(option + ": " + Durations.format(d) + " (expected: > 0)");
    }
  }
}
