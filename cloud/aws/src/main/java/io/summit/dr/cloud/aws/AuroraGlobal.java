package io.summit.dr.cloud.aws;

import io.summit.dr.orchestrator.plan.Action;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreAdapter;
import io.summit.dr.replication.StoreObservation;
import io.summit.dr.replication.StoreResult;
import io.summit.dr.replication.StoreRole;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.rds.model.ApplyMethod;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.GlobalCluster;
import software.amazon.awssdk.services.rds.model.GlobalClusterMember;
import software.amazon.awssdk.services.rds.model.Parameter;

/**
 * One region's cluster of an Aurora PostgreSQL Global Database. Fenced: {@code
 * default_transaction_read_only=on} in the cluster's own cluster parameter group. Promotion is
 * {@code SwitchoverGlobalCluster} when the current writer cluster is observed {@code available} (no
 * data loss), else {@code FailoverGlobalCluster} with {@code AllowDataLoss}; then it waits, within
 * the context's deadline, until this cluster is the global cluster's writer. Aurora makes the old
 * writer a secondary itself, so rejoin only observes. Term and verify write: the data-plane
 * adapter.
 */
final class AuroraGlobal implements StoreAdapter {
  private final AwsContext ctx;
  private final StoreCalls.Aurora calls;
  private final String store;
  private final String region;
  private final String peer;
  private final @Nullable StoreAdapter data;

  AuroraGlobal(
      AwsContext ctx, String store, String region, String peer, @Nullable StoreAdapter data) {
    this.ctx = ctx;
    this.calls = new StoreCalls.Aurora(ctx.targets(), store);
    this.store = store;
    this.region = region;
    this.peer = peer;
    this.data = data;
  }

  @Override
  public String id() {
    return store + "@" + region;
  }

