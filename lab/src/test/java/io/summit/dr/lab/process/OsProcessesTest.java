package io.summit.dr.lab.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
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
}
