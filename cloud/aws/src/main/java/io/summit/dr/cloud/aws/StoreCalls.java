package io.summit.dr.cloud.aws;

import io.summit.dr.orchestrator.plan.Action;
import io.summit.dr.orchestrator.plan.PlanKind;
import java.util.ArrayList;
import java.util.List;

/**
 * The AWS calls each store step makes, per AWS service holding the store. The adapters ({@link
 * RdsInstance}, {@link AuroraGlobal}, {@link GlobalDatastore}, {@link AccessPointRoutes}) build
 * their requests from these same calls, so the dry run, the IAM policies and a run agree.
 */
sealed interface StoreCalls {
  /**
   * The calls of {@code action} on this store in {@code region}; {@code peer}: the other region.
   */
  List<AwsCall> of(Action action, PlanKind kind, String region, String peer);

  /** What the step does on AWS. */
  String note(Action action, PlanKind kind);

  static StoreCalls of(AwsTargets t, String store) {
    return switch (t.kind(store)) {
      case POSTGRES -> t.isAurora(store) ? new Aurora(t, store) : new Rds(t, store);
      case REDIS -> new Redis(t, store);
      case OBJECTS -> new Objects(t, store);
      case NEO4J -> new NotAws(store);
    };
  }

  /** An RDS for PostgreSQL instance with a cross-region read replica. */
  record Rds(AwsTargets t, String store) implements StoreCalls {
    static final String READ_ONLY = "default_transaction_read_only";

    AwsCall describe(String region) {
      return AwsCall.read(
              "rds", "DescribeDBInstances", region, "DBInstanceIdentifier", t.node(store, region))
          .on(t.instanceArn(store, region));
    }

    /** The instance renamed aside by an earlier rejoin ({@code <node>-old}), if any. */
    AwsCall describeAside(String region) {
      return AwsCall.read(
              "rds", "DescribeDBInstances", region, "DBInstanceIdentifier", aside(region))
          .on(t.arn("rds", region, "db:" + aside(region)));
    }

    String aside(String region) {
      return t.node(store, region) + "-old";
    }

    AwsCall parameters(String region) {
      return AwsCall.read(
              "rds",
              "DescribeDBParameters",
              region,
              "DBParameterGroupName",
              t.parameterGroup(store, region),
              "Source",
              "user")
          .on(t.parameterGroupArn(store, region));
    }

    AwsCall readOnly(String region, boolean on) {
      return AwsCall.write(
              "rds",
              "ModifyDBParameterGroup",
              region,
              "DBParameterGroupName",
              t.parameterGroup(store, region),
              "Parameters.Parameter.1.ParameterName",
              READ_ONLY,
              "Parameters.Parameter.1.ParameterValue",
              on ? "on" : "off",
              "Parameters.Parameter.1.ApplyMethod",
              "immediate")
          .on(t.parameterGroupArn(store, region));
    }

    AwsCall promote(String region) {
      return AwsCall.write(
              "rds", "PromoteReadReplica", region, "DBInstanceIdentifier", t.node(store, region))
          .on(t.instanceArn(store, region));
    }

    AwsCall renameAside(String region) {
      return AwsCall.write(
              "rds",
              "ModifyDBInstance",
              region,
              "DBInstanceIdentifier",
              t.node(store, region),
              "NewDBInstanceIdentifier",
              aside(region),
              "ApplyImmediately",
              "true")
          // the instance, and the name it takes
          .on(t.instanceArn(store, region), t.arn("rds", region, "db:" + aside(region)));
    }

    AwsCall createReplica(String region, String source) {
      return AwsCall.write(
              "rds",
              "CreateDBInstanceReadReplica",
              region,
              "DBInstanceIdentifier",
              t.node(store, region),
              "SourceDBInstanceIdentifier",
              t.instanceArn(store, source),
              "SourceRegion",
              source,
              "DBParameterGroupName",
              t.parameterGroup(store, region))
          // the new replica, its source (cross-region: RDS asks the source region with the
          // caller's permissions) and its parameter group
          .on(
              t.instanceArn(store, region),
              t.instanceArn(store, source),
              t.parameterGroupArn(store, region));
    }

    AwsCall lag(String region) {
      return Lag.call(
          region, "AWS/RDS", "ReplicaLag", "DBInstanceIdentifier", t.node(store, region));
    }

