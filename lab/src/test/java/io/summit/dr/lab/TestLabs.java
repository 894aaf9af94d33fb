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
    Path dir =
        Path.of("target", "labs", name + "-" + ProcessHandle.current().pid()).toAbsolutePath();
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

  /** A base port whose region, edge and WAN ranges are free now. */
  private static int freeBase() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = 30000 + 100 * ThreadLocalRandom.current().nextInt(250);
      if (free(base + 10)
          && free(base + 110)
          && free(base + 950)
          && free(base + 2010)
          && free(base + 1110)) {
        return base;
      }
    }
    throw new IOException("no free port range found for a test lab");
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
