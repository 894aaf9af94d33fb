package io.summit.dr.cloud.aws;

import io.summit.dr.orchestrator.WriteRouter;
import io.summit.dr.replication.StoreResult;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ChangeStatus;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;
import software.amazon.awssdk.services.route53.model.ResourceRecordSetFailover;

/**
 * Where writes go on AWS: the failover-routed write record the CDK app deploys ({@code
 * write.<zone>}, one CNAME per region, set identifier = region), or Route 53 ARC routing controls
 * when {@link AwsTargets#arc()} is set. Routing writes to a region makes its record PRIMARY and the
 * others SECONDARY in one change batch and waits, within its deadline, until Route 53 reports the
 * change {@code INSYNC}; with ARC it turns the region's control On and the others Off. Stopping
 * writes changes nothing with records (DNS cannot refuse a write: writes stop at the fence step)
 * and turns the region's control Off with ARC. Both observe first: a repeated call changes nothing.
 * The orchestrator's plans act through it as their {@link WriteRouter} (the lab's is its edge
 * router). Thread-safe.
 */
public final class WriteRouting implements WriteRouter {
  private final AwsTargets t;
  private final AwsClients clients;
  private final CallRunner runner;
  private final Duration syncDeadline;
  private final ArcCluster arc;

  public WriteRouting(AwsTargets t, AwsClients clients, CallRunner runner, Duration syncDeadline) {
    this.t = t;
    this.clients = clients;
    this.runner = runner;
    this.syncDeadline = syncDeadline;
    this.arc = new ArcCluster(clients);
  }

  // ---- the calls, for the runbook and for a run

  static List<AwsCall> stopCalls(AwsTargets t, String region) {
    AwsTargets.ArcControls a = t.arc();
    if (a == null) {
      return List.of();
    }
    return List.of(arcGet(t, a, region), arcSet(t, a, region, "Off"));
  }

  static List<AwsCall> routeCalls(AwsTargets t, String region, String peer) {
    AwsTargets.ArcControls a = t.arc();
    if (a != null) {
      return List.of(arcGet(t, a, region), arcSet(t, a, region, "On"), arcSet(t, a, peer, "Off"));
    }
    List<AwsCall> out = new ArrayList<>();
    if (t.hostedZoneId() == null) {
      out.add(findZone(t));
    }
    out.add(listRecords(t));
    out.add(change(t, region, peer));
    out.add(getChange("<ChangeInfo.Id of the change>"));
    return out;
  }

  static String stopNote(AwsTargets t) {
    return t.arc() == null
        ? "no AWS call: DNS cannot refuse a write (resolvers cache the record): writes stop at the"
            + " fence step"
        : "the old region's ARC routing control goes Off";
  }

  static String routeNote(AwsTargets t) {
    return t.arc() == null
        ? "the write record "
            + t.writeRecord()
            + ": this region's failover record becomes PRIMARY, the other SECONDARY, one change"
            + " batch; waits until INSYNC"
        : "this region's ARC routing control On, the other's Off";
  }

  /** The change's id is known only once it is made: the call is authorised on any change. */
  private static AwsCall getChange(String id) {
    return AwsCall.read("route53", "GetChange", "global", "Id", id)
        .on("arn:aws:route53:::change/*");
  }

  /** ListHostedZonesByName has no resource type: no policy can scope it. */
  private static AwsCall findZone(AwsTargets t) {
    return AwsCall.read(
            "route53", "ListHostedZonesByName", "global", "DNSName", t.zoneName(), "MaxItems", "1")
        .on(AwsCall.ANY_RESOURCE);
  }

  private static String zoneOrPlaceholder(AwsTargets t) {
    String id = t.hostedZoneId();
    return id == null ? "<Id of " + t.zoneName() + ">" : id;
  }

  private static AwsCall listRecords(AwsTargets t) {
    return AwsCall.read(
            "route53",
            "ListResourceRecordSets",
            "global",
            "HostedZoneId",
            zoneOrPlaceholder(t),
            "StartRecordName",
            t.writeRecord(),
            "StartRecordType",
            "CNAME")
        .on(t.hostedZoneArn());
  }