    @Override
    public List<AwsCall> of(Action action, PlanKind kind, String region, String peer) {
      return switch (action) {
        case FENCE -> List.of(describe(region), parameters(region), readOnly(region, true));
        case UNFENCE -> List.of(describe(region), parameters(region), readOnly(region, false));
        case CHECK_RPO, CATCH_UP -> List.of(describe(region), lag(region));
        case PROMOTE ->
            List.of(
                describe(region),
                promote(region),
                describe(region),
                parameters(region),
                readOnly(region, false));
        case REJOIN ->
            List.of(
                describe(region),
                describeAside(region),
                renameAside(region),
                createReplica(region, peer));
        default -> List.of();
      };
    }

    @Override
    public String note(Action action, PlanKind kind) {
      return switch (action) {
        case FENCE ->
            "fence: the instance's own parameter group gets default_transaction_read_only=on"
                + " (dynamic, applies to the next transaction); reads keep working";
        case UNFENCE -> "unfence: default_transaction_read_only=off in its parameter group";
        case CHECK_RPO, CATCH_UP ->
            "lag: the replica's ReplicaLag (seconds) and the age of its newest datapoint";
        case PROMOTE ->
            "promote the cross-region read replica, wait (describe, step deadline) until it is"
                + " available with no source, make sure its parameter group is writable, then"
                + " record the writer term in the database (SQL, not an AWS call)";
        case REJOIN ->
            "an RDS primary cannot become a replica again: the old one is renamed aside (kept,"
                + " not deleted) and a new cross-region read replica of the new primary takes"
                + " its name";
        default -> "";
      };
    }
  }

  /** An Aurora PostgreSQL Global Database. */
  record Aurora(AwsTargets t, String store) implements StoreCalls {
    AwsCall global(String region) {
      return AwsCall.read(
              "rds", "DescribeGlobalClusters", region, "GlobalClusterIdentifier", t.global(store))
          .on(t.globalClusterArn(store));
    }

    AwsCall describe(String region) {
      return AwsCall.read(
              "rds", "DescribeDBClusters", region, "DBClusterIdentifier", t.node(store, region))
          .on(t.clusterArn(store, region));
    }

    AwsCall parameters(String region) {
      return AwsCall.read(
              "rds",
              "DescribeDBClusterParameters",
              region,
              "DBClusterParameterGroupName",
              t.parameterGroup(store, region),
              "Source",
              "user")
          .on(t.clusterParameterGroupArn(store, region));
    }

    AwsCall readOnly(String region, boolean on) {
      return AwsCall.write(
              "rds",
              "ModifyDBClusterParameterGroup",
              region,
              "DBClusterParameterGroupName",
              t.parameterGroup(store, region),
              "Parameters.Parameter.1.ParameterName",
              Rds.READ_ONLY,
              "Parameters.Parameter.1.ParameterValue",
              on ? "on" : "off",
              "Parameters.Parameter.1.ApplyMethod",
              "immediate")
          .on(t.clusterParameterGroupArn(store, region));
    }

    AwsCall switchover(String region) {
      return AwsCall.write(
              "rds",
              "SwitchoverGlobalCluster",
              region,
              "GlobalClusterIdentifier",
              t.global(store),
              "TargetDbClusterIdentifier",
              t.clusterArn(store, region))
          .on(t.globalClusterArn(store), t.clusterArn(store, region));
    }

    AwsCall failover(String region) {
      return AwsCall.write(
              "rds",
              "FailoverGlobalCluster",
              region,
              "GlobalClusterIdentifier",
              t.global(store),
              "TargetDbClusterIdentifier",
              t.clusterArn(store, region),
              "AllowDataLoss",
              "true")
          .on(t.globalClusterArn(store), t.clusterArn(store, region));
    }

    AwsCall lag(String region) {
      return Lag.call(
          region,
          "AWS/RDS",
          "AuroraGlobalDBReplicationLag",
          "DBClusterIdentifier",
          t.node(store, region));
    }

    @Override
    public List<AwsCall> of(Action action, PlanKind kind, String region, String peer) {
      return switch (action) {
        case FENCE -> List.of(describe(region), parameters(region), readOnly(region, true));
        case UNFENCE -> List.of(describe(region), parameters(region), readOnly(region, false));
        case CHECK_RPO, CATCH_UP -> List.of(describe(region), lag(region));
        case PROMOTE -> {
          List<AwsCall> out = new ArrayList<>(List.of(global(region), describe(peer)));
          out.add(kind == PlanKind.FAILOVER ? failover(region) : switchover(region));
          out.addAll(List.of(global(region), parameters(region), readOnly(region, false)));
          yield out;
        }
        case REJOIN -> List.of(global(region));
        default -> List.of();
      };
    }

