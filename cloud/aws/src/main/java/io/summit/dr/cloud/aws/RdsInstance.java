package io.summit.dr.cloud.aws;

import io.summit.dr.orchestrator.plan.Action;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreAdapter;
import io.summit.dr.replication.StoreObservation;
import io.summit.dr.replication.StoreResult;
import io.summit.dr.replication.StoreRole;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.rds.model.ApplyMethod;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.DescribeDbParametersResponse;
import software.amazon.awssdk.services.rds.model.Parameter;

/**
 * An RDS for PostgreSQL instance, the primary or the cross-region read replica of a store. Fenced
 * means its own parameter group has {@code default_transaction_read_only=on} (a dynamic parameter:
 * RDS applies it without a reboot, and every transaction begun after the reload is read-only, so
 * reads keep working). Promotion is {@code PromoteReadReplica}, waited for within the context's
 * deadline. The writer term and the verify write are SQL, done by the data-plane adapter (the
 * replication module's PostgreSQL adapter on the instance's endpoint) when one is given. Every
 * operation describes first and acts only when the target state does not hold.
 */
final class RdsInstance implements StoreAdapter {
  private static final Set<String> DOWN =
      Set.of(
          "stopped",
          "stopping",
          "starting",
          "rebooting",
          "failed",
          "deleting",
          "inaccessible-encryption-credentials",
          "incompatible-network",
          "storage-full");

  private final AwsContext ctx;
  private final StoreCalls.Rds calls;
  private final String store;
  private final String region;
  private final String peer;
  private final @Nullable StoreAdapter data;

  RdsInstance(
      AwsContext ctx, String store, String region, String peer, @Nullable StoreAdapter data) {
    this.ctx = ctx;
    this.calls = new StoreCalls.Rds(ctx.targets(), store);
    this.store = store;
    this.region = region;
    this.peer = peer;
    this.data = data;
  }

  @Override
  public String id() {
    return store + "@" + region;
  }

  private String node() {
    return ctx.targets().node(store, region);
  }

  private Optional<DBInstance> describe(String id) {
    AwsCall call = id.equals(node()) ? calls.describe(region) : calls.describeAside(region);
    try {
      return ctx
          .runner()
          .run(
              call,
              () -> ctx.clients().rds(region).describeDBInstances(b -> b.dbInstanceIdentifier(id)))
          .dbInstances()
          .stream()
          .findFirst();
    } catch (DbInstanceNotFoundException e) {
      return Optional.empty();
    }
  }

  private static boolean replica(DBInstance i) {
    return i.readReplicaSourceDBInstanceIdentifier() != null;
  }

  private boolean readOnly() {
    String marker = null;
    do {
      String m = marker;
      DescribeDbParametersResponse r =
          ctx.runner()
              .run(
                  calls.parameters(region),
                  () ->
                      ctx.clients()
                          .rds(region)
                          .describeDBParameters(
                              b ->
                                  b.dbParameterGroupName(
                                          ctx.targets().parameterGroup(store, region))
                                      .source("user")
                                      .marker(m)));
      for (Parameter p : r.parameters()) {
        if (StoreCalls.Rds.READ_ONLY.equals(p.parameterName())) {
          return "on".equalsIgnoreCase(p.parameterValue()) || "1".equals(p.parameterValue());
        }
      }
      marker = r.marker();
    } while (marker != null);
    return false;
  }

  private void setReadOnly(boolean on) {
    ctx.runner()
        .run(
            calls.readOnly(region, on),
            () ->
                ctx.clients()
                    .rds(region)
                    .modifyDBParameterGroup(
                        b ->
                            b.dbParameterGroupName(ctx.targets().parameterGroup(store, region))
                                .parameters(
                                    Parameter.builder()
                                        .parameterName(StoreCalls.Rds.READ_ONLY)
                                        .parameterValue(on ? "on" : "off")
                                        .applyMethod(ApplyMethod.IMMEDIATE)
                                        .build())));
  }