  private Optional<GlobalClusterMember> member() {
    String arn = ctx.targets().clusterArn(store, region);
    GlobalCluster g =
        ctx
            .runner()
            .run(
                calls.global(region),
                () ->
                    ctx.clients()
                        .rds(region)
                        .describeGlobalClusters(
                            b -> b.globalClusterIdentifier(ctx.targets().global(store))))
            .globalClusters()
            .stream()
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException("no global cluster " + ctx.targets().global(store)));
    return g.globalClusterMembers().stream().filter(m -> arn.equals(m.dbClusterArn())).findFirst();
  }

  private boolean writer() {
    return member().map(m -> Boolean.TRUE.equals(m.isWriter())).orElse(false);
  }

  private Optional<DBCluster> cluster(String r) {
    try {
      return ctx
          .runner()
          .run(
              calls.describe(r),
              () ->
                  ctx.clients()
                      .rds(r)
                      .describeDBClusters(b -> b.dbClusterIdentifier(ctx.targets().node(store, r))))
          .dbClusters()
          .stream()
          .findFirst();
    } catch (DbClusterNotFoundException e) {
      return Optional.empty();
    }
  }

  private boolean readOnly() {
    return ctx
        .runner()
        .run(
            calls.parameters(region),
            () ->
                ctx.clients()
                    .rds(region)
                    .describeDBClusterParameters(
                        b ->
                            b.dbClusterParameterGroupName(
                                    ctx.targets().parameterGroup(store, region))
                                .source("user")))
        .parameters()
        .stream()
        .anyMatch(
            p ->
                StoreCalls.Rds.READ_ONLY.equals(p.parameterName())
                    && "on".equalsIgnoreCase(p.parameterValue()));
  }

  private void setReadOnly(boolean on) {
    ctx.runner()
        .run(
            calls.readOnly(region, on),
            () ->
                ctx.clients()
                    .rds(region)
                    .modifyDBClusterParameterGroup(
                        b ->
                            b.dbClusterParameterGroupName(
                                    ctx.targets().parameterGroup(store, region))
                                .parameters(
                                    Parameter.builder()
                                        .parameterName(StoreCalls.Rds.READ_ONLY)
                                        .parameterValue(on ? "on" : "off")
                                        .applyMethod(ApplyMethod.IMMEDIATE)
                                        .build())));
  }

  @Override
  public StoreObservation observe() {
    Instant now = ctx.clock().instant();
    try {
      Optional<DBCluster> c = cluster(region);
      if (c.isEmpty() || !"available".equals(c.get().status())) {
        return StoreObservation.unreachable(
            id() + ": cluster " + c.map(DBCluster::status).orElse("not found"), now);
      }
      if (writer()) {
        StoreRole role = readOnly() ? StoreRole.FENCED : StoreRole.PRIMARY;
        return new StoreObservation(true, role, null, null, null, "global writer", now);
      }
      return Lag.read(ctx.clients(), ctx.runner(), calls.lag(region), now)
          .map(
              l ->
                  new StoreObservation(
                      true,
                      StoreRole.REPLICA,
                      null,
                      l.seconds(),
                      null,
                      "secondary, lag " + l.seconds() + " s, " + l.age(now).toSeconds() + " s old",
                      now,
                      true,
                      l.measuredAt()))
          .orElseGet(
              () ->
                  new StoreObservation(
                      true, StoreRole.REPLICA, null, null, null, "secondary", now));
    } catch (SdkException | IllegalStateException e) {
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
    Optional<DBCluster> c = cluster(region);
    if (c.isEmpty()) {
      return new StoreResult.Retry(id() + ": no cluster " + ctx.targets().node(store, region));
    }
    String own = ctx.targets().parameterGroup(store, region);
    if (!own.equals(c.get().dbClusterParameterGroup())) {
      return new StoreResult.Fatal(
          id()
              + ": cluster uses parameter group "
              + c.get().dbClusterParameterGroup()
              + " (expected: its own, "
              + own
              + ")");
    }
    if (readOnly() == on) {
      return new StoreResult.AlreadyDone(id() + ": read-only " + (on ? "on" : "off") + " already");
    }
    setReadOnly(on);
    return new StoreResult.Applied(id() + ": read-only " + (on ? "on" : "off") + " in " + own);
  }

  @Override
  public StoreResult promote() {
    return guarded(Action.PROMOTE, this::promoteOnce);
  }

  private StoreResult promoteOnce() {
    boolean was = writer();
    String how = "the writer already";
    if (!was) {
      boolean oldAvailable = cluster(peer).map(c -> "available".equals(c.status())).orElse(false);
      String target = ctx.targets().clusterArn(store, region);
      String global = ctx.targets().global(store);
      if (oldAvailable) {
        ctx.runner()
            .run(
                calls.switchover(region),
                () ->
                    ctx.clients()
                        .rds(region)
                        .switchoverGlobalCluster(
                            b ->
                                b.globalClusterIdentifier(global)
                                    .targetDbClusterIdentifier(target)));
        how = "switched over";
      } else {
        ctx.runner()
            .run(
                calls.failover(region),
                () ->
                    ctx.clients()
                        .rds(region)
                        .failoverGlobalCluster(
                            b ->
                                b.globalClusterIdentifier(global)
                                    .targetDbClusterIdentifier(target)
                                    .allowDataLoss(true)));
        how = "failed over (data loss allowed)";
      }
      if (!ctx.await(this::writer)) {
        return new StoreResult.Retry(
            id() + ": " + how + ", not the writer yet after " + ctx.waitDeadline());
      }
    }
    boolean fenced = readOnly();
    if (fenced) {
      setReadOnly(false);
    }
    String detail = id() + ": " + how + (fenced ? ", unfenced" : "");
    return was && !fenced ? new StoreResult.AlreadyDone(detail) : new StoreResult.Applied(detail);
  }

  @Override
  public StoreResult rejoin(Endpoint newPrimary) {
    return guarded(
        Action.REJOIN,
        () ->
            member().map(m -> !Boolean.TRUE.equals(m.isWriter())).orElse(false)
                ? new StoreResult.AlreadyDone(id() + ": a secondary of the global cluster")
                : new StoreResult.Retry(
                    id() + ": not a secondary yet (Aurora adds it back when it answers)"));
  }

  @Override
  public StoreResult recordTerm(long term) {
    StoreAdapter d = data;
    return d == null
        ? new StoreResult.Fatal(id() + ": no data-plane adapter: the writer term is SQL")
        : d.recordTerm(term);
  }

  @Override
  public StoreResult verifyWrite() {
    StoreAdapter d = data;
    return d == null ? new StoreResult.Fatal(id() + ": no data-plane adapter") : d.verifyWrite();
  }

  private StoreResult guarded(Action action, Supplier<StoreResult> op) {
    try {
      return op.get();
    } catch (SdkException | IllegalStateException e) {
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