    @Override
    public String note(Action action, PlanKind kind) {
      return switch (action) {
        case FENCE ->
            "fence: default_transaction_read_only=on in the writer cluster's own cluster"
                + " parameter group";
        case UNFENCE -> "unfence: default_transaction_read_only=off in its cluster parameter group";
        case CHECK_RPO, CATCH_UP -> "lag: AuroraGlobalDBReplicationLag (ms) and its age";
        case PROMOTE ->
            kind == PlanKind.FAILOVER
                ? "FailoverGlobalCluster with AllowDataLoss (a switchover instead when the old"
                    + " writer cluster is observed available), wait until the target is the"
                    + " writer, parameter group writable"
                : "SwitchoverGlobalCluster (no data loss), wait until the target is the writer";
        case REJOIN ->
            "Aurora rejoins the old writer as a secondary itself; the step observes that it has";
        default -> "";
      };
    }
  }

  /** An ElastiCache (Redis OSS / Valkey) Global Datastore with RBAC users. */
  record Redis(AwsTargets t, String store) implements StoreCalls {
    static final String READ_ONLY = AwsTargets.REDIS_READ_ONLY;

    static final String READ_WRITE = AwsTargets.REDIS_READ_WRITE;

    String user(String region) {
      return t.redisUser(store, region);
    }

    /**
     * Every Global Datastore, found by its suffix: its id starts with a prefix AWS picks, so the
     * call names none and is authorised against no single resource.
     */
    AwsCall describe(String region) {
      return AwsCall.read(
              "elasticache", "DescribeGlobalReplicationGroups", region, "ShowMemberInfo", "true")
          .on(AwsCall.ANY_RESOURCE);
    }

    AwsCall describeUser(String region) {
      return AwsCall.read("elasticache", "DescribeUsers", region, "UserId", user(region))
          .on(t.redisUserArn(store, region));
    }

    AwsCall access(String region, boolean readOnly) {
      return AwsCall.write(
              "elasticache",
              "ModifyUser",
              region,
              "UserId",
              user(region),
              "AccessString",
              readOnly ? READ_ONLY : READ_WRITE)
          .on(t.redisUserArn(store, region));
    }

    AwsCall failover(String region) {
      return AwsCall.write(
              "elasticache",
              "FailoverGlobalReplicationGroup",
              region,
              "GlobalReplicationGroupId",
              "<id ending -" + t.global(store) + ">",
              "PrimaryRegion",
              region,
              "PrimaryReplicationGroupId",
              t.node(store, region))
          .on(t.globalReplicationGroupArn(store));
    }

    AwsCall disassociate(String region) {
      return AwsCall.write(
              "elasticache",
              "DisassociateGlobalReplicationGroup",
              region,
              "GlobalReplicationGroupId",
              "<id ending -" + t.global(store) + ">",
              "ReplicationGroupId",
              t.node(store, region),
              "ReplicationGroupRegion",
              region)
          .on(t.globalReplicationGroupArn(store));
    }

    AwsCall lag(String region) {
      return Lag.call(
          region,
          "AWS/ElastiCache",
          "GlobalDatastoreReplicationLag",
          "CacheClusterId",
          t.node(store, region) + "-001");
    }

    @Override
    public List<AwsCall> of(Action action, PlanKind kind, String region, String peer) {
      return switch (action) {
        case FENCE -> List.of(describe(region), describeUser(region), access(region, true));
        case UNFENCE -> List.of(describe(region), describeUser(region), access(region, false));
        case REJOIN -> List.of(describe(region));
        case CHECK_RPO, CATCH_UP -> List.of(describe(region), lag(region));
        case PROMOTE -> {
          List<AwsCall> out = new ArrayList<>(List.of(describe(region), failover(region)));
          if (kind == PlanKind.FAILOVER) {
            out.add(disassociate(region));
          }
          out.addAll(List.of(describe(region), describeUser(region), access(region, false)));
          yield out;
        }
        default -> List.of();
      };
    }

