package io.summit.dr.lab;

import io.summit.dr.access.AccessDirectory;
import io.summit.dr.access.BearerToken;
import io.summit.dr.access.Principal;
import io.summit.dr.access.Role;
import io.summit.dr.lab.process.LabException;
import io.summit.dr.lab.process.OsProcesses;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The lab's credentials, in {@code LAB/access} (mode 0700): the access list every control daemon of
 * the lab checks, and one token file (mode 0600) per caller. {@code lab up} writes them once and
 * keeps them. The callers:
 *
 * <ul>
 *   <li>{@code lab-admin} (admin): the lab's own tools (WAN faults, status);
 *   <li>{@code lab-operator} (operator): the CLI's failover, switchover, failback and approve;
 *   <li>{@code lab-viewer} (viewer): for reading, e.g. a browser or curl;
 *   <li>{@code orchestrator} (operator): the orchestrator replicas, moving the router's writer,
 *       scaling the clusters, reading the observers;
 *   <li>{@code drill} (operator): the drills' plans and reads;
 *   <li>{@code cluster} (admin): the service clusters, registering instances with the router;
 *   <li>{@code service} (viewer): the service instances, reading discovery;
 *   <li>{@code prometheus} (viewer): the lab's Prometheus, scraping {@code /metrics};
 *   <li>{@code agent} (operator): the region agents, moving a region endpoint to the zone node they
 *       promoted.
 * </ul>
 */
public final class LabAccess {
  public static final String ADMIN = "lab-admin";
  public static final String OPERATOR = "lab-operator";
  public static final String VIEWER = "lab-viewer";
  public static final String ORCHESTRATOR = "orchestrator";
  public static final String DRILL = "drill";
  public static final String CLUSTER = "cluster";
  public static final String SERVICE = "service";
  public static final String PROMETHEUS = "prometheus";
  public static final String AGENT = "agent";

  static final List<Principal> CALLERS =
      List.of(
          new Principal(ADMIN, Role.ADMIN),
          new Principal(OPERATOR, Role.OPERATOR),
          new Principal(VIEWER, Role.VIEWER),
          new Principal(ORCHESTRATOR, Role.OPERATOR),
          new Principal(DRILL, Role.OPERATOR),
          new Principal(CLUSTER, Role.ADMIN),
          new Principal(SERVICE, Role.VIEWER),
          new Principal(PROMETHEUS, Role.VIEWER),
          new Principal(AGENT, Role.OPERATOR));

  private LabAccess() {}

  /** Writes the lab's credentials (kept when they exist). */
  static AccessDirectory create(Path labDir) {
    return AccessDirectory.create(directory(labDir), CALLERS);
  }

  /** Where the lab's credentials live. */
  public static Path directory(Path labDir) {
    return labDir.resolve("access");
  }

  /** The access list, or null for a lab that has none (started by an older version). */
  public static @Nullable Path accessList(Path labDir) {
    AccessDirectory d = AccessDirectory.at(directory(labDir));
    return d.exists() ? d.accessList() : null;
  }

  /** The token file of {@code caller}, or null for a lab without credentials. */
  public static @Nullable Path tokenFile(Path labDir, String caller) {
    AccessDirectory d = AccessDirectory.at(directory(labDir));
    return d.exists() ? d.tokenFile(caller) : null;
  }

  /** How long after a token file changes its clients send the new token (twice their look). */
  static final java.time.Duration CLIENTS_SWITCHED = java.time.Duration.ofSeconds(2);

  /** The lab's components that guard an HTTP API with the access list. */
  static final java.util.Set<String> GUARDED =
      java.util.Set.of(
          "orchestrator",
          "observer",
          "agent",
          "router",
          "cluster",
          "wan",
          "pager",
          "neo4j",
          "objects-replicator");

  /** What a rotation did: the callers' new token file and how long each half took. */
  public record Rotation(
      String caller, Path tokenFile, int servers, double acceptedAfterS, double oldRefusedAfterS) {}