  /** Fatal unless the instance uses its own parameter group: fencing a shared one fences both. */
  private @Nullable StoreResult ownGroup(DBInstance i) {
    String own = ctx.targets().parameterGroup(store, region);
    boolean uses =
        i.dbParameterGroups().stream().anyMatch(g -> own.equals(g.dbParameterGroupName()));
    return uses
        ? null
        : new StoreResult.Fatal(
            id()
                + ": instance "
                + node()
                + " uses parameter group "
                + i.dbParameterGroups().stream()
                    .map(g -> g.dbParameterGroupName())
                    .collect(java.util.stream.Collectors.joining(", "))
                + " (expected: a parameter group of its own, "
                + own
                + ", so that fencing it leaves the other region's instance writable)");
  }

  @Override
  public StoreObservation observe() {
    Instant now = ctx.clock().instant();
    try {
      Optional<DBInstance> found = describe(node());
      if (found.isEmpty()) {
        return StoreObservation.unreachable(id() + ": no instance " + node(), now);
      }
      DBInstance i = found.get();
      String status = i.dbInstanceStatus();
      if (DOWN.contains(status)) {
        return StoreObservation.unreachable(id() + ": status " + status, now);
      }
      if (!replica(i)) {
        StoreRole role = readOnly() ? StoreRole.FENCED : StoreRole.PRIMARY;
        return new StoreObservation(true, role, null, null, null, "status " + status, now);
      }
      Optional<Lag.Reading> lag = Lag.read(ctx.clients(), ctx.runner(), calls.lag(region), now);
      String detail =
          "status " + status + ", replica of " + i.readReplicaSourceDBInstanceIdentifier();
      return lag.map(
              l ->
                  new StoreObservation(
                      true,
                      StoreRole.REPLICA,
                      null,
                      l.seconds(),
                      null,
                      detail
                          + ", ReplicaLag "
                          + l.seconds()
                          + " s, "
                          + l.age(now).toSeconds()
                          + " s old",
                      now,
                      "available".equals(status),
                      l.measuredAt()))
          .orElseGet(
              () ->
                  new StoreObservation(
                      true,
                      StoreRole.REPLICA,
                      null,
                      null,
                      null,
                      detail + ", no ReplicaLag datapoint",
                      now));
    } catch (SdkException e) {
      return StoreObservation.unreachable(id() + ": " + CallRunner.describe(e), now);
    }
  }

  @Override
  public StoreResult fence() {
    return guarded(Action.FENCE, () -> setFenced(true));
  }

  @Override
  public StoreResult unfence() {
    return guarded(Action.UNFENCE, () -> setFenced(false));
  }

  private StoreResult setFenced(boolean on) {
    Optional<DBInstance> found = describe(node());
    if (found.isEmpty()) {
      return new StoreResult.Retry(id() + ": no instance " + node());
    }
    if (replica(found.get())) {
      return on
          ? new StoreResult.AlreadyDone(id() + ": a read replica refuses writes already")
          : new StoreResult.Fatal(
              id() + ": a read replica (promotion, not unfencing, makes it writable)");
    }
    StoreResult wrong = ownGroup(found.get());
    if (wrong != null) {
      return wrong;
    }
    if (readOnly() == on) {
      return new StoreResult.AlreadyDone(
          id() + ": " + StoreCalls.Rds.READ_ONLY + "=" + (on ? "on" : "off") + " already");
    }
    setReadOnly(on);
    return new StoreResult.Applied(
        id()
            + ": "
            + StoreCalls.Rds.READ_ONLY
            + "="
            + (on ? "on" : "off")
            + " in "
            + ctx.targets().parameterGroup(store, region));
  }

  @Override
  public StoreResult promote() {
    return guarded(Action.PROMOTE, this::promoteOnce);
  }

