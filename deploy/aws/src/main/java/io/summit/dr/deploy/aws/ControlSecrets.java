package io.summit.dr.deploy.aws;

import io.summit.dr.topology.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.secretsmanager.ISecret;

/**
 * The secrets the control plane's tasks get as environment variables (ECS {@code secrets}, never in
 * the template): each data store's password as the deployment file names it ({@code
 * SUMMIT_DR_<STORE>_PASSWORD} for PostgreSQL, the RDS master secret's {@code password}; {@code
 * SUMMIT_DR_<STORE>_PASSWORD_<REGION>} for Redis, each region's application user's secret), and the
 * API token the failover hook presents ({@code SUMMIT_DR_API_TOKEN}), and the operators' tokens
 * ({@link ApiTokens}: {@code SUMMIT_DR_ADMIN_TOKEN}, {@code SUMMIT_DR_OPERATOR_TOKEN}, {@code
 * SUMMIT_DR_VIEWER_TOKEN}) from which the tasks write their access list. The secrets live in the
 * data stacks' and the global stack's regions; a control-plane stack refers to them by ARN (CDK
 * cross-region references), with the KMS key that encrypts each so that the task's execution role
 * may decrypt it.
 */
record ControlSecrets(List<Entry> entries) {
  static final String API_TOKEN_ENV = "SUMMIT_DR_API_TOKEN";

  ControlSecrets {
    entries = List.copyOf(entries);
  }

  /**
   * One environment variable from one secret.
   *
   * @param field the JSON key of the secret's value, or null for the whole string
   * @param key the KMS key encrypting the secret, or null for Secrets Manager's own
   */
  record Entry(String env, ISecret secret, @Nullable String field, @Nullable IKey key) {}

  static ControlSecrets of(
      AwsTopology aws, RegionStack primary, ReplicaStack replicas, GlobalStack global) {
    List<Entry> out = new ArrayList<>();
    for (Store store : aws.topology().stores()) {
      switch (store.kind()) {
        case POSTGRES -> {
          Postgres pg = Objects.requireNonNull(primary.postgres.get(store.name()));
          out.add(
              new Entry(
                  passwordEnv(store, null),
                  Objects.requireNonNull(pg.instance.getSecret(), "generated master secret"),
                  "password",
                  primary.keys.data));
        }
        case REDIS -> {
          Redis redis = Objects.requireNonNull(primary.redis.get(store.name()));
          out.add(
              new Entry(
                  passwordEnv(store, aws.primary().name()),
                  redis.users.password,
                  RedisUsers.PASSWORD_KEY,
                  primary.keys.data));
          RedisReplica replica = replicas.redis.get(store.name());
          if (replica != null) {
            out.add(
                new Entry(
                    passwordEnv(store, aws.secondary().name()),
                    replica.users.password,
                    RedisUsers.PASSWORD_KEY,
                    replicas.keys));
          }
        }
        case NEO4J, OBJECTS -> {
          // no password: the graph server's admin API, and S3 through the task role
        }
      }
    }
    out.add(new Entry(API_TOKEN_ENV, global.hook.token, null, null));
    global.tokens.secrets.forEach(
        (caller, secret) -> out.add(new Entry(caller.env(), secret, null, null)));
    return new ControlSecrets(out);
  }

  /** {@code SUMMIT_DR_<STORE>_PASSWORD}, with {@code _<REGION>} for a per-region user. */
  static String passwordEnv(Store store, @Nullable String region) {
    String base = "SUMMIT_DR_" + envName(store.name()) + "_PASSWORD";
    return region == null ? base : base + "_" + envName(region);
  }

  private static String envName(String name) {
    return name.toUpperCase(Locale.ROOT).replace('-', '_');
  }
}
