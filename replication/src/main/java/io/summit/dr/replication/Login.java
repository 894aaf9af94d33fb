package io.summit.dr.replication;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * How the control plane logs in to a store's data plane: the user, its password (null: none, the
 * lab's trust authentication), and TLS. With TLS on, the server's certificate is verified, against
 * {@code caFile} when given (e.g. the RDS certificate bundle) and the JVM's trust store otherwise.
 * {@link #toString} never shows the password.
 */
public record Login(String user, @Nullable String password, boolean tls, @Nullable Path caFile) {
  /** The lab's: the {@code postgres} superuser, no password, no TLS (Redis ignores the user). */
  public static final Login LAB = new Login("postgres", null, false, null);

  public Login {
    if (user == null || user.isBlank()) {
      throw new IllegalArgumentException("user: empty (expected: a user name)");
    }
    if (caFile != null && !tls) {
      throw new IllegalArgumentException(
          "caFile: " + caFile + " given with TLS off (expected: tls on, or no caFile)");
    }
  }

  /** True for the lab's login, which sends no user name to Redis (its default user). */
  public boolean isLab() {
    return equals(LAB);
  }

  @Override
  public String toString() {
    return "Login[user="
        + user
        + ", password="
        + (password == null ? "none" : "***")
        + ", tls="
        + tls
        + (caFile == null ? "" : ", caFile=" + caFile)
        + "]";
  }
}
