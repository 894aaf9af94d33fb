package io.summit.dr.deploy.aws;

import io.summit.dr.access.Role;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.constructs.Construct;

/**
 * The operators' bearer tokens for the control plane's APIs, one generated Secrets Manager secret
 * per caller ({@code <name>/orchestrator/<caller>-token}, in the global stack): {@code admin} (role
 * admin), {@code operator} (operator: failover, switchover, failback, approve, the writer) and
 * {@code viewer} (viewer: every read). The control plane's tasks get them as environment variables
 * and write the access list their APIs check ({@link ControlPlaneLaunch}): the list holds each
 * token's SHA-256 only. An operator reads one with {@code aws secretsmanager get-secret-value} into
 * a file only they may read and gives it to the CLI's {@code --token-file}.
 */
final class ApiTokens extends Construct {
  /** One caller of the access list. */
  record Caller(String name, Role role) {
    /** The task's environment variable holding its token: {@code SUMMIT_DR_<NAME>_TOKEN}. */
    String env() {
      return "SUMMIT_DR_" + name.toUpperCase(Locale.ROOT) + "_TOKEN";
    }
  }

  static final List<Caller> CALLERS =
      List.of(
          new Caller("admin", Role.ADMIN),
          new Caller("operator", Role.OPERATOR),
          new Caller("viewer", Role.VIEWER));

  /** Each caller's secret, in {@link #CALLERS}' order. */
  final Map<Caller, Secret> secrets = new LinkedHashMap<>();

  ApiTokens(Construct scope, String id, AwsTopology aws) {
    super(scope, id);
    for (Caller c : CALLERS) {
      secrets.put(
          c,
          Secret.Builder.create(
                  this, c.name().substring(0, 1).toUpperCase(Locale.ROOT) + c.name().substring(1))
              .secretName(aws.name() + "/orchestrator/" + c.name() + "-token")
              .description(
                  "Bearer token of the control plane's "
                      + c.name()
                      + " (role "
                      + c.role().name().toLowerCase(Locale.ROOT)
                      + ")")
              .generateSecretString(
                  SecretStringGenerator.builder()
                      .excludePunctuation(true)
                      .passwordLength(48)
                      .build())
              .build());
    }
  }
}
