package io.summit.dr.lab.process;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs programs and signals processes by PID. Detached processes are started under {@code setsid}
 * so that they outlive the command that started them and a Ctrl-C in its terminal.
 */
public final class OsProcesses {
  private static final long EXIT_POLL_NANOS = 5_000_000L;

  private OsProcesses() {}

  /** Whether this JVM runs as root (uid 0). */
  public static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /**
   * Runs a command to completion and returns its combined output. The output is read on a thread of
   * its own, so that the wait for the exit can end at {@code timeout} or at an interrupt (a deposed
   * orchestrator's plan thread): either way the command and its children are killed (SIGKILL)
   * before this returns. Before, the wait began only after the output had ended, that is after the
   * command had exited: a timeout never cut a hung command short, and an interrupt left a {@code
   * pg_rewind} running while another leader's attempt began on the same node.
   *
   * @throws CommandFailedException when it exits non-zero, runs past {@code timeout} or the calling
   *     thread is interrupted
   */
  public static String run(List<String> command, Duration timeout) {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
    } catch (IOException e) {
      throw new CommandFailedException(command, -1, e.toString());
    }
    java.util.concurrent.CompletableFuture<byte[]> output =
        new java.util.concurrent.CompletableFuture<>();
    Thread.ofVirtual()
        .name("output-" + p.pid())
        .start(
            () -> {
              try {
                output.complete(p.getInputStream().readAllBytes());
              } catch (IOException e) {
                output.complete(new byte[0]); // killed meanwhile: the exit status tells
              }
            });
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill(p);
        throw new CommandFailedException(command, -1, "timed out after " + timeout);
      }
      // a child that outlived the command may hold the pipe open: its output is not waited for
      String text =
          new String(
              output.completeOnTimeout(new byte[0], 2, TimeUnit.SECONDS).get(),
              StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new CommandFailedException(command, p.exitValue(), text);
      }
      return text;
    } catch (InterruptedException e) {
      kill(p);
      Thread.currentThread().interrupt();
      throw new CommandFailedException(command, -1, "interrupted");
    } catch (java.util.concurrent.ExecutionException e) {
      throw new CommandFailedException(command, -1, String.valueOf(e.getCause()));
    }
  }

  /** SIGKILL to {@code p}'s descendants (runuser's child, say) and to {@code p}. */
  private static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  /**
   * The JVM option every lab daemon runs with: its heap on transparent huge pages ({@code madvise}
   * mode, the kernel's default here). A page fault on this machine's VM costs some 14 us per 4 KiB
   * page the first time memory is touched (a JVM allocating 1 GB of arrays: 1,535 ms on 4 KiB
   * pages, 236 ms on 2 MiB pages, measured with a 2 GB heap); the daemons' first collections, which
   * copy into old-generation pages never touched before, took 90 ms and more on 57 MB young
   * generations. Where transparent huge pages are off the JVM warns once and runs on small pages.
   */
  public static final String HUGE_PAGES = "-XX:+UseTransparentHugePages";

  /** How much lower than the lab's control plane the object stores and replicators run. */
  public static final int DATA_NICENESS = 5;

  /**
   * {@code command} run at a lower CPU priority ({@code nice -n increment}): a lab process that
   * must not starve the control plane beside it on two cores (an agent that misses its lease
   * renewals fences its own primaries). Lowering priority needs no privilege; unchanged without
   * nice(1).
   */
  public static List<String> lowered(int increment, List<String> command) {
    Path nice = Path.of("/usr/bin/nice");
    if (!Files.isExecutable(nice)) {
      return command;
    }
    List<String> out =
        new java.util.ArrayList<>(List.of(nice.toString(), "-n", Integer.toString(increment)));
    out.addAll(command);
    return out;
  }

  /**
   * Starts a long-lived process in a session of its own, its output appended to {@code log}. A
   * command that starts with {@code nice -n N} ({@link #lowered}) also gets its session weighted by
   * N ({@link #weighSession}).
   */
  public static long spawnDetached(List<String> command, Path log) {
    List<String> full = new ArrayList<>();
    full.add("setsid");
    full.addAll(command);
    try {
      Process p =
          new ProcessBuilder(full)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      int nice = niceOf(command);
      if (nice != 0) {
        weighSession(p.pid(), nice);
      }
      return p.pid();
    } catch (IOException e) {
      throw new LabException(
          "cannot start " + String.join(" ", command) + ": " + e.getMessage(), e);
    }
  }

  /** The niceness a command asks for with a leading {@code nice -n N}; 0 without one. */
  static int niceOf(List<String> command) {
    if (command.size() >= 3
        && Path.of(command.get(0)).getFileName().toString().equals("nice")
        && command.get(1).equals("-n")) {
      try {
        return Integer.parseInt(command.get(2));
      } catch (NumberFormatException e) {
        return 0;
      }
    }
    return 0;
  }

  /** Whether the kernel schedules by autogroup (one group per session), as Debian's does. */
  public static boolean autogroupsOn() {
    try {
      return Files.readString(AUTOGROUP_ENABLED).trim().equals("1");
    } catch (IOException e) {
      return false;
    }
  }

  private static final Path AUTOGROUP_ENABLED = Path.of("/proc/sys/kernel/sched_autogroup_enabled");

  /**
   * Gives the session that {@code pid} leads the CPU weight of niceness {@code nice}.
   *
   * <p>With autogroup scheduling on ({@code /proc/sys/kernel/sched_autogroup_enabled} = 1, the
   * default of Debian's kernel), the scheduler first shares the CPU among sessions, each weighted
   * by its autogroup's niceness (0 unless set), and only then among the threads of one session. A
   * process's own niceness orders it against the other threads of its session only, and every lab
   * daemon runs in a session of its own: {@code nice -n -5} on an etcd member or an agent, alone,
   * weighs nothing against the other lab processes. Measured on the 2-core machine (2026-12-02):
   * under the canary, young collections of the service instances, which shared their region
   * cluster's session, took 0.19-1.34 s of wall time for 0.02-0.08 s of CPU, the agents' (nice -5)
   * 0.11-0.33 s for 0.02-0.04 s, and the writer region's agent fenced its primaries 21 times.
   *
   * <p>The write goes to {@code /proc/PID/autogroup} once the process leads its session ({@code
   * setsid} makes it so in the child, after the start returns): written earlier, it would re-weight
   * the session of the command that started it. Waits for that up to 1 s.
   *
   * @return whether the weight was set; false where autogroups are off, the process is gone or not
   *     a session leader within 1 s, or the kernel refused (raising needs CAP_SYS_NICE)
   */
  public static boolean weighSession(long pid, int nice) {
    if (!autogroupsOn()) {
      return false;
    }
    if (!awaitSessionLeader(pid, Duration.ofSeconds(1))) {
      return false;
    }
    try {
      Files.writeString(Path.of("/proc", Long.toString(pid), "autogroup"), nice + "\n");
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Waits until {@code pid} leads its own session: {@link #spawnDetached} returns before {@code
   * setsid} has run in the child, which until then shares (and reports) its starter's session.
   *
   * @return false when the process is gone or not a session leader within {@code timeout}
   */
  static boolean awaitSessionLeader(long pid, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (sessionOf(pid) != pid) {
      if (System.nanoTime() > deadline || !isAlive(pid)) {
        return false;
      }
      LockSupport.parkNanos(1_000_000L);
    }
    return true;
  }

  /** The session id of {@code pid} from {@code /proc/PID/stat}; -1 when it cannot be read. */
  static long sessionOf(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // pid (comm) state ppid pgrp session ...; comm may hold spaces and parentheses.
      String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(rest[3]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The niceness of {@code pid}'s session's autogroup ("/autogroup-N nice K"); empty if none. */
  public static OptionalInt sessionNice(long pid) {
    try {
      String line = Files.readString(Path.of("/proc", Long.toString(pid), "autogroup")).trim();
      int at = line.lastIndexOf("nice ");
      return at < 0
          ? OptionalInt.empty()
          : OptionalInt.of(Integer.parseInt(line.substring(at + 5).trim()));
    } catch (IOException | RuntimeException e) {
      return OptionalInt.empty();
    }
  }

  public static boolean isAlive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** SIGKILL to the process and every descendant it has. */
  public static void kill(long pid) {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty()) {
      return;
    }
    List<ProcessHandle> descendants = handle.get().descendants().toList();
    handle.get().destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
  }

  /** A named signal ({@code INT}, {@code TERM}) to the process; false when it is gone. */
  public static boolean signal(long pid, String signal) {
    if (!isAlive(pid)) {
      return false;
    }
    try {
      run(List.of("kill", "-s", signal, Long.toString(pid)), Duration.ofSeconds(5));
      return true;
    } catch (CommandFailedException e) {
      return isAlive(pid);
    }
  }

  /**
   * Waits until the process has exited, looking every 5 ms.
   *
   * <p>Not {@code ProcessHandle.onExit()}: for a process that is not this JVM's child (every lab
   * server, started by an earlier {@code lab up} or daemonized by pg_ctl) the JDK polls with a
   * growing sleep, and noticed a process that lived 1 s only 2.7 s after it was started: seconds
   * added to every rejoin (which stops a server before pg_rewind) and every region kill.
   *
   * @return whether it exited within {@code timeout}
   */
  public static boolean awaitExit(long pid, Duration timeout) {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty()) {
      return true;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (handle.get().isAlive()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      LockSupport.parkNanos(Math.min(left, EXIT_POLL_NANOS));
      if (Thread.currentThread().isInterrupted()) {
        return false;
      }
    }
    return true;
  }

  /** Stops a process: {@code signal} first, SIGKILL to what is left after {@code grace}. */
  public static void stop(long pid, String signal, Duration grace) {
    List<ProcessHandle> descendants =
        ProcessHandle.of(pid).map(h -> h.descendants().toList()).orElse(List.of());
    if (signal(pid, signal) && !awaitExit(pid, grace)) {
      kill(pid);
      awaitExit(pid, Duration.ofSeconds(5));
    }
    for (ProcessHandle d : descendants) {
      if (!awaitExit(d.pid(), Duration.ofSeconds(2))) {
        d.destroyForcibly();
      }
    }
  }
}
