package io.summit.dr.routing;

import java.net.InetSocketAddress;

/**
 * A backend address, {@code host:port}. The host is kept as given (a name or an IPv4 literal) and
 * resolved when connecting.
 */
public record Endpoint(String host, int port) {

  public Endpoint {
    if (host.isBlank()) {
      throw new IllegalArgumentException("host: '" + host + "' (expected: a host name or address)");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
    }
  }

  /**
   * Parses {@code host:port}.
   *
   * @throws IllegalArgumentException naming what is wrong, e.g. {@code 'x:y': port 'y' is not a
   *     number (expected: host:port)}
   */
  public static Endpoint parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("'" + text + "' (expected: host:port)");
    }
    String host = text.substring(0, colon);
    String port = text.substring(colon + 1);
    int number;
    try {
      number = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "'" + text + "': port '" + port + "' is not a number (expected: host:port)", e);
    }
    if (number < 1 || number > 65535) {
      throw new IllegalArgumentException(
          "'" + text + "': port " + number + " (expected: host:port, port 1..65535)");
    }
    return new Endpoint(host, number);
  }

  /** An unresolved socket address, resolved by the connector. */
  public InetSocketAddress socketAddress() {
    return InetSocketAddress.createUnresolved(host, port);
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