  private static AwsCall change(AwsTargets t, String primary, String secondary) {
    return AwsCall.write(
            "route53",
            "ChangeResourceRecordSets",
            "global",
            "HostedZoneId",
            zoneOrPlaceholder(t),
            "Changes.1",
            "UPSERT " + t.writeRecord() + " CNAME SetIdentifier=" + primary + " Failover=PRIMARY",
            "Changes.2",
            "UPSERT "
                + t.writeRecord()
                + " CNAME SetIdentifier="
                + secondary
                + " Failover=SECONDARY")
        .on(t.hostedZoneArn());
  }

  private static AwsCall arcGet(AwsTargets t, AwsTargets.ArcControls a, String region) {
    return AwsCall.read(
            ArcCluster.SERVICE,
            "GetRoutingControlState",
            arcRegion(a),
            "RoutingControlArn",
            control(a, region))
        .on(control(a, region));
  }

  private static AwsCall arcSet(
      AwsTargets t, AwsTargets.ArcControls a, String region, String state) {
    return AwsCall.write(
            ArcCluster.SERVICE,
            "UpdateRoutingControlState",
            arcRegion(a),
            "RoutingControlArn",
            control(a, region),
            "RoutingControlState",
            state)
        .on(control(a, region));
  }

  private static String arcRegion(AwsTargets.ArcControls a) {
    return a.endpoints().keySet().stream().sorted().findFirst().orElseThrow();
  }

  private static String control(AwsTargets.ArcControls a, String region) {
    String arn = a.controls().get(region);
    if (arn == null) {
      throw new IllegalArgumentException(
          "arc.controls: no routing control for '" + region + "' (expected: one per region)");
    }
    return arn;
  }

  // ---- a run

  /**
   * The region writes go to now: the PRIMARY record's, or the only region whose control is On.
   *
   * @throws IOException naming the AWS error when Route 53 or ARC cannot be asked
   */
  @Override
  public Optional<String> writer() throws IOException {
    try {
      return observedWriter();
    } catch (SdkException e) {
      throw new IOException("write routing: " + CallRunner.describe(e), e);
    }
  }

  private Optional<String> observedWriter() {
    AwsTargets.ArcControls a = t.arc();
    if (a != null) {
      List<String> on =
          a.controls().keySet().stream().sorted().filter(r -> "On".equals(arcState(a, r))).toList();
      return on.size() == 1 ? Optional.of(on.get(0)) : Optional.empty();
    }
    return records(zone()).stream()
        .filter(r -> r.failover() == ResourceRecordSetFailover.PRIMARY)
        .map(ResourceRecordSet::setIdentifier)
        .findFirst();
  }

  /** Stops writes to {@code region}: the ARC control Off; nothing with records (see above). */
  @Override
  public StoreResult stopWrites(String region) {
    AwsTargets.ArcControls a = t.arc();
    if (a == null) {
      return new StoreResult.AlreadyDone("route53: " + stopNote(t));
    }
    try {
      if ("Off".equals(arcState(a, region))) {
        return new StoreResult.AlreadyDone("arc: " + region + " Off already");
      }
      arcUpdate(a, region, "Off");
      return new StoreResult.Applied("arc: " + region + " On -> Off");
    } catch (SdkException e) {
      return new StoreResult.Retry("arc: " + region + ": " + CallRunner.describe(e));
    }
  }

  /** Routes writes to {@code region}. */
  @Override
  public StoreResult routeWrites(String region) {
    try {
      AwsTargets.ArcControls a = t.arc();
      return a != null ? routeArc(a, region) : routeRecords(region);
    } catch (SdkException e) {
      return new StoreResult.Retry("route53: writes to " + region + ": " + CallRunner.describe(e));
    }
  }

  private StoreResult routeArc(AwsTargets.ArcControls a, String region) {
    boolean on = "On".equals(arcState(a, region));
    List<String> others =
        a.controls().keySet().stream().sorted().filter(r -> !r.equals(region)).toList();
    if (!on) {
      arcUpdate(a, region, "On");
    }
    int turnedOff = 0;
    for (String other : others) {
      // Off without looking first: an Off control stays Off, and a look costs a call too
      arcUpdate(a, other, "Off");
      turnedOff++;
    }
    return on && turnedOff == 0
        ? new StoreResult.AlreadyDone("arc: " + region + " On already")
        : new StoreResult.Applied("arc: " + region + " On, " + String.join(", ", others) + " Off");
  }

