package io.summit.dr.deploy.aws;

import io.summit.dr.cloud.aws.AwsClients;
import io.summit.dr.cloud.aws.AwsDeployment;
import io.summit.dr.cloud.aws.AwsEnvironment;
import io.summit.dr.orchestrator.OrchestratorMain;
import io.summit.dr.topology.Topology;
import io.summit.dr.topology.TopologyLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code summit-dr aws orchestrator --deployment FILE} followed by the orchestrator's own flags
 * ({@link OrchestratorMain#parse}: {@code --config --state-dir --listen --etcd --id --location
 * --defer-to --api-token-file}): one orchestrator replica that drives AWS (RDS or Aurora,
 * ElastiCache Global Datastore, Route 53, S3 Multi-Region Access Points, EKS) instead of the lab.
 * The container command of the CDK app's orchestrator tasks.
 */
@Command(
    name = "orchestrator",
    mixinStandardHelpOptions = true,
    description = {
      "Run an orchestrator replica on AWS: detection, plans and the API, acting through the AWS"
          + " adapters.",
      "The other flags are the orchestrator's: --config FILE --state-dir DIR --listen HOST:PORT"
          + " [--etcd URL,...] [--id ID] [--location REGION] [--defer-to ID,...]"
          + " [--api-token-file FILE]. Credentials: the default AWS chain (the task role)."
    })
final class AwsOrchestratorCommand implements Callable<Integer> {
  @Option(
      names = "--deployment",
      required = true,
      paramLabel = "FILE",
      description = "What the CDK stacks made: account, endpoints, logins (YAML).")
  Path deployment;

  @Option(
      names = "--hosted-zone-id",
      paramLabel = "ID",
      description = "The write record's Route 53 zone; overrides the deployment file's.")
  @Nullable String hostedZoneId;

  @Unmatched List<String> orchestratorFlags = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Running r =
        start(deployment, hostedZoneId, orchestratorFlags, AwsClients.defaults(), System.getenv());
    System.out.println(
        "orchestrator " + r.options().id() + " on AWS: '" + r.topology().name() + "'");
    new CountDownLatch(1).await();
    return 0;
  }

  /** What {@link #start} started. */
  record Running(OrchestratorMain.Options options, Topology topology, AutoCloseable orchestrator)
      implements AutoCloseable {
    @Override
    public void close() throws Exception {
      orchestrator.close();
    }
  }

  /**
   * Parses the orchestrator's flags and the deployment file, then starts the replica with the AWS
   * environment made from {@code clients}; every bad input is refused before anything starts.
   */
  static Running start(
      Path deployment,
      @Nullable String hostedZoneId,
      List<String> flags,
      AwsClients clients,
      Map<String, String> env)
      throws Exception {
    OrchestratorMain.Options options = OrchestratorMain.parse(flags.toArray(String[]::new));
    if (options.routerAdmin() != null || !options.observers().isEmpty()) {
      throw new IllegalArgumentException(
          "--router-admin, --observer: the lab's (expected: none on AWS: writes are routed by"
              + " Route 53, regions watched by CloudWatch alarms)");
    }
    Topology topology = TopologyLoader.load(options.config());
    AwsDeployment d = AwsDeployment.load(deployment, topology, env);
    if (hostedZoneId != null && !hostedZoneId.isBlank()) {
      d = d.withHostedZoneId(hostedZoneId);
    }
    return new Running(
        options,
        topology,
        OrchestratorMain.start(
            options, topology, AwsEnvironment.orchestrator(d, topology, clients)));
  }
}