  /**
   * Rotates {@code caller}'s token without restarting anything: a second token is listed (every
   * guarded daemon of {@code lab} is asked until it accepts it: they read the list again at most a
   * second after it changes), the caller's token file gets it (clients read it again at most a
   * second after it changes, at their next request), and 2 s later the old token is dropped from
   * the list, and every daemon is asked until it refuses the old one.
   *
   * @throws IllegalArgumentException naming the caller when the lab's list does not name it
   * @throws LabException when a daemon did not take the change within 10 s
   */
  public static Rotation rotate(
      Lab lab, String caller, java.util.function.Consumer<String> progress) {
    AccessDirectory d = AccessDirectory.at(directory(lab.dir()));
    if (!d.exists()) {
      throw new LabException(
          lab.dir()
              + ": this lab has no access list (expected: a lab started by"
              + " this version of summit-dr lab up)");
    }
    String old = d.token(caller).authorization();
    List<LabComponent> guarded =
        lab.state().map(LabState::components).orElse(List.of()).stream()
            .filter(c -> GUARDED.contains(c.kind()) && OsProcesses.isAlive(c.pid()))
            .toList();
    long t0 = System.nanoTime();
    String fresh = d.addToken(caller);
    awaitAll(lab.dir(), guarded, "Bearer " + fresh, true, "accept the new token of " + caller);
    double accepted = (System.nanoTime() - t0) / 1e9;
    progress.accept(
        String.format(
            java.util.Locale.ROOT,
            "  %s: a second token listed; %d daemons accept it after %.2f s",
            caller,
            guarded.size(),
            accepted));
    d.writeToken(caller, fresh);
    long t1 = System.nanoTime();
    progress.accept("  " + caller + ": " + d.tokenFile(caller) + " holds the new token");
    // Clients look at their token file again at most a second after their last look, at their
    // next request: from 1 s on, every request carries the new token. The old one goes after 2 s.
    try {
      Thread.sleep(CLIENTS_SWITCHED.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted while the clients take the new token of " + caller);
    }
    d.dropOtherTokens(caller, fresh);
    awaitAll(lab.dir(), guarded, old, false, "refuse the old token of " + caller);
    double refused = (System.nanoTime() - t1) / 1e9;
    awaitAll(lab.dir(), guarded, "Bearer " + fresh, true, "accept the new token of " + caller);
    progress.accept(
        String.format(
            java.util.Locale.ROOT,
            "  %s: the old token dropped 2 s after; %d daemons refuse it %.2f s after the token"
                + " file changed",
            caller,
            guarded.size(),
            refused));
    return new Rotation(caller, d.tokenFile(caller), guarded.size(), accepted, refused);
  }

  /**
   * Asks each daemon {@code GET /v1/access-check} with {@code authorization} until it accepts (any
   * answer but 401) or refuses (401) it, as {@code accept} says; at most 10 s in all.
   */
  private static void awaitAll(
      Path labDir, List<LabComponent> daemons, String authorization, boolean accept, String what) {
    java.net.http.HttpClient.Builder b =
        java.net.http.HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(2));
    javax.net.ssl.SSLContext trust = LabTls.trust(labDir);
    if (trust != null) {
      b.sslContext(trust);
    }
    java.net.http.HttpClient http = b.build();
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
    for (LabComponent c : daemons) {
      int status = -1;
      while (true) {
        try {
          status =
              http.send(
                      java.net.http.HttpRequest.newBuilder(
                              (c.kind().equals("neo4j") ? LabTls.neo4jAdmin(c) : LabTls.base(c))
                                  .resolve("/v1/access-check"))
                          .timeout(java.time.Duration.ofSeconds(2))
                          .header("Authorization", authorization)
                          .build(),
                      java.net.http.HttpResponse.BodyHandlers.discarding())
                  .statusCode();
        } catch (java.io.IOException e) {
          status = -1;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new LabException("interrupted while waiting for " + c.name() + " to " + what);
        }
        if (status != -1 && (status != 401) == accept) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new LabException(
              c.name() + " did not " + what + " within 10 s (last answer: " + status + ")");
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new LabException("interrupted while waiting for " + c.name() + " to " + what);
        }
      }
    }
  }

  /** The token of {@code caller}, or null for a lab without credentials. */
  public static @Nullable BearerToken token(Path labDir, String caller) {
    AccessDirectory d = AccessDirectory.at(directory(labDir));
    return d.exists() ? d.token(caller) : null;
  }
}
