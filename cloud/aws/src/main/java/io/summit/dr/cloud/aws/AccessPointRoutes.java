package io.summit.dr.cloud.aws;

import io.summit.dr.orchestrator.plan.Action;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreAdapter;
import io.summit.dr.replication.StoreObservation;
import io.summit.dr.replication.StoreResult;
import io.summit.dr.replication.StoreRole;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3control.model.MultiRegionAccessPointRoute;

/**
 * One region's bucket behind an S3 Multi-Region Access Point: the bucket whose traffic dial is 100%
 * is the writer. Fencing dials this bucket to 0% and the other to 100%; promotion the reverse
 * ({@code SubmitMultiRegionAccessPointRoutes}, one request for both buckets, sent to a region that
 * serves the routing API). Objects carry no writer term; there is nothing to rejoin (replication
 * rules are the CDK app's).
 */
final class AccessPointRoutes implements StoreAdapter {
  private final AwsContext ctx;
  private final StoreCalls.Objects calls;
  private final String store;
  private final String region;
  private final String peer;

  AccessPointRoutes(AwsContext ctx, String store, String region, String peer) {
    this.ctx = ctx;
    this.calls = new StoreCalls.Objects(ctx.targets(), store);
    this.store = store;
    this.region = region;
    this.peer = peer;
  }

  @Override
  public String id() {
    return store + "@" + region;
  }

  private List<MultiRegionAccessPointRoute> routes() {
    AwsCall call = calls.routes(region);
    return ctx.runner()
        .run(
            call,
            () ->
                ctx.clients()
                    .s3Control(call.region())
                    .getMultiRegionAccessPointRoutes(
                        b -> b.accountId(ctx.targets().account()).mrap(calls.mrapArn())))
        .routes();
  }

  private int dial(List<MultiRegionAccessPointRoute> routes, String r) {
    String bucket = ctx.targets().bucket(store, r);
    return routes.stream()
        .filter(x -> bucket.equals(x.bucket()))
        .map(MultiRegionAccessPointRoute::trafficDialPercentage)
        .filter(Objects::nonNull)
        .findFirst()
        .orElse(-1);
  }

  private void submit(String on, String off) {
    AwsCall call = calls.dial(region, on, off);
    ctx.runner()
        .run(
            call,
            () ->
                ctx.clients()
                    .s3Control(call.region())
                    .submitMultiRegionAccessPointRoutes(
                        b ->
                            b.accountId(ctx.targets().account())
                                .mrap(calls.mrapArn())
                                .routeUpdates(route(on, 100), route(off, 0))));
  }

  private MultiRegionAccessPointRoute route(String r, int percent) {
    return MultiRegionAccessPointRoute.builder()
        .bucket(ctx.targets().bucket(store, r))
        .region(r)
        .trafficDialPercentage(percent)
        .build();
  }

  @Override
  public StoreObservation observe() {
    Instant now = ctx.clock().instant();
    try {
      int d = dial(routes(), region);
      if (d < 0) {
        return StoreObservation.unreachable(id() + ": bucket not behind the access point", now);
      }
      StoreRole role = d == 100 ? StoreRole.PRIMARY : StoreRole.REPLICA;
      String detail = "traffic dial " + d + "%";
      if (role == StoreRole.PRIMARY) {
        return new StoreObservation(true, role, null, null, null, detail, now);
      }
      return Lag.read(ctx.clients(), ctx.runner(), calls.lag(region, peer), now)
          .map(
              l ->
                  new StoreObservation(
                      true,
                      role,
                      null,
                      l.seconds(),
                      null,
                      detail
                          + ", ReplicationLatency "
                          + l.seconds()
                          + " s, "
                          + l.age(now).toSeconds()
                          + " s old",
                      now,
                      true,
                      l.measuredAt()))
          .orElseGet(() -> new StoreObservation(true, role, null, null, null, detail, now));
    } catch (SdkException e) {
      return StoreObservation.unreachable(id() + ": " + CallRunner.describe(e), now);
    }
  }

  @Override
  public StoreResult fence() {
    return dialTo(Action.FENCE, peer, region);
  }

  @Override
  public StoreResult unfence() {
    return dialTo(Action.UNFENCE, region, peer);
  }

  @Override
  public StoreResult promote() {
    return dialTo(Action.PROMOTE, region, peer);
  }

  private StoreResult dialTo(Action action, String on, String off) {
    return guarded(
        action,
        () -> {
          List<MultiRegionAccessPointRoute> routes = routes();
          if (dial(routes, on) == 100 && dial(routes, off) == 0) {
            return new StoreResult.AlreadyDone(id() + ": " + on + " 100%, " + off + " 0% already");
          }
          submit(on, off);
          return new StoreResult.Applied(id() + ": traffic dial " + on + " 100%, " + off + " 0%");
        });
  }

  @Override
  public StoreResult rejoin(Endpoint newPrimary) {
    return guarded(
        Action.REJOIN,
        () ->
            dial(routes(), region) >= 0
                ? new StoreResult.AlreadyDone(id() + ": behind the access point; nothing to rejoin")
                : new StoreResult.Fatal(id() + ": bucket not behind the access point"));
  }

  @Override
  public StoreResult recordTerm(long term) {
    return new StoreResult.AlreadyDone(id() + ": objects carry no writer term");
  }

  @Override
  public StoreResult verifyWrite() {
    return new StoreResult.Fatal(id() + ": no verify write for objects through the control API");
  }

  private StoreResult guarded(Action action, Supplier<StoreResult> op) {
    try {
      return op.get();
    } catch (SdkException e) {
      return new StoreResult.Retry(id() + ": " + action.wireName() + ": " + CallRunner.describe(e));
    }
  }

  @Override
  public void close() {}
}
