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
    Path dir = parent.resolve(name + "-" + ProcessHandle.current().pid()).toAbsolutePath();
    Files.createDirectories(dir);
    int base = freeBase();
    String yaml =
        edit.apply(Files.readString(Path.of("..", "examples", "lab.yaml")))
            .replace("base_port: 26000", "base_port: " + base);
    Files.writeString(dir.resolve("topology.yaml"), yaml);
    return Lab.at(dir);
  }

  public static Path config(Lab lab) {
    return lab.dir().resolve("topology.yaml");
  }

  /**
   * A base port whose ports are all free now, below Linux's ephemeral range (32768 and up, where
   * any outgoing connection may take one of a lab's ports at any moment): a lab spans {@code base +
   * 10} to {@code base + 3000}, so bases run from 10000 to 28900.
   */
  private static int freeBase() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = 10000 + 100 * ThreadLocalRandom.current().nextInt(190);
      if (allFree(base)) {
        return base;
      }
    }
    throw new IOException("no free port range found for a test lab");
  }

  /** Every port a two-region lab takes (see LabLayout). */
  private static boolean allFree(int base) {
    java.util.List<Integer> ports = new java.util.ArrayList<>();
    for (int region = 0; region < 2; region++) {
      for (int offset : new int[] {10, 11, 20, 30, 40, 50, 51, 52, 53}) {
        ports.add(base + 100 * region + offset);
      }
      for (int to = 0; to < 2; to++) {
        if (to != region) {
          ports.add(base + 1000 * (1 + region) + 100 * to + 10);
          ports.add(base + 1000 * (1 + region) + 100 * to + 11);
        }
      }
    }
    for (int offset : new int[] {910, 920, 921, 950}) {
      ports.add(base + offset);
    }
    return ports.stream().allMatch(TestLabs::free);
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