  private StoreResult routeRecords(String region) {
    String zone = zone();
    List<ResourceRecordSet> records = records(zone);
    Optional<ResourceRecordSet> mine =
        records.stream().filter(r -> region.equals(r.setIdentifier())).findFirst();
    if (mine.isEmpty()) {
      return new StoreResult.Fatal(
          "route53: no failover record " + t.writeRecord() + " with SetIdentifier " + region);
    }
    if (mine.get().failover() == ResourceRecordSetFailover.PRIMARY) {
      return new StoreResult.AlreadyDone("route53: " + t.writeRecord() + " PRIMARY is " + region);
    }
    List<Change> changes = new ArrayList<>();
    changes.add(upsert(mine.get(), ResourceRecordSetFailover.PRIMARY));
    String other = "";
    for (ResourceRecordSet r : records) {
      if (!region.equals(r.setIdentifier()) && r.failover() == ResourceRecordSetFailover.PRIMARY) {
        changes.add(upsert(r, ResourceRecordSetFailover.SECONDARY));
        other = Objects.requireNonNullElse(r.setIdentifier(), "");
      }
    }
    AwsCall call = change(t.withHostedZoneId(zone), region, other);
    String changeId =
        runner
            .run(
                call,
                () ->
                    clients
                        .route53()
                        .changeResourceRecordSets(
                            b ->
                                b.hostedZoneId(zone)
                                    .changeBatch(
                                        c ->
                                            c.comment("summit-dr: writes to " + region)
                                                .changes(changes))))
            .changeInfo()
            .id();
    return awaitSync(changeId, region);
  }

  private StoreResult awaitSync(String changeId, String region) {
    long until = System.nanoTime() + syncDeadline.toNanos();
    AwsCall get = getChange(changeId);
    while (true) {
      ChangeStatus s =
          runner
              .run(get, () -> clients.route53().getChange(b -> b.id(changeId)))
              .changeInfo()
              .status();
      if (s == ChangeStatus.INSYNC) {
        return new StoreResult.Applied(
            "route53: "
                + t.writeRecord()
                + " PRIMARY -> "
                + region
                + ", change "
                + changeId
                + " INSYNC");
      }
      if (System.nanoTime() > until) {
        return new StoreResult.Retry(
            "route53: change "
                + changeId
                + " still "
                + s
                + " after "
                + syncDeadline.toSeconds()
                + " s");
      }
      LockSupport.parkNanos(Duration.ofSeconds(2).toNanos());
    }
  }

  private static Change upsert(ResourceRecordSet r, ResourceRecordSetFailover role) {
    return Change.builder()
        .action(ChangeAction.UPSERT)
        .resourceRecordSet(r.toBuilder().failover(role).build())
        .build();
  }

  private String zone() {
    String id = t.hostedZoneId();
    if (id != null) {
      return id;
    }
    String name = t.zoneName().endsWith(".") ? t.zoneName() : t.zoneName() + ".";
    return runner
        .run(
            findZone(t),
            () ->
                clients.route53().listHostedZonesByName(b -> b.dnsName(t.zoneName()).maxItems("1")))
        .hostedZones()
        .stream()
        .filter(z -> z.name().equals(name))
        .map(z -> z.id().replace("/hostedzone/", ""))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "route53: no hosted zone named " + name + " in account " + t.account()));
  }

  private List<ResourceRecordSet> records(String zone) {
    String name = t.writeRecord() + ".";
    return runner
        .run(
            listRecords(t.withHostedZoneId(zone)),
            () ->
                clients
                    .route53()
                    .listResourceRecordSets(
                        b ->
                            b.hostedZoneId(zone)
                                .startRecordName(t.writeRecord())
                                .startRecordType(RRType.CNAME)))
        .resourceRecordSets()
        .stream()
        .filter(r -> r.name().equals(name) && r.type() == RRType.CNAME && r.failover() != null)
        .toList();
  }

  private String arcState(AwsTargets.ArcControls a, String region) {
    return runner.run(
        arcGet(t, a, region), () -> arc.state(arcEndpoint(a), arcRegion(a), control(a, region)));
  }

  private void arcUpdate(AwsTargets.ArcControls a, String region, String state) {
    runner.run(
        arcSet(t, a, region, state),
        () -> {
          arc.update(arcEndpoint(a), arcRegion(a), control(a, region), state);
          return state;
        });
  }

  private URI arcEndpoint(AwsTargets.ArcControls a) {
    String region = arcRegion(a);
    URI over = clients.endpoint(region);
    return over != null ? over : URI.create(Objects.requireNonNull(a.endpoints().get(region)));
  }
}
