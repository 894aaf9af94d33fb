package io.summit.dr.lab.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class OsProcessesTest {
  /** A process in a session of its own whose parent has exited: not this JVM's child. */
  private static long orphan(String seconds) {
    String out =
        OsProcesses.run(
            List.of(
                "bash", "-c", "setsid sleep " + seconds + " >/dev/null 2>&1 </dev/null & echo $!"),
            Duration.ofSeconds(5));
    long pid = Long.parseLong(out.trim());
    assertThat(ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
        .isNotEqualTo(java.util.Optional.of(ProcessHandle.current().pid()));
    return pid;
  }

  /** The processes of this machine whose command line has {@code marker} as an argument. */
  private static List<ProcessHandle> running(String marker) {
    return ProcessHandle.allProcesses()
        .filter(h -> h.info().arguments().map(a -> List.of(a).contains(marker)).orElse(false))
        .toList();
  }

  @Test
  void aCommandPastItsTimeoutIsKilledWithItsChildrenAtTheTimeout() {
    String marker = "31.25"; // sleep's argument: finds the child
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                OsProcesses.run(
                    List.of("sh", "-c", "sleep " + marker + "; true"), Duration.ofMillis(300)))
        .isInstanceOf(CommandFailedException.class)
        .hasMessageContaining("timed out");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> running(marker).isEmpty());
  }

  @Test
  void anInterruptedCommandIsKilledWithItsChildren() throws Exception {
    String marker = "32.25";
    java.util.concurrent.atomic.AtomicReference<Throwable> thrown =
        new java.util.concurrent.atomic.AtomicReference<>();
    Thread caller =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    OsProcesses.run(
                        List.of("sh", "-c", "sleep " + marker + "; true"), Duration.ofMinutes(1));
                  } catch (RuntimeException e) {
                    thrown.set(e);
                  }
                });
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !running(marker).isEmpty());
    caller.interrupt();
    caller.join(Duration.ofSeconds(10));
    assertThat(caller.isAlive()).as("run() returned after the interrupt").isFalse();
    assertThat(thrown.get())
        .isInstanceOf(CommandFailedException.class)
        .hasMessageContaining("interrupted");
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> running(marker).isEmpty());
  }

  @Test
  void awaitExitWaitsForAProcessThisJvmDidNotStart() {
    long pid = orphan("30");
    try {
      assertThat(OsProcesses.awaitExit(pid, Duration.ofMillis(50))).isFalse();
      assertThat(OsProcesses.isAlive(pid)).isTrue();

      assertThat(OsProcesses.signal(pid, "TERM")).isTrue();

      assertThat(OsProcesses.awaitExit(pid, Duration.ofSeconds(10))).isTrue();
      assertThat(OsProcesses.isAlive(pid)).isFalse();
    } finally {
      OsProcesses.kill(pid);
    }
  }

  @Test
  void stopEndsAProcessThatIgnoresItsSignalWithSigkill() {
    String out =
        OsProcesses.run(
            List.of(
                "bash",
                "-c",
                "setsid bash -c 'trap \"\" INT; sleep 30' >/dev/null 2>&1 </dev/null & echo $!"),
            Duration.ofSeconds(5));
    long pid = Long.parseLong(out.trim());

    OsProcesses.stop(pid, "INT", Duration.ofMillis(200));

    assertThat(OsProcesses.isAlive(pid)).isFalse();
  }

  @Test
  void aProcessThatIsGoneCountsAsExited() {
    long pid = orphan("0");

    assertThat(OsProcesses.awaitExit(pid, Duration.ofSeconds(10))).isTrue();
    assertThat(OsProcesses.awaitExit(pid, Duration.ofMillis(1))).isTrue();
  }

  @Test
  void aNiceCommandGetsItsSessionWeightedAndLeavesTheStartersAlone(
      @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    assumeTrue(OsProcesses.autogroupsOn(), "the kernel schedules by autogroup");
    OptionalInt mine = OsProcesses.sessionNice(ProcessHandle.current().pid());
    long pid =
        OsProcesses.spawnDetached(
            OsProcesses.lowered(7, List.of("sleep", "30")), dir.resolve("sleep.log"));
    try {
      assertThat(OsProcesses.sessionOf(pid)).isEqualTo(pid);
      assertThat(OsProcesses.sessionNice(pid)).hasValue(7);
      // The write waited for setsid: the session that started it keeps its weight.
      assertThat(OsProcesses.sessionNice(ProcessHandle.current().pid())).isEqualTo(mine);
    } finally {
      OsProcesses.kill(pid);
    }
  }

  @Test
  void aCommandWithoutNiceKeepsTheDefaultWeight(@org.junit.jupiter.api.io.TempDir Path dir) {
    assumeTrue(OsProcesses.autogroupsOn(), "the kernel schedules by autogroup");
    long pid = OsProcesses.spawnDetached(List.of("sleep", "30"), dir.resolve("sleep.log"));
    try {
      assertThat(OsProcesses.niceOf(List.of("sleep", "30"))).isZero();
      assertThat(OsProcesses.niceOf(List.of("/usr/bin/nice", "-n", "-5", "etcd"))).isEqualTo(-5);
      // Until setsid has run, the child reports its starter's autogroup, which under CI is the
      // root group (/proc/PID/autogroup empty): the weight is read once it leads its session.
      assertThat(OsProcesses.awaitSessionLeader(pid, Duration.ofSeconds(5))).isTrue();
      assertThat(OsProcesses.sessionNice(pid)).hasValue(0);
    } finally {
      OsProcesses.kill(pid);
    }
  }

  @Test
  void weighingAProcessThatDoesNotLeadItsSessionChangesNothing() {
    assumeTrue(OsProcesses.autogroupsOn(), "the kernel schedules by autogroup");
    // This JVM is not a session leader (surefire's fork shares its parent's session).
    long self = ProcessHandle.current().pid();
    assumeTrue(OsProcesses.sessionOf(self) != self);
    OptionalInt before = OsProcesses.sessionNice(self);

    assertThat(OsProcesses.weighSession(self, 3)).isFalse();

    assertThat(OsProcesses.sessionNice(self)).isEqualTo(before);
    assertThat(Files.exists(Path.of("/proc/self/autogroup"))).isTrue();
  }
}