  private StoreResult promoteOnce() {
    Optional<DBInstance> found = describe(node());
    if (found.isEmpty()) {
      return new StoreResult.Fatal(id() + ": no instance " + node());
    }
    boolean wasReplica = replica(found.get());
    if (wasReplica) {
      ctx.runner()
          .run(
              calls.promote(region),
              () ->
                  ctx.clients()
                      .rds(region)
                      .promoteReadReplica(b -> b.dbInstanceIdentifier(node())));
    }
    String[] status = {found.get().dbInstanceStatus()};
    boolean done =
        ctx.await(
            () -> {
              Optional<DBInstance> now = describe(node());
              status[0] = now.map(DBInstance::dbInstanceStatus).orElse("gone");
              return now.isPresent() && !replica(now.get()) && "available".equals(status[0]);
            });
    if (!done) {
      return new StoreResult.Retry(
          id() + ": promotion under way, status " + status[0] + " after " + ctx.waitDeadline());
    }
    boolean unfenced = readOnly();
    if (unfenced) {
      setReadOnly(false);
    }
    String detail =
        id() + (wasReplica ? ": promoted" : ": a primary already") + (unfenced ? ", unfenced" : "");
    return wasReplica || unfenced
        ? new StoreResult.Applied(detail)
        : new StoreResult.AlreadyDone(detail);
  }

  @Override
  public StoreResult rejoin(Endpoint newPrimary) {
    return guarded(Action.REJOIN, this::rejoinOnce);
  }

  private StoreResult rejoinOnce() {
    String aside = calls.aside(region);
    Optional<DBInstance> found = describe(node());
    if (found.isPresent() && replica(found.get())) {
      String source = found.get().readReplicaSourceDBInstanceIdentifier();
      boolean ofPeer = ctx.targets().instanceArn(store, peer).equals(source);
      return ofPeer
          ? new StoreResult.AlreadyDone(id() + ": a replica of " + source + " already")
          : new StoreResult.Fatal(id() + ": a replica of " + source + ", not of " + peer);
    }
    if (found.isPresent()) {
      if (describe(aside).isPresent()) {
        return new StoreResult.Fatal(
            id()
                + ": "
                + aside
                + " exists (expected: the instance renamed aside by an earlier"
                + " rejoin deleted or renamed first)");
      }
      ctx.runner()
          .run(
              calls.renameAside(region),
              () ->
                  ctx.clients()
                      .rds(region)
                      .modifyDBInstance(
                          b ->
                              b.dbInstanceIdentifier(node())
                                  .newDBInstanceIdentifier(aside)
                                  .applyImmediately(true)));
      if (!ctx.await(() -> describe(node()).isEmpty())) {
        return new StoreResult.Retry(id() + ": renaming " + node() + " to " + aside + " under way");
      }
    }
    ctx.runner()
        .run(
            calls.createReplica(region, peer),
            () ->
                ctx.clients()
                    .rds(region)
                    .createDBInstanceReadReplica(
                        b ->
                            b.dbInstanceIdentifier(node())
                                .sourceDBInstanceIdentifier(ctx.targets().instanceArn(store, peer))
                                .sourceRegion(peer)
                                .dbParameterGroupName(
                                    ctx.targets().parameterGroup(store, region))));
    return new StoreResult.Applied(
        id()
            + ": new read replica "
            + node()
            + " of "
            + peer
            + " creating; old instance kept as "
            + aside);
  }

  @Override
  public StoreResult recordTerm(long term) {
    StoreAdapter d = data;
    return d == null
        ? new StoreResult.Fatal(
            id() + ": no data-plane adapter: the writer term is SQL, not an AWS call")
        : d.recordTerm(term);
  }

  @Override
  public StoreResult verifyWrite() {
    StoreAdapter d = data;
    return d == null
        ? new StoreResult.Fatal(id() + ": no data-plane adapter to write through")
        : d.verifyWrite();
  }

  /** Runs an operation; an AWS error it did not handle is a Retry naming the action. */
  private StoreResult guarded(Action action, java.util.function.Supplier<StoreResult> op) {
    try {
      return op.get();
    } catch (SdkException e) {
      return new StoreResult.Retry(id() + ": " + action.wireName() + ": " + CallRunner.describe(e));
    }
  }

  @Override
  public void close() {
    StoreAdapter d = data;
    if (d != null) {
      d.close();
    }
  }
}
