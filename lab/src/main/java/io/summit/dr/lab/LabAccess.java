package io.summit.dr.lab;

import io.summit.dr.access.AccessDirectory;
import io.summit.dr.access.BearerToken;
import io.summit.dr.access.Principal;
import io.summit.dr.access.Role;
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
 *   <li>{@code prometheus} (viewer): the lab's Prometheus, scraping {@code /metrics}.
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

  static final List<Principal> CALLERS =
      List.of(
          new Principal(ADMIN, Role.ADMIN),
          new Principal(OPERATOR, Role.OPERATOR),
          new Principal(VIEWER, Role.VIEWER),
          new Principal(ORCHESTRATOR, Role.OPERATOR),
          new Principal(DRILL, Role.OPERATOR),
          new Principal(CLUSTER, Role.ADMIN),
          new Principal(SERVICE, Role.VIEWER),
          new Principal(PROMETHEUS, Role.VIEWER));

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

  /** The token of {@code caller}, or null for a lab without credentials. */
  public static @Nullable BearerToken token(Path labDir, String caller) {
    AccessDirectory d = AccessDirectory.at(directory(labDir));
    return d.exists() ? d.token(caller) : null;
  }
}
