package io.summit.dr.deploy.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.summit.dr.agent.AgentMain;
import io.summit.dr.orchestrator.OrchestratorMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;

/**
 * The control plane's ECS tasks as the CDK app writes them: what each container runs, with which
 * environment and secrets, and that its launch script, run by a real shell, writes the files the
 * orchestrator and the agent read (mode 0600), drops the variables it wrote out, and hands the
 * commands flags they parse.
 */
class ControlPlaneTasksTest {
  private static final String ADMIN = "AdminTokenOf48CharactersFromSecretsManager012345";
  private static final String OPERATOR = "OperatorTokenOf48CharactersFromSecretsManager012";
  private static final String VIEWER = "ViewerTokenOf48CharactersFromSecretsManager01234";

  @TempDir Path dir;

  /** The container definition of task {@code id} ("Orchestrator" or "Agent") in {@code stack}. */
  static @Nullable Map<String, Object> container(Stack stack, String id) {
    for (Object resource :
        Template.fromStack(stack).findResources("AWS::ECS::TaskDefinition").values()) {
      for (Object c : list(PlatformStacksTest.properties(resource).get("ContainerDefinitions"))) {
        Map<String, Object> def = map(c);
        if (id.equals(def.get("Name"))) {
          return def;
        }
      }
    }
    return null;
  }

