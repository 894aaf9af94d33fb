package io.summit.dr.lab;

/**
 * A process the lab started, as recorded in the lab directory: enough to find it (pid, host, port),
 * to restart it (dir) and to read its log.
 */
public record LabComponent(
    String name,
    String kind,
    String region,
    long pid,
    String host,
    int port,
    String dir,
    String log) {

  LabComponent withPid(long newPid) {
    return new LabComponent(name, kind, region, newPid, host, port, dir, log);
  }
}
