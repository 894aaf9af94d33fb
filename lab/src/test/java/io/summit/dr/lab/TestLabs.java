package io.summit.dr.lab;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Starts labs for tests: each in its own directory under {@code target/}, from {@code
 * examples/lab.yaml} moved to a free port range so tests never collide with a lab a person runs.
 */
public final class TestLabs {
  private TestLabs() {}

  private static final long KEPT_LOG_BYTES = 256 * 1024;

  /**
   * Takes the lab down and removes its directory, keeping first the last 256 KiB of each of its
   * logs in {@code target/lab-logs/<lab directory>/}: a lab test that failed on a loaded machine
   * can be read afterwards, which a removed lab cannot.
   */
  public static void down(Lab lab) {
    Path kept = Path.of("target", "lab-logs", lab.dir().getFileName().toString());
    try (var logs = Files.find(lab.dir(), 2, (p, a) -> a.isRegularFile() && isLog(p))) {
      for (Path log : (Iterable<Path>) logs::iterator) {
        Path to = kept.resolve(lab.dir().relativize(log).toString().replace('/', '_'));
        Files.createDirectories(kept);
        try (var in = java.nio.channels.FileChannel.open(log)) {
          in.position(Math.max(0, in.size() - KEPT_LOG_BYTES));
          Files.copy(
              java.nio.channels.Channels.newInputStream(in),
              to,
              java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      System.err.println("lab: keeping the logs of " + lab.dir() + " failed: " + e);
    }
    lab.down(true, line -> {});
  }

  private static boolean isLog(Path p) {
    return p.getFileName().toString().endsWith(".log");
  }

  /** A lab directory and a topology file with a free base port; the lab is not started. */
  public static Lab prepare(String name) throws IOException {
    return prepare(name, yaml -> yaml);
  }

  /** As {@link #prepare(String)}, with the example topology edited by {@code edit} first. */
  public static Lab prepare(String name, java.util.function.UnaryOperator<String> edit)
      throws IOException {
    return prepareIn(Path.of("target", "labs"), name, edit);
  }

  /**
   * As {@link #prepare(String, java.util.function.UnaryOperator)}, in a directory of {@code
   * parent}.
   */
  public static Lab prepareIn(
      Path parent, String name, java.util.function.UnaryOperator<String> edit) throws IOException {
    return prepareIn(parent, name, "lab.yaml", edit);
  }

  /** As {@link #prepare(String)}, from another example topology ({@code lab-zones.yaml}). */
  public static Lab prepareExample(String name, String example) throws IOException {
    return prepareIn(Path.of("target", "labs"), name, example, yaml -> yaml);
  }

  private static Lab prepareIn(
      Path parent, String name, String example, java.util.function.UnaryOperator<String> edit)
      throws IOException {
    Path dir = parent.resolve(name + "-" + ProcessHandle.current().pid()).toAbsolutePath();
    Files.createDirectories(dir);
    int base = freeBase();
    String yaml =
        edit.apply(Files.readString(Path.of("..", "examples", example)))
            .replace("base_port: 26000", "base_port: " + base);
    Files.writeString(dir.resolve("topology.yaml"), yaml);
    return Lab.at(dir);
  }

  /**
   * Edits the example topology to add an objects store (primary us-west-2, replica us-east-1,
   * delete markers and replica modifications replicated), for {@link #prepare(String,
   * java.util.function.UnaryOperator)}.
   */
  public static String withObjectsStore(String yaml) {
    return yaml.replace(
        "\nhealth:",
        """

          - name: objects
            kind: objects
            primary_region: us-west-2
            replica_regions: [us-east-1]
            replication: async
            rpo_budget: 500ms
            objects: {delete_marker_replication: true, replica_modifications: true}

        health:""");
  }

  public static Path config(Lab lab) {
    return lab.dir().resolve("topology.yaml");
  }

  /**
   * A base port whose ports are all free now, below Linux's ephemeral range (32768 and up, where
   * any outgoing connection may take one of a lab's ports at any moment): a two-region lab spans
   * {@code base + 10} to {@code base + 4261} (see LabLayout), so bases run from 10000 to 28400.
   */
  private static int freeBase() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = 10000 + 100 * ThreadLocalRandom.current().nextInt(185);
      if (allFree(base)) {
        return base;
      }
    }
    throw new IOException("no free port range found for a test lab");
  }

  /** Every port a two-region lab takes (see LabLayout). */
  static java.util.List<Integer> ports(LabLayout layout) {
    int base = layout.base();
    java.util.List<Integer> ports = new java.util.ArrayList<>();
    for (int region = 0; region < layout.regions().size(); region++) {
      for (int offset :
          new int[] {
            10, 11, 13, 14, 16, 17, 18, 19, 20, 24, 26, 30, 40, 50, 51, 52, 53, 60, 61, 70, 80
          }) {
        ports.add(base + 100 * region + offset);
      }
    }
    for (int offset : new int[] {830, 860, 861, 870, 910, 920, 921, 950}) {
      ports.add(base + offset);
    }
    for (String to : layout.locations()) {
      for (String from : layout.locations()) {
        if (!from.equals(to)) {
          layout.remoteOffsets(to).forEach(o -> ports.add(layout.wan(from, to, o).port()));
        }
      }
    }
    for (String region : layout.regions()) {
      layout
          .edgeOffsets(region)
          .forEach(o -> ports.add(layout.wan(LabLayout.EDGE, region, o).port()));
    }
    layout.etcdLocations().forEach(l -> ports.add(layout.etcdPeerAdvertised(l).port()));
    return ports;
  }

  private static boolean allFree(int base) {
    LabLayout layout =
        new LabLayout("127.0.0.1", base, java.util.List.of("us-west-2", "us-east-1"));
    return ports(layout).stream().allMatch(TestLabs::free);
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
