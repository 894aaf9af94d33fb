package io.summit.dr.lab.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The CPU time a process has used so far, from {@code /proc/PID/stat} (user plus system time; the
 * kernel counts in clock ticks of 1/100 s on Linux/x86-64 and arm64).
 */
final class CpuTime {
  private static final long NANOS_PER_TICK = 10_000_000L;

  private CpuTime() {}

  /** The process's CPU time in nanoseconds, or empty when it is gone or /proc is unreadable. */
  static OptionalLong of(long pid) {
    try {
      return parse(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /** Parses a stat line: fields 14 and 15 (utime, stime) counted after the command's ")". */
  static OptionalLong parse(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      return OptionalLong.empty();
    }
    String[] f = stat.substring(close + 2).trim().split(" ");
    // f[0] is field 3 (state), so field n is f[n - 3].
    if (f.length < 13) {
      return OptionalLong.empty();
    }
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    return OptionalLong.of(ticks * NANOS_PER_TICK);
  }
}
