package io.summit.dr.cloud.aws;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.summit.dr.orchestrator.OrchestratorMain;
import io.summit.dr.orchestrator.Services;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreAdapter;
import io.summit.dr.replication.neo4j.Neo4jAdapter;
import io.summit.dr.replication.postgres.PostgresAdapter;
import io.summit.dr.replication.redis.RedisAdapter;
import io.summit.dr.topology.Store;
import io.summit.dr.topology.StoreKind;
import io.summit.dr.topology.Topology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The orchestrator's and the region agents' environment on AWS, made from a topology and its {@link
 * AwsDeployment}: the stores through the AWS adapters ({@link AwsStores}) with the data-plane
 * adapters on the managed endpoints (the writer term and the verify write are SQL or Redis
 * commands), write routing through Route 53 records ({@link WriteRouting}), and the services
 * through each region's EKS cluster ({@link EksServices}, a kubeconfig context per region, named by
 * the region). Nothing is called until a plan, supervision or detection asks.
 */
public final class AwsEnvironment {
  /** How long one data-plane request may take. */
  static final Duration STORE_TIMEOUT = Duration.ofSeconds(5);

  /** How long a step waits for AWS to reach a state (a promotion): RDS takes minutes. */
  static final Duration WAIT_DEADLINE = Duration.ofMinutes(15);

  static final Duration POLL_INTERVAL = Duration.ofSeconds(10);

  /** How long the route-writes step waits for Route 53 to report the change INSYNC. */
  static final Duration ROUTE53_SYNC = Duration.ofMinutes(2);

  private AwsEnvironment() {}

  /** The AWS context of a deployment: its targets, the clients, the runner and timings. */
  public static AwsContext context(
      AwsDeployment deployment, Topology topology, AwsClients clients) {
    return new AwsContext(
        deployment.targets(topology),
        clients,
        CallRunner.defaults(),
        Clock.systemUTC(),
        WAIT_DEADLINE,
        POLL_INTERVAL);
  }

  /** The stores: the AWS adapters with the deployment's data-plane adapters. */
  public static AwsStores stores(AwsDeployment deployment, AwsContext ctx) {
    Topology topology = ctx.targets().topology();
    return new AwsStores(
        ctx,
        (store, region) -> dataPlane(deployment, topology, store, region),
        (store, region) -> endpoint(deployment, ctx.targets(), store, region));
  }

  /** The whole environment of an orchestrator replica. */
  public static OrchestratorMain.Environment orchestrator(
      AwsDeployment deployment, Topology topology, AwsClients clients) {
    AwsContext ctx = context(deployment, topology, clients);
    return new OrchestratorMain.Environment(
        stores(deployment, ctx),
        services(deployment, ctx),
        new WriteRouting(ctx.targets(), clients, ctx.runner(), ROUTE53_SYNC));
  }

  /**
   * The adapters a region agent fences when its lease lapses: the AWS adapters of the region's
   * postgres and redis stores (as in the lab; Neo4j and object storage are fenced by the plans).
   */
  public static List<StoreAdapter> agentStores(
      AwsDeployment deployment, Topology topology, String region, AwsClients clients) {
    AwsStores stores = stores(deployment, context(deployment, topology, clients));
    List<StoreAdapter> out = new ArrayList<>();
    for (Store s : topology.stores()) {
      if ((s.kind() == StoreKind.POSTGRES || s.kind() == StoreKind.REDIS) && s.involves(region)) {
        out.add(stores.adapter(s.name(), region));
      }
    }
    return out;
  }

  static Optional<StoreAdapter> dataPlane(
      AwsDeployment deployment, Topology topology, String store, String region) {
    AwsDeployment.StoreAccess access = deployment.stores().get(store);
    if (access == null || !access.endpoints().containsKey(region)) {
      return Optional.empty();
    }
    Endpoint at = access.endpoints().get(region);
    String id = store + "@" + region;
    Clock clock = Clock.systemUTC();
    StoreKind kind = topology.store(store).map(Store::kind).orElseThrow();
    UnaryOperator<Endpoint> direct = e -> e;
    return Optional.of(
        switch (kind) {
          case POSTGRES ->
              new PostgresAdapter(
                  id,
                  at,
                  "node_" + region.replace('-', '_'),
                  null,
                  clock,
                  STORE_TIMEOUT,
                  direct,
                  access.login(region));
          case REDIS ->
              new RedisAdapter(id, at, clock, STORE_TIMEOUT, direct, access.login(region));
          case NEO4J -> {
            Endpoint admin = access.admin().get(region);
            if (admin == null) {
              throw new IllegalArgumentException(
                  "stores." + store + ".admin." + region + ": not in the deployment file");
            }
            yield new Neo4jAdapter(id, at, bolt -> admin, clock, STORE_TIMEOUT);
          }
          case OBJECTS -> throw new IllegalStateException("objects have no data-plane adapter");
        });
  }

  /**
   * Where applications reach {@code store} in {@code region}: the deployment's endpoint, or for
   * object storage the region's bucket (virtual-hosted style, HTTPS).
   */
  static Endpoint endpoint(
      AwsDeployment deployment, AwsTargets targets, String store, String region) {
    if (targets.kind(store) == StoreKind.OBJECTS) {
      return new Endpoint(targets.bucket(store, region) + ".s3." + region + ".amazonaws.com", 443);
    }
    AwsDeployment.StoreAccess access = deployment.stores().get(store);
    Endpoint e = access == null ? null : access.endpoints().get(region);
    if (e == null) {
      throw new IllegalArgumentException(
          "stores." + store + ".endpoints." + region + ": not in the deployment file");
    }
    return e;
  }

  private static Services services(AwsDeployment deployment, AwsContext ctx) {
    Map<String, KubernetesClient> clients = new ConcurrentHashMap<>();
    EksToken tokens = new EksToken(ctx.clients().credentials(), Clock.systemUTC());
    Function<String, KubernetesClient> cluster =
        region ->
            clients.computeIfAbsent(region, r -> client(deployment, ctx.targets(), tokens, r));
    return new EksServices(ctx.targets(), cluster, ctx.runner());
  }

  /**
   * The Kubernetes client of {@code region}'s cluster: from the deployment's {@code eks} entry with
   * a fresh token per request (EKS tokens last 15 minutes, presigned ones a minute here), else from
   * the kubeconfig's context named by the region.
   */
  static KubernetesClient client(
      AwsDeployment deployment, AwsTargets targets, EksToken tokens, String region) {
    AwsDeployment.EksCluster eks = deployment.eks().get(region);
    if (eks != null) {
      String name = targets.eksCluster(region);
      Config config =
          new ConfigBuilder(Config.empty())
              .withMasterUrl(eks.endpoint())
              .withCaCertData(eks.caData())
              .withOauthTokenProvider(() -> tokens.token(name, region))
              .build();
      return new KubernetesClientBuilder().withConfig(config).build();
    }
    Path kubeconfig = deployment.kubeconfig();
    if (kubeconfig == null) {
      throw new IllegalArgumentException(
          "eks."
              + region
              + ": missing from the deployment file, and no kubeconfig (expected: the cluster's"
              + " endpoint and ca_data, or a kubeconfig with a context named "
              + region
              + ")");
    }
    try {
      Config config =
          Config.fromKubeconfig(region, Files.readString(kubeconfig), kubeconfig.toString());
      return new KubernetesClientBuilder().withConfig(config).build();
    } catch (IOException e) {
      throw new UncheckedIOException("kubeconfig: " + kubeconfig, e);
    }
  }
}
