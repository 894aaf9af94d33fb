package io.summit.dr.deploy.aws;

import io.summit.dr.agent.AgentConfig;
import io.summit.dr.agent.AgentMain;
import io.summit.dr.cloud.aws.AwsClients;
import io.summit.dr.cloud.aws.AwsDeployment;
import io.summit.dr.cloud.aws.AwsEnvironment;
import io.summit.dr.replication.StoreAdapter;
import io.summit.dr.topology.Topology;
import io.summit.dr.topology.TopologyLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code summit-dr aws agent --deployment FILE} followed by the region agent's own flags ({@link
 * AgentMain#parse}: {@code --config --region --etcd --listen} and the lease timings, no {@code
 * --store}): the region agent, fencing its region's RDS instance (parameter group) and ElastiCache
 * user through the AWS adapters when its lease lapses. The container command of the CDK app's agent
 * tasks.
 */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = {
      "Run a region agent on AWS: it holds its region's lease in etcd and fences the region's"
          + " postgres and redis primaries through the AWS adapters when it cannot renew it.",
      "The other flags are the agent's: --config FILE --region REGION --etcd URL,..."
          + " --listen HOST:PORT [--lease-ttl ..] [--renew-interval ..] [--fence-budget ..]"
          + " [--check-interval ..]. Credentials: the default AWS chain (the task role)."
    })
final class AwsAgentCommand implements Callable<Integer> {
  @Option(
      names = "--deployment",
      required = true,
      paramLabel = "FILE",
      description = "What the CDK stacks made: account, endpoints, logins (YAML).")
  Path deployment;

  @Unmatched List<String> agentFlags = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    AgentMain.Running r = start(deployment, agentFlags, AwsClients.defaults(), System.getenv());
    Runtime.getRuntime().addShutdownHook(new Thread(r::close));
    new CountDownLatch(1).await();
    return 0;
  }

  /** Parses, loads and starts the agent; bad input is refused before anything starts. */
  static AgentMain.Running start(
      Path deployment, List<String> flags, AwsClients clients, Map<String, String> env)
      throws Exception {
    AgentMain.Options options = AgentMain.parse(flags.toArray(String[]::new), false);
    Topology topology = TopologyLoader.load(options.config());
    AgentConfig config = AgentMain.config(options, topology);
    AwsDeployment d = AwsDeployment.load(deployment, topology, env);
    List<StoreAdapter> stores = AwsEnvironment.agentStores(d, topology, options.region(), clients);
    return AgentMain.run(options, config, stores);
  }
}
