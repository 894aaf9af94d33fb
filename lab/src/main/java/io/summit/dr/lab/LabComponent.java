package io.summit.dr.lab;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A process the lab started, as recorded in the lab directory: enough to find it (pid, host, port),
 * to restart it (dir, and for a daemon its command) and to read its log.
 */
public record LabComponent(
    String name,
    String kind,
    String region,
    long pid,
    String host,
    int port,
    String dir,
    String log,
    @Nullable List<String> command,
    @Nullable String healthPath) {

  LabComponent(
      String name,
      String kind,
      String region,
      long pid,
      String host,
      int port,
      String dir,
      String log) {
    this(name, kind, region, pid, host, port, dir, log, null, null);
  }

  LabComponent withCommand(List<String> newCommand) {
    return new LabComponent(name, kind, region, pid, host, port, dir, log, newCommand, healthPath);
  }

  LabComponent withPid(long newPid) {
    return new LabComponent(name, kind, region, newPid, host, port, dir, log, command, healthPath);
  }
}
