package io.summit.dr.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.summit.dr.orchestrator.OrchestratorMain;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreAdapter;
import io.summit.dr.replication.neo4j.Neo4jAdapter;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AwsEnvironmentTest {
  private final AwsStub aws = new AwsStub(Fixtures.targets());
  private final AwsDeployment deployment =
      AwsDeployment.load(AwsDeploymentTest.EXAMPLE, Fixtures.topology(), AwsDeploymentTest.ENV);

  @AfterEach
  void close() {
    aws.close();
  }

  @Test
  void theOrchestratorDrivesEachStoreThroughItsAwsAdapterAndRoutesWritesThroughRoute53() {
    OrchestratorMain.Environment env =
        AwsEnvironment.orchestrator(deployment, Fixtures.topology(), aws.clients);

    assertThat(env.router()).isInstanceOf(WriteRouting.class);
    assertThat(env.services()).isInstanceOf(EksServices.class);
    assertThat(env.stores().adapter("postgres", "us-west-2")).isInstanceOf(RdsInstance.class);
    assertThat(env.stores().adapter("redis", "us-east-1")).isInstanceOf(GlobalDatastore.class);
    assertThat(env.stores().adapter("objects", "us-east-1")).isInstanceOf(AccessPointRoutes.class);
    assertThat(env.stores().adapter("neo4j", "us-west-2")).isInstanceOf(Neo4jAdapter.class);
    assertThat(env.stores().clientEndpoint("redis", "us-west-2"))
        .isEqualTo(
            Endpoint.parse("master.summit-redis-us-west-2.abc123.usw2.cache.amazonaws.com:6379"));
    assertThat(env.stores().clientEndpoint("objects", "us-east-1"))
        .isEqualTo(Endpoint.parse("intelgraph-data-us-east-1.s3.us-east-1.amazonaws.com:443"));
    // nothing is called until something asks
    assertThat(aws.seen()).isEmpty();
  }

  @Test
  void aRegionAgentGuardsItsRegionsPostgresAndRedisThroughTheAwsAdapters() {
    List<StoreAdapter> stores =
        AwsEnvironment.agentStores(deployment, Fixtures.topology(), "us-east-1", aws.clients);

    assertThat(stores)
        .extracting(StoreAdapter::id)
        .containsExactly("postgres@us-east-1", "redis@us-east-1");
    assertThat(stores.get(0)).isInstanceOf(RdsInstance.class);
    assertThat(stores.get(1)).isInstanceOf(GlobalDatastore.class);
  }
}
