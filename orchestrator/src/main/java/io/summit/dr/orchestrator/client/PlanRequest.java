package io.summit.dr.orchestrator.client;

import io.summit.dr.orchestrator.plan.PlanKind;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A request for a plan ({@code POST /v1/plans}).
 *
 * @param to the region that takes over; required for a failover and a switchover, absent for a
 *     failback (which goes to the topology's primary region)
 * @param force a failover only: go ahead over the RPO budget (recorded)
 * @param requestedBy who asks, for the audit log
 */
public record PlanRequest(PlanKind kind, @Nullable String to, boolean force, String requestedBy) {

  public PlanRequest {
    if (kind == PlanKind.FAILBACK ? to != null : to == null || to.isBlank()) {
      throw new IllegalArgumentException(
          "to: "
              + (to == null ? "missing" : "'" + to + "'")
              + " (expected: a region for a failover or switchover, none for a failback)");
    }
    if (force && kind != PlanKind.FAILOVER) {
      throw new IllegalArgumentException(
          "force: true for a " + name(kind) + " (expected: only a failover may be forced)");
    }
    if (requestedBy.isBlank()) {
      throw new IllegalArgumentException("requested_by: blank (expected: who asks)");
    }
  }

  public static PlanRequest failover(String to, boolean force, String requestedBy) {
    return new PlanRequest(PlanKind.FAILOVER, to, force, requestedBy);
  }

  public static PlanRequest switchover(String to, String requestedBy) {
    return new PlanRequest(PlanKind.SWITCHOVER, to, false, requestedBy);
  }

  public static PlanRequest failback(String requestedBy) {
    return new PlanRequest(PlanKind.FAILBACK, null, false, requestedBy);
  }

  /** The request body: {@code force} only for a failover, {@code to} only when set. */
  Map<String, Object> body() {
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("kind", name(kind));
    if (to != null) {
      b.put("to", to);
    }
    if (kind == PlanKind.FAILOVER) {
      b.put("force", force);
    }
    b.put("requested_by", requestedBy);
    return b;
  }

  private static String name(PlanKind kind) {
    return kind.name().toLowerCase(Locale.ROOT);
  }
}
