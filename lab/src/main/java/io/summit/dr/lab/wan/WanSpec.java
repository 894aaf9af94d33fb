package io.summit.dr.lab.wan;

import java.util.List;

/**
 * What the WAN daemon serves: its admin port, the default one-way latency and jitter, the lab's
 * locations (one link per pair of them), how to tell a connecting process's location, and the
 * routes, each a listening port forwarding to an address in location {@code to}. Written by the lab
 * as {@code wan.json} in the lab directory.
 */
public record WanSpec(
    String host,
    int adminPort,
    long latencyMillis,
    long jitterMillis,
    List<String> locations,
    List<Source> sources,
    List<Route> routes) {

  /** The {@code from} of a route that carries each connection over its opener's own link. */
  public static final String BY_SOURCE = "*";

  public WanSpec {
    locations = List.copyOf(locations);
    sources = List.copyOf(sources);
    routes = List.copyOf(routes);
  }

  /**
   * A process whose command line holds {@code argument} (one whole argument, e.g. {@code
   * --name=etcd-us-west-2}) runs in {@code location}.
   */
  public record Source(String location, String argument) {}

  /**
   * One forwarded port. {@code from} is the location of the processes that use it, or {@link
   * #BY_SOURCE}: then the daemon finds the process at the other end of each connection among the
   * {@link #sources} and uses that process's link to {@code to}, refusing a connection it cannot
   * place.
   */
  public record Route(
      String from, String to, String name, int listenPort, String targetHost, int targetPort) {}
}
