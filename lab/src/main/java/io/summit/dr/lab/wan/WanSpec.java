package io.summit.dr.lab.wan;

import java.util.List;

/**
 * What the WAN daemon serves: its admin port, the default one-way latency and jitter, and the
 * routes, each a listening port in region {@code from} forwarding to an address in region {@code
 * to}. Written by the lab as {@code wan.json} in the lab directory.
 */
public record WanSpec(
    String host, int adminPort, long latencyMillis, long jitterMillis, List<Route> routes) {

  /** One forwarded port. */
  public record Route(
      String from, String to, String name, int listenPort, String targetHost, int targetPort) {}
}