  private static Map<String, String> pairs(@Nullable Object list, String valueKey) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Object o : list(list)) {
      Map<String, Object> m = map(o);
      Object v = m.get(valueKey);
      out.put(String.valueOf(m.get("Name")), v instanceof String s ? s : "${token}");
    }
    return out;
  }

  @Test
  void everyOrchestratorAndAgentRunsItsAwsCommandWithTheTopologyAndItsSecretsNeverInTheTemplate() {
    List<Stack> control = ExampleApp.get().app.control();
    String topology = ExampleApp.exampleText();
    for (Stack stack : control) {
      String region = stack.getRegion();
      Map<String, Object> orchestrator = Objects.requireNonNull(container(stack, "Orchestrator"));
      assertThat(list(orchestrator.get("EntryPoint"))).containsExactly("/bin/sh", "-c");
      String script = String.valueOf(list(orchestrator.get("Command")).get(0));
      assertThat(script)
          .contains("aws orchestrator --deployment /run/summit-dr/deployment.yaml")
          .contains("--id orchestrator-" + region + " --location " + region)
          .contains("--api-token-file /run/summit-dr/api-token")
          .contains("--access-file /run/summit-dr/access-list");
      Map<String, String> env = pairs(orchestrator.get("Environment"), "Value");
      assertThat(env).containsEntry(ControlPlaneStack.TOPOLOGY_ENV, topology);
      assertThat(env).containsKey(ControlPlaneStack.HOSTED_ZONE_ENV);
      assertThat(pairs(orchestrator.get("Secrets"), "ValueFrom").keySet())
          .containsExactlyInAnyOrder(
              "SUMMIT_DR_DEPLOYMENT",
              "SUMMIT_DR_POSTGRES_PASSWORD",
              "SUMMIT_DR_REDIS_PASSWORD_US_WEST_2",
              "SUMMIT_DR_REDIS_PASSWORD_US_EAST_1",
              "SUMMIT_DR_API_TOKEN",
              "SUMMIT_DR_ADMIN_TOKEN",
              "SUMMIT_DR_OPERATOR_TOKEN",
              "SUMMIT_DR_VIEWER_TOKEN");
      assertThat(env.keySet()).noneMatch(k -> k.contains("PASSWORD") || k.contains("TOKEN"));
      Map<String, Object> agent = container(stack, "Agent");
      if (region.equals("us-east-2")) {
        assertThat(agent).as("no agent in the witness region").isNull();
        assertThat(script).contains("--defer-to orchestrator-us-west-2,orchestrator-us-east-1");
      } else {
        assertThat(script).doesNotContain("--defer-to");
        String agentScript =
            String.valueOf(list(Objects.requireNonNull(agent).get("Command")).get(0));
        assertThat(agentScript)
            .contains("aws agent --deployment /run/summit-dr/deployment.yaml")
            .contains("--region " + region)
            .contains("--access-file /run/summit-dr/access-list")
            .doesNotContain("api-token");
      }
    }
  }

  @Test
  void everyOrchestratorRoleMayEditTheTopologysNamespaceInEachDataRegionsCluster() {
    List<Stack> access = ExampleApp.get().app.clusterAccess();
    assertThat(access)
        .extracting(Stack::getStackName)
        .containsExactly("summit-control-access-us-west-2", "summit-control-access-us-east-1");
    for (Stack stack : access) {
      Map<String, Map<String, Object>> entries =
          Template.fromStack(stack).findResources("AWS::EKS::AccessEntry");
      assertThat(entries).hasSize(3);
      for (Object e : entries.values()) {
        Map<String, Object> p = PlatformStacksTest.properties(e);
        assertThat(p.get("ClusterName"))
            .isEqualTo(
                stack.getRegion().equals("us-west-2")
                    ? "summit-primary-cluster"
                    : "summit-secondary-cluster");
        assertThat(String.valueOf(p.get("AccessPolicies")))
            .contains("arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy")
            .contains("Type=namespace")
            .contains("Namespaces=[summit]");
      }
    }
  }

  @Test
  void eachTasksApiPortIsOpenToTheThreeControlVpcsOnly() {
    for (Stack stack : ExampleApp.get().app.control()) {
      Template t = Template.fromStack(stack);
      List<String> rules = new ArrayList<>();
      t.findResources("AWS::EC2::SecurityGroup")
          .forEach(
              (id, r) -> {
                Object ingress = PlatformStacksTest.properties(r).get("SecurityGroupIngress");
                if (id.startsWith("Orchestrator") || id.startsWith("Agent")) {
                  for (Object o : list(ingress)) {
                    Map<String, Object> m = map(o);
                    rules.add(
                        id.replaceAll("SecurityGroup.*", "")
                            + " "
                            + m.get("CidrIp")
                            + ":"
                            + m.get("FromPort"));
                  }
                }
              });
      List<String> expected = new ArrayList<>();
      for (String cidr : List.of("10.250.0.0/24", "10.251.0.0/24", "10.252.0.0/24")) {
        expected.add("Orchestrator " + cidr + ":8080");
        if (!stack.getRegion().equals("us-east-2")) {
          expected.add("Agent " + cidr + ":8081");
        }
      }
      assertThat(rules).as(stack.getStackName()).containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  @Test
  void theLaunchScriptWritesPrivateFilesDropsTheirVariablesAndPassesFlagsTheCommandsParse()
      throws Exception {
    ControlPlaneLayout layout =
        ControlPlaneLayout.of(ExampleApp.get().aws, ControlPlaneLayout.DEFAULT_WITNESS);
    List<String> java = launch(ControlPlaneLaunch.orchestrator(layout, "us-east-2").get(0));

    Path files = dir.resolve("files");
    assertThat(Files.readString(files.resolve("topology.yaml"))).isEqualTo("name: summit\n");
    assertThat(Files.readString(files.resolve("deployment.yaml"))).isEqualTo("account: x\n");
    assertThat(Files.readString(files.resolve("api-token")))
        .isEqualTo("a-token-of-48-characters-from-secrets-manager-xx");
    for (String f : List.of("topology.yaml", "deployment.yaml", "api-token", "access-list")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.resolve(f))))
          .isEqualTo("rw-------");
    }
    assertThat(java.subList(0, 6))
        .containsExactly(
            "-XX:+ExitOnOutOfMemoryError",
            "-jar",
            ControlPlaneLaunch.JAR,
            "aws",
            "orchestrator",
            "--deployment");
    List<String> env = Files.readAllLines(dir.resolve("java.env"));
    // the access list holds each operator token's hash, with its role, and never the token
    String listed = Files.readString(files.resolve("access-list"));
    assertThat(listed).doesNotContain(ADMIN).doesNotContain(OPERATOR).doesNotContain(VIEWER);
    io.summit.dr.access.AccessList access =
        io.summit.dr.access.AccessList.read("--access-file", files.resolve("access-list"));
    assertThat(access.authenticate("Bearer " + ADMIN))
        .hasValue(new io.summit.dr.access.Principal("admin", io.summit.dr.access.Role.ADMIN));
    assertThat(access.authenticate("Bearer " + OPERATOR))
        .hasValue(new io.summit.dr.access.Principal("operator", io.summit.dr.access.Role.OPERATOR));
    assertThat(access.authenticate("Bearer " + VIEWER))
        .hasValue(new io.summit.dr.access.Principal("viewer", io.summit.dr.access.Role.VIEWER));
    assertThat(access.authenticate("Bearer a-token-of-48-characters-from-secrets-manager-xx"))
        .as("the hook's token is the orchestrator's --api-token-file, not in the list")
        .isEmpty();
    assertThat(env)
        .noneMatch(l -> l.startsWith("SUMMIT_DR_ADMIN_TOKEN="))
        .noneMatch(l -> l.startsWith("SUMMIT_DR_OPERATOR_TOKEN="))
        .noneMatch(l -> l.startsWith("SUMMIT_DR_VIEWER_TOKEN="))
        .noneMatch(l -> l.startsWith("SUMMIT_DR_API_TOKEN="))
        .noneMatch(l -> l.startsWith("SUMMIT_DR_TOPOLOGY="))
        .noneMatch(l -> l.startsWith("SUMMIT_DR_DEPLOYMENT="))
        .anyMatch(l -> l.equals("SUMMIT_DR_POSTGRES_PASSWORD=pg"));
    // what follows --deployment FILE --hosted-zone-id ID is the orchestrator's own command line
    assertThat(java.get(7)).isEqualTo("--hosted-zone-id");
    assertThat(java.get(8)).isEqualTo("Z0123456789ABCDEFGHIJ");
    OrchestratorMain.Options o =
        OrchestratorMain.parse(java.subList(9, java.size()).toArray(String[]::new));
    assertThat(o.id()).isEqualTo("orchestrator-us-east-2");
    assertThat(o.etcd()).hasSize(3);
    assertThat(o.deferTo()).containsExactly("orchestrator-us-west-2", "orchestrator-us-east-1");
    assertThat(o.apiTokenFile()).isEqualTo(files.resolve("api-token"));
    assertThat(java).containsSubsequence("--access-file", files.resolve("access-list").toString());

    List<String> agent = launch(ControlPlaneLaunch.agent("us-west-2").get(0));
    AgentMain.Options a =
        AgentMain.parse(agent.subList(7, agent.size()).toArray(String[]::new), false);
    assertThat(a.region()).isEqualTo("us-west-2");
    assertThat(a.etcd()).hasSize(3);
    assertThat(agent).containsSubsequence("--access-file", files.resolve("access-list").toString());
  }

  @Test
  void aTaskWithoutOneOfTheOperatorsTokensDoesNotStart() throws Exception {
    int exit =
        run(ControlPlaneLaunch.agent("us-west-2").get(0), Map.of("SUMMIT_DR_OPERATOR_TOKEN", ""));
    assertThat(exit).isNotZero();
    assertThat(dir.resolve("java.args")).as("java did not run").doesNotExist();
  }

  /** Runs {@code script} in sh with a stand-in {@code java} that records its arguments. */
  private List<String> launch(String script) throws Exception {
    int exit = run(script, Map.of());
    assertThat(exit).as(Files.readString(dir.resolve("sh.out"))).isZero();
    return new ArrayList<>(Files.readAllLines(dir.resolve("java.args")));
  }

  /**
   * Runs {@code script} in sh, with the task's variables ({@code overrides} replacing some) and a
   * stand-in {@code java} that records its arguments and environment; returns the exit status.
   */
  private int run(String script, Map<String, String> overrides) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path java = bin.resolve("java");
    Files.writeString(
        java,
        "#!/bin/sh\n"
            + "for a in \"$@\"; do printf '%s\\n' \"$a\"; done > \""
            + dir.resolve("java.args")
            + "\"\nenv > \""
            + dir.resolve("java.env")
            + "\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
    ProcessBuilder pb =
        new ProcessBuilder(
                "/bin/sh", "-c", script.replace("/run/summit-dr", dir.resolve("files").toString()))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("sh.out").toFile());
    Map<String, String> env = pb.environment();
    env.put("PATH", bin + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("SUMMIT_DR_TOPOLOGY", "name: summit\n");
    env.put("SUMMIT_DR_DEPLOYMENT", "account: x\n");
    env.put("SUMMIT_DR_API_TOKEN", "a-token-of-48-characters-from-secrets-manager-xx");
    env.put("SUMMIT_DR_ADMIN_TOKEN", ADMIN);
    env.put("SUMMIT_DR_OPERATOR_TOKEN", OPERATOR);
    env.put("SUMMIT_DR_VIEWER_TOKEN", VIEWER);
    env.put("SUMMIT_DR_POSTGRES_PASSWORD", "pg");
    env.put("SUMMIT_DR_HOSTED_ZONE_ID", "Z0123456789ABCDEFGHIJ");
    env.put(
        "SUMMIT_DR_ETCD_ENDPOINTS",
        ControlPlaneLayout.of(ExampleApp.get().aws, "us-east-2").etcdEndpoints());
    env.putAll(overrides);
    Process p = pb.start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return p.exitValue();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(@Nullable Object o) {
    return (Map<String, Object>) Objects.requireNonNull(o);
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(@Nullable Object o) {
    return (List<Object>) Objects.requireNonNull(o);
  }
}
