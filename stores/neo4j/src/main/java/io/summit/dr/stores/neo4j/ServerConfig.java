package io.summit.dr.stores.neo4j;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How one server runs: its data directory, Bolt and admin addresses ({@code host:port}), the
 * snapshot directory, its primary's admin address when it starts as a replica, the snapshot
 * interval (zero: none on a schedule), the page cache size, the access list that guards the admin
 * API's control operations (null: none, every request admitted), the certificate and key the admin
 * API listens with (null: plain HTTP) and the authority it trusts for its primary's (null: it
 * reaches it with plain HTTP).
 */
public record ServerConfig(
    Path data,
    String bolt,
    String admin,
    Path snapshots,
    @Nullable String upstream,
    Duration snapshotEvery,
    String pageCache,
    @Nullable Path accessFile,
    @Nullable Path tlsCert,
    @Nullable Path tlsKey,
    @Nullable Path caFile) {
  public ServerConfig {
    requireAddress("--bolt", bolt);
    requireAddress("--admin", admin);
    if (upstream != null) {
      requireAddress("--upstream", upstream);
    }
    if (snapshotEvery.isNegative()) {
      throw new IllegalArgumentException(
          "--snapshot-every: " + snapshotEvery + " (expected: >= 0)");
    }
    if (!pageCache.matches("\\d+[kmg]")) {
      throw new IllegalArgumentException("--page-cache: '" + pageCache + "' (expected: e.g. 32m)");
    }
  }

  private static void requireAddress(String option, String value) {
    if (!value.matches("[^:]+:\\d{1,5}")) {
      throw new IllegalArgumentException(option + ": '" + value + "' (expected: host:port)");
    }
  }

  static String host(String address) {
    return address.substring(0, address.lastIndexOf(':'));
  }

  static int port(String address) {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  /**
   * Parses {@code --name value} pairs; {@code --data}, {@code --bolt}, {@code --admin} needed;
   * {@code --access-file FILE} (optional) guards the admin API's control operations; {@code
   * --tls-cert FILE --tls-key FILE} (optional, together) make it listen with HTTPS; {@code
   * --ca-file FILE} (optional) is the authority its primary's certificate chains to.
   */
  public static ServerConfig parse(List<String> args) {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i < args.size(); i += 2) {
      String name = args.get(i);
      if (!name.startsWith("--") || i + 1 >= args.size()) {
        throw new IllegalArgumentException(
            "argument " + (i + 1) + ": '" + name + "' (expected: --option value pairs)");
      }
      opts.put(name, args.get(i + 1));
    }
    Path data = Path.of(required(opts, "--data"));
    return new ServerConfig(
        data,
        required(opts, "--bolt"),
        required(opts, "--admin"),
        Path.of(opts.getOrDefault("--snapshots", data.resolve("snapshots").toString())),
        opts.get("--upstream"),
        Duration.parse(
            "PT" + opts.getOrDefault("--snapshot-every", "0s").toUpperCase(java.util.Locale.ROOT)),
        opts.getOrDefault("--page-cache", "32m"),
        path(opts, "--access-file"),
        path(opts, "--tls-cert"),
        path(opts, "--tls-key"),
        path(opts, "--ca-file"));
  }

  private static @Nullable Path path(Map<String, String> opts, String name) {
    String v = opts.get(name);
    return v == null ? null : Path.of(v);
  }

  private static String required(Map<String, String> opts, String name) {
    String v = opts.get(name);
    if (v == null) {
      throw new IllegalArgumentException(name + ": missing (expected: a value)");
    }
    return v;
  }
}
