package io.summit.dr.agent.zones;

import io.summit.dr.replication.Endpoint;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One node of a Multi-AZ pair: its zone, the address the agent reaches it at directly, and the
 * {@code peer} address by which the other zone's node reaches it (its {@code primary_conninfo} and
 * pg_rewind source when this node is the writer).
 */
public record ZoneNode(String zone, Endpoint address, Endpoint peer) {
  private static final Pattern ZONE = Pattern.compile("[a-z0-9][a-z0-9-]*");

  public ZoneNode {
    if (!ZONE.matcher(zone).matches()) {
      throw new IllegalArgumentException(
          "zone: '" + zone + "' (expected: lower-case letters, digits and '-', e.g. us-west-2a)");
    }
  }

  /**
   * Parses {@code ZONE,HOST:PORT,PEER_HOST:PORT}.
   *
   * @throws IllegalArgumentException when it is not of that form
   */
  public static ZoneNode parse(String text) {
    String[] parts = text.split(",", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException(
          "'" + text + "' (expected: ZONE,HOST:PORT,PEER_HOST:PORT)");
    }
    return new ZoneNode(
        parts[0].trim().toLowerCase(Locale.ROOT),
        Endpoint.parse(parts[1].trim()),
        Endpoint.parse(parts[2].trim()));
  }

  /**
   * Its replication slot name, which doubles as the {@code application_name} it streams under:
   * {@code node_} and the zone with '-' as '_', e.g. {@code node_us_west_2b}.
   */
  public String applicationName() {
    return "node_" + zone.replace('-', '_');
  }
}
