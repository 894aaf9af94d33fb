package io.summit.dr.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.Login;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AwsDeploymentTest {
  static final Path EXAMPLE = Path.of("../../examples/aws-deployment.yaml");
  static final Map<String, String> ENV =
      Map.of(
          "SUMMIT_DR_POSTGRES_PASSWORD", "pg-secret-from-ecs",
          "SUMMIT_DR_REDIS_PASSWORD_US_WEST_2", "redis-west-secret",
          "SUMMIT_DR_REDIS_PASSWORD_US_EAST_1", "redis-east-secret");

  @TempDir Path dir;

  @Test
  void theExampleDeploymentGivesEveryStoreItsEndpointsAndLoginWithThePasswordFromTheEnvironment() {
    AwsDeployment d = AwsDeployment.load(EXAMPLE, Fixtures.topology(), ENV);

    assertThat(d.account()).isEqualTo("111111111111");
    assertThat(d.hostedZoneId()).isEqualTo("Z0123456789ABCDEFGHIJ");
    assertThat(d.stores()).containsOnlyKeys("postgres", "redis", "neo4j");
    AwsDeployment.StoreAccess pg = java.util.Objects.requireNonNull(d.stores().get("postgres"));
    assertThat(pg.login("us-east-1"))
        .isEqualTo(new Login("summit", "pg-secret-from-ecs", true, null));
    assertThat(pg.login("us-east-1").toString())
        .doesNotContain("pg-secret-from-ecs")
        .contains("***");
    assertThat(pg.endpoints().get("us-east-1"))
        .isEqualTo(
            Endpoint.parse("summit-postgres-us-east-1.c9akciq32.us-east-1.rds.amazonaws.com:5432"));
    AwsDeployment.StoreAccess redis = java.util.Objects.requireNonNull(d.stores().get("redis"));
    assertThat(redis.login("us-west-2"))
        .isEqualTo(new Login("summit-redis-us-west-2-app", "redis-west-secret", true, null));
    assertThat(redis.login("us-east-1"))
        .isEqualTo(new Login("summit-redis-us-east-1-app", "redis-east-secret", true, null));
    assertThat(java.util.Objects.requireNonNull(d.stores().get("neo4j")).admin())
        .containsOnlyKeys("us-west-2", "us-east-1");
    assertThat(d.targets(Fixtures.topology()).account()).isEqualTo("111111111111");
    assertThat(d.eks()).containsOnlyKeys("us-west-2", "us-east-1");
    assertThat(java.util.Objects.requireNonNull(d.eks().get("us-east-1")).endpoint())
        .isEqualTo("https://FEDCBA9876543210FEDCBA9876543210.gr7.us-east-1.eks.amazonaws.com");
  }

  @Test
  void everyBadFieldIsNamedAtOnceWithWhatWasExpected() throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(
        bad,
        """
        account: 1234
        aurora: [redis]
        colour: blue
        eks:
          mars-1: {endpoint: "https://x", ca_data: "x"}
          us-west-2: {endpoint: "http://plain", ca_data: "bm90IGEgY2VydA=="}
        stores:
          postgres:
            user: summit
            password_env: NOT_SET_ANYWHERE
            ca_file: /nonexistent/ca.pem
            endpoints: {us-west-2: "db:5432", eu-west-1: "db:5432"}
          redis:
            password_env: SUMMIT_DR_REDIS_PASSWORD_{REGION}
            endpoints: {us-west-2: "cache:0", us-east-1: "cache:6379"}
          cassandra: {}
        """);

    assertThatThrownBy(() -> AwsDeployment.load(bad, Fixtures.topology(), ENV))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("account: '1234' (expected: a 12-digit AWS account id, quoted)")
        .hasMessageContaining("aurora: 'redis' (expected: a postgres store of the topology)")
        .hasMessageContaining("colour: unknown field")
        .hasMessageContaining("stores.cassandra: not a store of the topology")
        .hasMessageContaining(
            "stores.postgres.password_env: environment variable NOT_SET_ANYWHERE is not set")
        .hasMessageContaining("stores.postgres.ca_file: /nonexistent/ca.pem is not readable")
        .hasMessageContaining("stores.postgres.endpoints.eu-west-1: the store has no node there")
        .hasMessageContaining("stores.postgres.endpoints.us-east-1: missing (expected: HOST:PORT)")
        .hasMessageContaining("stores.redis.user: missing")
        .hasMessageContaining("stores.redis.endpoints.us-west-2: ")
        .hasMessageContaining("eks.mars-1: not a region of the topology")
        .hasMessageContaining("eks.us-west-2.endpoint: 'http://plain' (expected: the cluster's")
        .hasMessageContaining("eks.us-west-2.ca_data: not a base64 PEM certificate")
        .hasMessageContaining("stores.neo4j: missing");
  }

  @Test
  void aPasswordVariableSharedByTheRegionsIsReportedOnceWhenUnset() {
    Map<String, String> env =
        Map.of(
            "SUMMIT_DR_REDIS_PASSWORD_US_WEST_2", "r1", "SUMMIT_DR_REDIS_PASSWORD_US_EAST_1", "r2");

    assertThatThrownBy(() -> AwsDeployment.load(EXAMPLE, Fixtures.topology(), env))
        .hasMessage(
            "../../examples/aws-deployment.yaml: stores.postgres.password_env: environment"
                + " variable SUMMIT_DR_POSTGRES_PASSWORD is not set (expected: the password, e.g."
                + " from an ECS secret)");
  }

  @Test
  void aMissingOrNonYamlFileIsRefusedWithItsName() throws Exception {
    Path notYaml = dir.resolve("x.yaml");
    Files.writeString(notYaml, "account: [unclosed");

    assertThatThrownBy(() -> AwsDeployment.load(dir.resolve("none.yaml"), Fixtures.topology(), ENV))
        .hasMessageContaining("none.yaml: cannot read");
    assertThatThrownBy(() -> AwsDeployment.load(notYaml, Fixtures.topology(), ENV))
        .hasMessageContaining("x.yaml: not YAML");
  }
}