    @Override
    public String note(Action action, PlanKind kind) {
      return switch (action) {
        case FENCE ->
            "fence: the application's RBAC user of this region's replication group gets a"
                + " read-only access string ("
                + READ_ONLY
                + "); reads keep working";
        case UNFENCE -> "unfence: the application user's access string back to " + READ_WRITE;
        case CHECK_RPO, CATCH_UP -> "lag: GlobalDatastoreReplicationLag (seconds) and its age";
        case PROMOTE ->
            (kind == PlanKind.FAILOVER
                    ? "FailoverGlobalReplicationGroup; DisassociateGlobalReplicationGroup (the"
                        + " secondary becomes a standalone primary) only when the failover is"
                        + " refused or the primary region does not answer"
                    : "FailoverGlobalReplicationGroup: the old primary becomes a secondary")
                + "; waits until this region is the primary; its application user writable";
        case REJOIN ->
            "observes that the old primary is a secondary member again (after a failover it is;"
                + " after a disassociation it must be added back by hand)";
        default -> "";
      };
    }
  }

  /** An S3 Multi-Region Access Point over one bucket per region. */
  record Objects(AwsTargets t, String store) implements StoreCalls {
    /** The regions that serve the routing-control APIs of Multi-Region Access Points. */
    static final List<String> ROUTE_REGIONS =
        List.of("us-east-1", "us-west-2", "ap-southeast-2", "ap-northeast-1", "eu-west-1");

    static String routeRegion(String preferred) {
      return ROUTE_REGIONS.contains(preferred) ? preferred : ROUTE_REGIONS.get(0);
    }

    String mrapArn() {
      return "arn:aws:s3::" + t.account() + ":accesspoint/" + t.global(store);
    }

    AwsCall routes(String region) {
      return AwsCall.read(
              "s3",
              "GetMultiRegionAccessPointRoutes",
              routeRegion(region),
              "AccountId",
              t.account(),
              "Mrap",
              mrapArn())
          .on(mrapArn());
    }

    AwsCall dial(String region, String on, String off) {
      return AwsCall.write(
              "s3",
              "SubmitMultiRegionAccessPointRoutes",
              routeRegion(region),
              "AccountId",
              t.account(),
              "Mrap",
              mrapArn(),
              "RouteUpdates.1.Bucket",
              t.bucket(store, on),
              "RouteUpdates.1.TrafficDialPercentage",
              "100",
              "RouteUpdates.2.Bucket",
              t.bucket(store, off),
              "RouteUpdates.2.TrafficDialPercentage",
              "0")
          .on(mrapArn());
    }

    AwsCall lag(String region, String source) {
      return Lag.call(
          region,
          "AWS/S3",
          "ReplicationLatency",
          "SourceBucket",
          t.bucket(store, source),
          "DestinationBucket",
          t.bucket(store, region),
          "RuleId",
          "replicate-" + store);
    }

    @Override
    public List<AwsCall> of(Action action, PlanKind kind, String region, String peer) {
      return switch (action) {
        case FENCE -> List.of(routes(region), dial(region, peer, region));
        case UNFENCE -> List.of(routes(region), dial(region, region, peer));
        case PROMOTE -> List.of(routes(region), dial(region, region, peer));
        case CHECK_RPO, CATCH_UP -> List.of(lag(region, peer));
        case REJOIN -> List.of(routes(region));
        default -> List.of();
      };
    }

    @Override
    public String note(Action action, PlanKind kind) {
      return switch (action) {
        case FENCE ->
            "the access point's traffic dial of the old region's bucket goes to 0% (its requests"
                + " go to the other bucket; reads keep working)";
        case UNFENCE, PROMOTE -> "traffic dial 100% to this region's bucket, 0% to the other's";
        case CHECK_RPO, CATCH_UP ->
            "lag: ReplicationLatency of the replication rule (seconds) and its age";
        case REJOIN ->
            "observes the routes; objects written meanwhile replicate back only if a reverse"
                + " replication rule exists (the CDK app deploys one direction)";
        default -> "";
      };
    }
  }

  /** A store with no AWS-managed service (Neo4j runs on the EKS cluster). */
  record NotAws(String store) implements StoreCalls {
    @Override
    public List<AwsCall> of(Action action, PlanKind kind, String region, String peer) {
      return List.of();
    }

    @Override
    public String note(Action action, PlanKind kind) {
      return "no AWS call: "
          + store
          + " has no AWS-managed service; its own adapter acts through the store's protocol";
    }
  }
}
