package io.summit.dr.replication;

/** A TCP address of a store. */
public record Endpoint(String host, int port) {
  public Endpoint {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
    }
  }

  /**
   * Parses {@code host:port}.
   *
   * @throws IllegalArgumentException when it is not host:port
   */
  public static Endpoint parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("'" + text + "' (expected: host:port)");
    }
    try {
      return new Endpoint(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' (expected: host:port)", e);
    }
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
