package io.summit.dr.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessListTest {
  private static final String TOKEN = "0123456789abcdefghijklmnopqrstuv";

  @TempDir Path dir;

  private Path file(String content, String mode) throws Exception {
    Path f = Files.createTempFile(dir, "access", "");
    Files.writeString(f, content);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
    return f;
  }

  @Test
  void aTokenNamesItsCallerAndRoleAndNoOtherTokenNamesAnyone() throws Exception {
    Path f =
        file(
            "# comment\n\n"
                + AccessList.line(new Principal("oscar", Role.OPERATOR), TOKEN)
                + "\n"
                + AccessList.line(new Principal("ann", Role.VIEWER), TOKEN + "x")
                + "\n",
            "rw-------");

    AccessList list = AccessList.read("--access-file", f);

    assertThat(list.authenticate("Bearer " + TOKEN))
        .contains(new Principal("oscar", Role.OPERATOR));
    assertThat(list.authenticate("bearer " + TOKEN + "x"))
        .contains(new Principal("ann", Role.VIEWER));
    assertThat(list.authenticate("Bearer " + TOKEN + "y")).isEmpty();
    assertThat(list.authenticate(null)).isEmpty();
    assertThat(list.authenticate("Basic " + TOKEN)).isEmpty();
    assertThat(list.refusal("Bearer " + TOKEN)).isNull();
    assertThat(list.refusal(null)).startsWith("Authorization: missing");
    assertThat(list.principals()).extracting(Principal::name).containsExactly("oscar", "ann");
    assertThat(Files.readString(f)).doesNotContain(TOKEN);
  }

  @Test
  void rolesIncludeTheOnesBelow() {
    assertThat(Role.ADMIN.includes(Role.OPERATOR)).isTrue();
    assertThat(Role.OPERATOR.includes(Role.VIEWER)).isTrue();
    assertThat(Role.VIEWER.includes(Role.OPERATOR)).isFalse();
    assertThat(Role.OPERATOR.includes(Role.ADMIN)).isFalse();
  }

  @Test
  void aMalformedEntryIsRefusedWithItsLineAndATokenInPlaceOfAHashIsNotEchoed() throws Exception {
    String good = AccessList.line(new Principal("ann", Role.VIEWER), TOKEN);
    Path badRole = file(good + "\nbob root sha256:" + "a".repeat(64) + "\n", "rw-------");
    Path tokenAsHash = file("bob viewer " + TOKEN + "\n", "rw-------");
    Path twice = file(good + "\n" + good + "\n", "rw-------");
    Path fields = file("bob viewer\n", "rw-------");
    Path badName = file("Bob! viewer sha256:" + "a".repeat(64) + "\n", "rw-------");
    Path empty = file("# nobody\n", "rw-------");
    Path open = file(good + "\n", "rw-r--r--");

    assertThatThrownBy(() -> AccessList.read("--access-file", badRole))
        .hasMessage(badRole + ":2: role: 'root' (expected: viewer, operator or admin)");
    assertThatThrownBy(() -> AccessList.read("--access-file", tokenAsHash))
        .hasMessageContaining(":1: hash: not shown (expected: sha256:")
        .hasMessageNotContaining(TOKEN);
    assertThatThrownBy(() -> AccessList.read("--access-file", twice))
        .hasMessageContaining(":2: name: 'ann' is listed twice with the same token");
    Path twoRoles =
        file(
            good + "\n" + AccessList.line(new Principal("ann", Role.ADMIN), TOKEN + "2") + "\n",
            "rw-------");
    assertThatThrownBy(() -> AccessList.read("--access-file", twoRoles))
        .hasMessageContaining(":2: name: 'ann' is listed twice with two roles");
    assertThatThrownBy(() -> AccessList.read("--access-file", fields))
        .hasMessageContaining(":1: 2 fields (expected: NAME ROLE sha256:HEX)");
    assertThatThrownBy(() -> AccessList.read("--access-file", badName))
        .hasMessageContaining(":1: name: 'Bob!' (expected: 1 to 63 lowercase letters");
    assertThatThrownBy(() -> AccessList.read("--access-file", empty))
        .hasMessageContaining("lists nobody");
    assertThatThrownBy(() -> AccessList.read("--access-file", open))
        .hasMessageStartingWith("--access-file: " + open + " has mode rw-r--r--");
  }

  @Test
  void theDirectoryKeepsItsTokensOwnerOnlyAndAcrossASecondCreate() throws Exception {
    List<Principal> callers =
        List.of(new Principal("lab-admin", Role.ADMIN), new Principal("ann", Role.VIEWER));

    AccessDirectory first = AccessDirectory.create(dir.resolve("access"), callers);
    String token = first.token("ann").authorization();
    AccessDirectory second = AccessDirectory.create(dir.resolve("access"), callers);

    assertThat(second.token("ann").authorization()).isEqualTo(token);
    assertThat(Files.getPosixFilePermissions(first.dir()))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    for (Path f :
        List.of(first.accessList(), first.tokenFile("ann"), first.tokenFile("lab-admin"))) {
      assertThat(Files.getPosixFilePermissions(f))
          .as(f.toString())
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }
    AccessList list = AccessList.read("access", second.accessList());
    assertThat(list.authenticate(token)).contains(new Principal("ann", Role.VIEWER));
    assertThat(list.authenticate(second.token("lab-admin").authorization()))
        .contains(new Principal("lab-admin", Role.ADMIN));
    assertThat(second.token("ann").toString()).doesNotContain(token.substring(7));
  }

  @Test
  void anOpenGuardAdmitsEveryoneAndAClosedOneSaysWhichRoleWasNeeded() throws Exception {
    AccessDirectory d =
        AccessDirectory.create(dir.resolve("g"), List.of(new Principal("ann", Role.VIEWER)));
    Guard guard =
        Guard.of(AccessList.read("a", d.accessList()), Policy.readsAndChanges(Role.ADMIN));
    String ann = d.token("ann").authorization();

    assertThat(Guard.open().decide("POST", "/x", null)).isInstanceOf(Guard.Admitted.class);
    assertThat(guard.decide("GET", "/healthz", null)).isInstanceOf(Guard.Admitted.class);
    assertThat(guard.decide("GET", "/v1/x", ann)).isInstanceOf(Guard.Admitted.class);
    assertThat(guard.decide("GET", "/v1/x", null))
        .isInstanceOfSatisfying(
            Guard.Refused.class, r -> assertThat(r.detail()).startsWith("Authorization: missing"));
    assertThat(guard.decide("PUT", "/v1/x", ann))
        .isEqualTo(
            new Guard.Refused(403, "PUT /v1/x: ann has role viewer (expected: admin or above)"));
  }

  /** Rewrites {@code f} as an editor or the lab's rotation does: a new file moved into place. */
  private static void replace(Path f, String content, String mode) throws Exception {
    Path tmp = f.resolveSibling(f.getFileName() + ".new");
    Files.writeString(tmp, content);
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(mode));
    Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void aGuardFollowsItsAccessListWithoutARestartAndKeepsTheLastGoodOne() throws Exception {
    String oldLine = AccessList.line(new Principal("oscar", Role.OPERATOR), TOKEN);
    String newLine = AccessList.line(new Principal("oscar", Role.OPERATOR), TOKEN + "new");
    Path f = file(oldLine + "\n", "rw-------");
    AccessList initial = AccessList.read("--access-file", f);
    Guard guard = Guard.of(initial, Policy.readsAndChanges(Role.OPERATOR));
    // the same reloading the guard does, looked at from here
    Reloading list = (Reloading) initial.reloading();
    assertThat(guard.decide("POST", "/v1/plans", "Bearer " + TOKEN + "new"))
        .isInstanceOf(Guard.Refused.class);

    // the rotation's first half: both tokens of oscar listed
    replace(f, oldLine + "\n" + newLine + "\n", "rw-------");
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .until(
            () ->
                guard.decide("POST", "/v1/plans", "Bearer " + TOKEN + "new")
                    instanceof Guard.Admitted);
    assertThat(guard.decide("POST", "/v1/plans", "Bearer " + TOKEN))
        .isInstanceOf(Guard.Admitted.class);

    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .until(() -> list.get().authenticate("Bearer " + TOKEN + "new").isPresent());
    assertThat(list.reads()).isEqualTo(1);

    // a slip: a file others may read is not taken, the last good list stays
    replace(f, newLine + "\n", "rw-r--r--");
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .until(() -> list.get().principals().size() > 0 && list.reads() == 2);
    assertThat(list.get().authenticate("Bearer " + TOKEN)).isPresent();
    assertThat(guard.decide("POST", "/v1/plans", "Bearer " + TOKEN))
        .isInstanceOf(Guard.Admitted.class);
    assertThat(guard.decide("POST", "/v1/plans", "Bearer " + TOKEN + "new"))
        .isInstanceOf(Guard.Admitted.class);

    // the second half: the old token removed
    replace(f, newLine + "\n", "rw-------");
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .until(() -> guard.decide("POST", "/v1/plans", "Bearer " + TOKEN) instanceof Guard.Refused);
    assertThat(guard.decide("POST", "/v1/plans", "Bearer " + TOKEN + "new"))
        .isInstanceOf(Guard.Admitted.class);
  }

  @Test
  void aClientSendsTheTokenItsFileHoldsNowAndKeepsTheLastGoodOneOnASlip() throws Exception {
    Path f = file(TOKEN + "\n", "rw-------");
    BearerToken token = BearerToken.read("--token-file", f);
    assertThat(token.authorization()).isEqualTo("Bearer " + TOKEN);
    replace(f, TOKEN + "new\n", "rw-------");
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .until(() -> token.authorization().equals("Bearer " + TOKEN + "new"));
    replace(f, "short\n", "rw-------");
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .until(() -> !token.authorization().isEmpty() && token.reads() == 2);
    assertThat(token.authorization()).isEqualTo("Bearer " + TOKEN + "new");
  }
}
