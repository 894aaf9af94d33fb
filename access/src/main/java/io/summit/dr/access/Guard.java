package io.summit.dr.access;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The gate in front of one control server: a request whose {@link Policy} needs no role passes; one
 * without a token of the {@link AccessList}, or with a token nobody holds, gets 401; one whose
 * caller's role is too low gets 403. Both refusals are RFC 9457 problems and change nothing. An
 * {@link #open()} guard (a server started without an access list) admits everyone. {@link
 * ControlServer} asks it before every route.
 *
 * <p>Thread-safe; one per server.
 */
public final class Guard {
  // The access list, read again when its files change (null: every request is admitted).
  private final java.util.function.@Nullable Supplier<AccessList> access;
  private final Policy policy;

  private Guard(@Nullable AccessList access, Policy policy) {
    this.access = access == null ? null : access.reloading();
    this.policy = policy;
  }

  /** Admits every request (no access list was configured). */
  public static Guard open() {
    return new Guard(null, (m, p) -> null);
  }

  /** Admits the requests {@code policy} and {@code access} allow. */
  public static Guard of(AccessList access, Policy policy) {
    return new Guard(access, policy);
  }

  /** {@link #of} when {@code access} is there, else {@link #open()}. */
  public static Guard ofNullable(@Nullable AccessList access, Policy policy) {
    return access == null ? open() : of(access, policy);
  }

  /** True when every request is admitted. */
  public boolean isOpen() {
    return access == null;
  }

  /** What becomes of one request. */
  public sealed interface Decision {}

  /** Admitted; {@code caller} is empty when the request needed no role or the guard is open. */
  public record Admitted(Optional<Principal> caller) implements Decision {}

  /** Refused with 401 or 403 and why. */
  public record Refused(int status, String detail) implements Decision {
    /** The {@code WWW-Authenticate} header of this refusal (RFC 6750). */
    public String challenge() {
      return status == 401
          ? "Bearer realm=\"summit-dr\""
          : "Bearer realm=\"summit-dr\", error=\"insufficient_scope\"";
    }
  }

  public Decision decide(String method, String path, @Nullable String authorization) {
    java.util.function.Supplier<AccessList> source = access;
    Role needed = policy.required(method, path);
    if (source == null) {
      return new Admitted(Optional.empty());
    }
    AccessList list = source.get();
    Optional<Principal> caller = list.authenticate(authorization);
    if (needed == null) {
      return new Admitted(caller);
    }
    if (caller.isEmpty()) {
      return new Refused(401, String.valueOf(list.refusal(authorization)));
    }
    Principal p = caller.get();
    if (!p.role().includes(needed)) {
      return new Refused(
          403,
          method
              + " "
              + path
              + ": "
              + p.name()
              + " has role "
              + p.role().label()
              + " (expected: "
              + needed.label()
              + " or above)");
    }
    return new Admitted(caller);
  }
}
