package io.summit.dr.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.summit.dr.lab.process.CommandFailedException;
import io.summit.dr.lab.process.OsProcesses;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Regression: cloned into root's home (mode 0700, Debian's default), {@code lab up} stopped with
 * "the postgres OS user cannot reach ...". The lab's state stays where it was asked for; the
 * PostgreSQL data goes where the postgres OS user reaches it, and nothing is loosened.
 */
class LabInAPrivateDirectoryTest {

  @Test
  void aLabUnderADirectoryOfMode0700StartsAndPurgeRemovesBothItsDirectories() throws Exception {
    Path parent =
        Path.of("target", "labs", "private-" + ProcessHandle.current().pid()).toAbsolutePath();
    Files.createDirectories(parent);
    Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwx------"));
    Lab lab = TestLabs.prepareIn(parent, "lab", yaml -> yaml);
    List<String> progress = new ArrayList<>();
    try {
      if (OsProcesses.isRoot()) {
        assertThat(postgresUserCanEnter(lab.dir()))
            .as("the postgres user reaches the lab")
            .isFalse();
      }

      assertThat(lab.up(TestLabs.config(lab), progress::add, kind -> false)).isTrue();

      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(lab.status())
                      .filteredOn(s -> s.name().equals("postgres-us-east-1"))
                      .singleElement()
                      .satisfies(s -> assertThat(s.role()).isEqualTo("replica")));
      assertThat(lab.status()).allSatisfy(s -> assertThat(s.healthy()).as(s.name()).isTrue());
      Path pg = lab.postgresDir();
      assertThat(lab.requireState().postgresDir()).isEqualTo(pg.toString());
      assertThat(lab.component("postgres-us-west-2").dir()).startsWith(pg.toString());
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pg)))
          .isEqualTo("rwx------");
      assertThat(Files.getOwner(pg, LinkOption.NOFOLLOW_LINKS).getName())
          .isEqualTo(OsProcesses.isRoot() ? "postgres" : System.getProperty("user.name"));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(parent)))
          .as("nothing loosened")
          .isEqualTo("rwx------");
    } finally {
      lab.down(true, progress::add);
    }
    assertThat(lab.dir()).doesNotExist();
    assertThat(lab.postgresDir()).doesNotExist();
  }

  /** Whether the postgres OS user may enter {@code dir}. */
  private static boolean postgresUserCanEnter(Path dir) {
    try {
      OsProcesses.run(
          List.of("runuser", "-u", "postgres", "--", "test", "-x", dir.toString()),
          Duration.ofSeconds(5));
      return true;
    } catch (CommandFailedException e) {
      return false;
    }
  }
}
