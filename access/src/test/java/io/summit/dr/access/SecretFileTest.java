package io.summit.dr.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may read a secret file: its owner, or root's group for a Kubernetes Secret volume. */
class SecretFileTest {
  private static final int ROOT = 0;
  private static final int POD_USER = 10001;

  @TempDir Path dir;

  @Test
  void anOwnerOnlyFileIsReadWhoeverOwnsIt() {
    assertThat(SecretFile.allowed(mode("rw-------"), ROOT, ROOT)).isTrue();
    assertThat(SecretFile.allowed(mode("r--------"), POD_USER, POD_USER)).isTrue();
    assertThat(SecretFile.allowed(mode("rw-------"), ROOT, POD_USER)).isTrue();
  }

  @Test
  void rootsGroupMayReadOnlyWhenRootOwnsTheFileAndAnotherUserReadsIt() {
    // A Kubernetes Secret mounted with defaultMode 0440 into a pod with an fsGroup.
    assertThat(SecretFile.allowed(mode("r--r-----"), ROOT, POD_USER)).isTrue();
    assertThat(SecretFile.allowed(mode("rw-r-----"), ROOT, POD_USER)).isTrue();
    // The reader owns it: its group has no business reading it.
    assertThat(SecretFile.allowed(mode("rw-r-----"), POD_USER, POD_USER)).isFalse();
    // Root reads a file its group may read: no one else needed that.
    assertThat(SecretFile.allowed(mode("rw-r-----"), ROOT, ROOT)).isFalse();
    // More than reading by the group, or anything by others: never.
    assertThat(SecretFile.allowed(mode("rw-rw----"), ROOT, POD_USER)).isFalse();
    assertThat(SecretFile.allowed(mode("r--r--r--"), ROOT, POD_USER)).isFalse();
    assertThat(SecretFile.allowed(mode("rw----r--"), ROOT, POD_USER)).isFalse();
  }

  @Test
  void aSecretVolumesSymbolicLinksAreFollowedAndTheTargetsModeChecked() throws Exception {
    // The layout the kubelet writes: NAME -> ..data/NAME, ..data -> ..<timestamp>/
    Path version = Files.createDirectory(dir.resolve("..2026_12_05_01_00_00.123"));
    String token = AccessList.newToken();
    Path file = version.resolve("orchestrator.token");
    Files.writeString(file, token + "\n");
    Files.setPosixFilePermissions(file, mode("rw-------"));
    Files.createSymbolicLink(dir.resolve("..data"), version.getFileName());
    Path link =
        Files.createSymbolicLink(
            dir.resolve("orchestrator.token"), Path.of("..data", "orchestrator.token"));

    assertThat(BearerToken.read("--token-file", link).authorization()).isEqualTo("Bearer " + token);

    Files.setPosixFilePermissions(file, mode("rw-r--r--"));
    assertThatThrownBy(() -> BearerToken.read("--token-file", link))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--token-file: " + link + " has mode rw-r--r--")
        .hasMessageContaining("expected: readable by its owner only, chmod 600");
  }

  @Test
  void aLinkToNothingOrToAFolderIsNotASecret() throws Exception {
    Path dangling = Files.createSymbolicLink(dir.resolve("gone.token"), Path.of("nowhere"));
    Path folder = Files.createSymbolicLink(dir.resolve("dir.token"), dir);
    for (Path p : new Path[] {dangling, folder}) {
      assertThatThrownBy(() -> BearerToken.read("--token-file", p))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "--token-file: " + p + " is not a regular file (expected: a file holding one token)");
    }
  }

  private static Set<PosixFilePermission> mode(String s) {
    return PosixFilePermissions.fromString(s);
  }
}
