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
import software.amazon.awssdk.services.elasticache.model.GlobalReplicationGroup;
import software.amazon.awssdk.services.elasticache.model.GlobalReplicationGroupMember;
import software.amazon.awssdk.services.elasticache.model.User;

/**
 * One region's replication group of an ElastiCache Global Datastore. The Global Datastore's id is
 * AWS's prefix plus the suffix the CDK app gives it ({@code <name>-<store>}), so it is found by
 * describing. Fenced means the application's RBAC user of this replication group has a read-only
 * access string ({@code ModifyUser}): ElastiCache has no API that makes a primary read-only, and
 * restricts {@code CONFIG}, so the user is the fence; reads keep working. Promotion is {@code
 * FailoverGlobalReplicationGroup}, and {@code DisassociateGlobalReplicationGroup} when the failover
 * is refused or the primary region does not answer (the plan reaches promotion only after the old
 * primary was fenced or its lease expired). The writer term and the verify write go to the
 * data-plane adapter when one is given.
 */
final class GlobalDatastore implements StoreAdapter {
  private final AwsContext ctx;
  private final StoreCalls.Redis calls;
  private final String store;
  private final String region;
  private final @Nullable StoreAdapter data;

  GlobalDatastore(AwsContext ctx, String store, String region, @Nullable StoreAdapter data) {
    this.ctx = ctx;
    this.calls = new StoreCalls.Redis(ctx.targets(), store);
    this.store = store;
    this.region = region;
    this.data = data;
  }

  @Override
  public String id() {
    return store + "@" + region;
  }

  private String node() {
    return ctx.targets().node(store, region);
  }

  private Optional<GlobalReplicationGroup> group() {
    String suffix = "-" + ctx.targets().global(store);
    return ctx
        .runner()
        .run(
            calls.describe(region),
            () ->
                ctx.clients()
                    .elastiCache(region)
                    .describeGlobalReplicationGroups(b -> b.showMemberInfo(true)))
        .globalReplicationGroups()
        .stream()
        .filter(g -> g.globalReplicationGroupId().endsWith(suffix))
        .findFirst();
  }

  private Optional<GlobalReplicationGroupMember> member(GlobalReplicationGroup g) {
    return g.members().stream().filter(m -> node().equals(m.replicationGroupId())).findFirst();
  }

  private boolean primary(GlobalReplicationGroup g) {
    return member(g).map(m -> "PRIMARY".equalsIgnoreCase(m.role())).orElse(false);
  }

  private Optional<User> user() {
    return ctx
        .runner()
        .run(
            calls.describeUser(region),
            () ->
                ctx.clients().elastiCache(region).describeUsers(b -> b.userId(calls.user(region))))
        .users()
        .stream()
        .findFirst();
  }

  @Override
  public StoreObservation observe() {
    Instant now = ctx.clock().instant();
    try {
      Optional<GlobalReplicationGroup> g = group();
      if (g.isEmpty()) {
        return StoreObservation.unreachable(
            id() + ": no Global Datastore " + ctx.targets().global(store), now);
      }
      Optional<GlobalReplicationGroupMember> m = member(g.get());
      if (m.isEmpty()) {
        return new StoreObservation(
            true,
            StoreRole.PRIMARY,
            null,
            null,
            null,
            node() + " not a member (disassociated)",
            now);
      }
      if (primary(g.get())) {
        return new StoreObservation(
            true, StoreRole.PRIMARY, null, null, null, "member PRIMARY", now);
      }
      String detail = "member SECONDARY, " + m.get().status();
      return Lag.read(ctx.clients(), ctx.runner(), calls.lag(region), now)
          .map(
              l ->
                  new StoreObservation(
                      true,
                      StoreRole.REPLICA,
                      null,
                      l.seconds(),
                      null,
                      detail + ", lag " + l.seconds() + " s, " + l.age(now).toSeconds() + " s old",
                      now,
                      "associated".equalsIgnoreCase(m.get().status()),
                      l.measuredAt()))
          .orElseGet(
              () ->
                  new StoreObservation(
                      true,
                      StoreRole.REPLICA,
                      null,
                      null,
                      null,
                      detail + ", no lag datapoint",
                      now));
    } catch (SdkException e) {
      return StoreObservation.unreachable(id() + ": " + CallRunner.describe(e), now);
    }
  }

  @Override
  public StoreResult fence() {
    return guarded(Action.FENCE, () -> access(true));
  }

  @Override
  public StoreResult unfence() {
    return guarded(Action.UNFENCE, () -> access(false));
  }

