package io.summit.dr.lab.wan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells the location of the process that opened a loopback connection, from {@code /proc} (Linux):
 * the socket inode of the connection's other end ({@code /proc/net/tcp}), then the process holding
 * that inode among those whose command line names a {@link WanSpec.Source}. The candidates' PIDs
 * are cached and looked up again when none of them holds the socket (a member restarted).
 *
 * <p>Thread-safe.
 */
final class SourceLocator {
  private final List<WanSpec.Source> sources;
  private final Map<Long, String> candidates = new ConcurrentHashMap<>();

  SourceLocator(List<WanSpec.Source> sources) {
    this.sources = List.copyOf(sources);
  }

  /**
   * The location of the process whose socket is {@code peerPort} -> {@code localPort}; {@code
   * ipv6}: whether that socket is an IPv6 one (a client on an IPv4 address, even seen through a
   * dual-stack listener, has an IPv4 socket).
   */
  Optional<String> locate(int peerPort, int localPort, boolean ipv6) {
    OptionalLong inode = inode(peerPort, localPort, ipv6);
    if (inode.isEmpty() || sources.isEmpty()) {
      return Optional.empty();
    }
    String socket = "socket:[" + inode.getAsLong() + "]";
    Optional<String> found = holder(socket);
    if (found.isPresent()) {
      return found;
    }
    rescan();
    return holder(socket);
  }

  private Optional<String> holder(String socket) {
    for (Map.Entry<Long, String> c : candidates.entrySet()) {
      if (holds(c.getKey(), socket)) {
        return Optional.of(c.getValue());
      }
    }
    return Optional.empty();
  }

  private static boolean holds(long pid, String socket) {
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", pid + "", "fd"))) {
      for (Path fd : fds) {
        try {
          if (Files.readSymbolicLink(fd).toString().equals(socket)) {
            return true;
          }
        } catch (IOException e) {
          // The descriptor closed meanwhile.
        }
      }
    } catch (IOException e) {
      return false; // the process is gone
    }
    return false;
  }

  private void rescan() {
    candidates.clear();
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path p : procs) {
        arguments(p)
            .flatMap(this::sourceOf)
            .ifPresent(l -> candidates.put(Long.parseLong(p.getFileName().toString()), l));
      }
    } catch (IOException e) {
      // No /proc: nothing can be placed, and every by-source connection is refused.
    }
  }

  private Optional<String> sourceOf(List<String> arguments) {
    return sources.stream()
        .filter(s -> arguments.contains(s.argument()))
        .map(WanSpec.Source::location)
        .findFirst();
  }

  private static Optional<List<String>> arguments(Path proc) {
    try {
      String raw = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
      return Optional.of(List.of(raw.split("\0")));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * The inode of the socket bound to {@code port} and connected to {@code remotePort}, from the
   * table of the client's address family only: on a lab under load {@code /proc/net/tcp6} held some
   * 44,000 lines (the Java processes' dual-stack sockets in TIME_WAIT), where {@code
   * /proc/net/tcp}, which holds the etcd members' IPv4 sockets, held 460; reading and splitting the
   * larger table for each connection kept this lookup busy for 20-42 % of a core.
   */
  private static OptionalLong inode(int port, int remotePort, boolean ipv6) {
    String local = String.format(Locale.ROOT, ":%04X ", port);
    String remote = String.format(Locale.ROOT, ":%04X ", remotePort);
    for (String line : lines(ipv6 ? "/proc/net/tcp6" : "/proc/net/tcp")) {
      // cheap checks first: most lines are other ports
      int l = line.indexOf(local);
      if (l < 0 || line.indexOf(remote, l + local.length()) < 0) {
        continue;
      }
      String[] f = line.trim().split("\\s+");
      if (f.length > 9
          && (f[1] + " ").endsWith(local)
          && (f[2] + " ").endsWith(remote)
          && !f[9].equals("0")) {
        return OptionalLong.of(Long.parseLong(f[9]));
      }
    }
    return OptionalLong.empty();
  }

  private static List<String> lines(String file) {
    try {
      return Files.readAllLines(Path.of(file));
    } catch (IOException e) {
      return new ArrayList<>();
    }
  }
}
