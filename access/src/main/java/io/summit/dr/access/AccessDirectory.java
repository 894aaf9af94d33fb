package io.summit.dr.access;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A directory of credentials for one installation (the lab's {@code .lab/access}): the servers'
 * {@value #ACCESS_LIST} and one {@code NAME.token} per caller, every file mode 0600 in a directory
 * of mode 0700. Tokens are made once and kept: a second {@link #create} with the same callers
 * reuses them, so a token an operator copied keeps working across restarts.
 */
public final class AccessDirectory {
  public static final String ACCESS_LIST = "access-list";

  private final Path dir;

  private AccessDirectory(Path dir) {
    this.dir = dir;
  }

  /** The directory as it is (for clients: nothing is created). */
  public static AccessDirectory at(Path dir) {
    return new AccessDirectory(dir);
  }

  /**
   * Makes sure {@code dir} holds a token for each of {@code callers} and an access list naming
   * exactly them; callers whose token file exists keep it.
   */
  public static AccessDirectory create(Path dir, List<Principal> callers) {
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      StringBuilder list = new StringBuilder("# NAME ROLE sha256:HEX (written by summit-dr)\n");
      for (Principal p : callers) {
        Path file = dir.resolve(p.name() + ".token");
        String token =
            Files.exists(file)
                ? SecretFile.read(file.toString(), file, "one token", BearerToken.MIN_LENGTH)
                : write(file, AccessList.newToken() + "\n").strip();
        list.append(AccessList.line(p, token)).append('\n');
      }
      write(dir.resolve(ACCESS_LIST), list.toString());
      return new AccessDirectory(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": cannot write credentials: " + e.getMessage(), e);
    }
  }

  private static String write(Path file, String content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".new");
    Files.deleteIfExists(tmp);
    Files.createFile(
        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, content, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    Files.move(
        tmp,
        file,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return content;
  }

  public Path dir() {
    return dir;
  }

  /**
   * A token rotation's first half: a new token for {@code name}, listed beside the one it holds
   * (same role), so that servers accept both once they read the list again. The token file is not
   * changed yet; see {@link #writeToken} and {@link #dropOtherTokens}.
   *
   * @return the new token
   * @throws IllegalArgumentException naming {@code name} when the list does not name it
   */
  public String addToken(String name) {
    List<String> lines = lines();
    String role = role(lines, name);
    String token = AccessList.newToken();
    lines.add(AccessList.line(new Principal(name, Role.parse("role", role)), token));
    writeList(lines);
    return token;
  }

  /** A token rotation's second step: {@code name}'s token file holds {@code token} (mode 0600). */
  public void writeToken(String name, String token) {
    try {
      write(tokenFile(name), token + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(tokenFile(name) + ": cannot write: " + e.getMessage(), e);
    }
  }

  /**
   * A token rotation's last step, once {@code name}'s clients send {@code token}: the list keeps
   * only that token for {@code name}.
   */
  public void dropOtherTokens(String name, String token) {
    List<String> lines = lines();
    String role = role(lines, name);
    String keep = AccessList.line(new Principal(name, Role.parse("role", role)), token);
    List<String> out = new java.util.ArrayList<>();
    for (String l : lines) {
      if (!l.strip().startsWith(name + " ") || l.strip().equals(keep)) {
        out.add(l);
      }
    }
    writeList(out);
  }

  private List<String> lines() {
    return new java.util.ArrayList<>(
        java.util.Arrays.asList(
            SecretFile.readText(accessList().toString(), accessList(), "an access list")
                .split("\n")));
  }

  private String role(List<String> lines, String name) {
    for (String l : lines) {
      String[] f = l.strip().split("\\s+");
      if (f.length == 3 && f[0].equals(name)) {
        return f[1];
      }
    }
    throw new IllegalArgumentException(
        "name: '" + name + "' is not in " + accessList() + " (expected: a caller it lists)");
  }

  private void writeList(List<String> lines) {
    try {
      write(accessList(), String.join("\n", lines).strip() + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(accessList() + ": cannot write: " + e.getMessage(), e);
    }
  }

  /** The servers' access list. */
  public Path accessList() {
    return dir.resolve(ACCESS_LIST);
  }

  /** The token file of {@code name}. */
  public Path tokenFile(String name) {
    return dir.resolve(name + ".token");
  }

  /** True when this directory holds an access list (the installation requires tokens). */
  public boolean exists() {
    return Files.isRegularFile(accessList());
  }

  /**
   * The token of {@code name}.
   *
   * @throws IllegalArgumentException naming the file when it is missing or open to others
   */
  public BearerToken token(String name) {
    return BearerToken.read(tokenFile(name).toString(), tokenFile(name));
  }
}