  private StoreResult access(boolean readOnly) {
    Optional<GlobalReplicationGroup> g = group();
    if (g.isPresent() && member(g.get()).isPresent() && !primary(g.get())) {
      return readOnly
          ? new StoreResult.AlreadyDone(id() + ": a secondary refuses writes already")
          : new StoreResult.Fatal(
              id() + ": a secondary (promotion, not unfencing, makes it writable)");
    }
    return setAccess(readOnly);
  }

  private StoreResult setAccess(boolean readOnly) {
    String wanted = readOnly ? StoreCalls.Redis.READ_ONLY : StoreCalls.Redis.READ_WRITE;
    Optional<User> u = user();
    if (u.isEmpty()) {
      return new StoreResult.Fatal(
          id()
              + ": no ElastiCache user "
              + calls.user(region)
              + " (expected: the application's RBAC user)");
    }
    if (wanted.equals(u.get().accessString())) {
      return new StoreResult.AlreadyDone(
          id() + ": user " + calls.user(region) + " '" + wanted + "' already");
    }
    ctx.runner()
        .run(
            calls.access(region, readOnly),
            () ->
                ctx.clients()
                    .elastiCache(region)
                    .modifyUser(b -> b.userId(calls.user(region)).accessString(wanted)));
    return new StoreResult.Applied(id() + ": user " + calls.user(region) + " '" + wanted + "'");
  }

  @Override
  public StoreResult promote() {
    return guarded(Action.PROMOTE, this::promoteOnce);
  }

  private StoreResult promoteOnce() {
    GlobalReplicationGroup g = group().orElse(null);
    if (g == null) {
      return new StoreResult.Fatal(id() + ": no Global Datastore " + ctx.targets().global(store));
    }
    boolean was = primary(g) || member(g).isEmpty();
    String how = "a primary already";
    if (!was) {
      how = failOver(g.globalReplicationGroupId());
      boolean done =
          ctx.await(() -> group().map(x -> primary(x) || member(x).isEmpty()).orElse(false));
      if (!done) {
        return new StoreResult.Retry(id() + ": " + how + " under way after " + ctx.waitDeadline());
      }
    }
    StoreResult writable = setAccess(false);
    if (!writable.succeeded()) {
      return writable;
    }
    String detail = id() + ": " + how + "; " + writable.detail();
    return !was || writable instanceof StoreResult.Applied
        ? new StoreResult.Applied(detail)
        : new StoreResult.AlreadyDone(detail);
  }

  private String failOver(String globalId) {
    try {
      ctx.runner()
          .run(
              calls.failover(region),
              () ->
                  ctx.clients()
                      .elastiCache(region)
                      .failoverGlobalReplicationGroup(
                          b ->
                              b.globalReplicationGroupId(globalId)
                                  .primaryRegion(region)
                                  .primaryReplicationGroupId(node())));
      return "FailoverGlobalReplicationGroup";
    } catch (SdkException e) {
      ctx.runner()
          .run(
              calls.disassociate(region),
              () ->
                  ctx.clients()
                      .elastiCache(region)
                      .disassociateGlobalReplicationGroup(
                          b ->
                              b.globalReplicationGroupId(globalId)
                                  .replicationGroupId(node())
                                  .replicationGroupRegion(region)));
      return "failover refused (" + CallRunner.describe(e) + "), disassociated";
    }
  }

  @Override
  public StoreResult rejoin(Endpoint newPrimary) {
    return guarded(
        Action.REJOIN,
        () -> {
          Optional<GlobalReplicationGroup> g = group();
          if (g.isPresent() && member(g.get()).isPresent() && !primary(g.get())) {
            return new StoreResult.AlreadyDone(id() + ": a secondary member already");
          }
          return new StoreResult.Fatal(
              id()
                  + ": not a secondary of the Global Datastore (expected: after a disassociation,"
                  + " delete and re-add "
                  + node()
                  + " as a secondary by hand)");
        });
  }

  @Override
  public StoreResult recordTerm(long term) {
    StoreAdapter d = data;
    return d == null
        ? new StoreResult.Fatal(id() + ": no data-plane adapter: the writer term is a Redis key")
        : d.recordTerm(term);
  }

  @Override
  public StoreResult verifyWrite() {
    StoreAdapter d = data;
    return d == null
        ? new StoreResult.Fatal(id() + ": no data-plane adapter to write through")
        : d.verifyWrite();
  }

  private StoreResult guarded(Action action, Supplier<StoreResult> op) {
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
