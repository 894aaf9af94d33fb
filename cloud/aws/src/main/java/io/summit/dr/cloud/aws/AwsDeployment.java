package io.summit.dr.cloud.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.Login;
import io.summit.dr.topology.Store;
import io.summit.dr.topology.StoreKind;
import io.summit.dr.topology.Topology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What an AWS deployment of a topology is made of, beyond the topology itself: the account, the
 * Route 53 zone, which postgres stores are Aurora, and each store's data-plane endpoints and login
 * (RDS and ElastiCache endpoint names carry generated parts: they are the CDK stacks' outputs). The
 * orchestrator and the region agents read it from {@code --deployment FILE} (YAML):
 *
 * <pre>
 * account: "123456789012"
 * hosted_zone_id: Z0123456789ABCDEFGHIJ      # optional: else looked up by name
 * aurora: [postgres]                         # optional
 * eks:                                       # each region's cluster, reached with a token made
 *   us-west-2: {endpoint: "https://...", ca_data: "LS0t..."}   # from the task's credentials
 * kubeconfig: /etc/summit-dr/kubeconfig      # or: one context per region, named by it
 * stores:
 *   postgres:
 *     user: summit
 *     password_env: SUMMIT_DR_POSTGRES_PASSWORD   # the environment variable holding it
 *   redis:                                      # a user and password of its own per region:
 *     user: summit-redis-{region}-app           # {region}: us-west-2, {REGION}: US_WEST_2
 *     password_env: SUMMIT_DR_REDIS_PASSWORD_{REGION}
 *     tls: true
 *     ca_file: /etc/summit-dr/rds-ca.pem          # optional: else the JVM's trust store
 *     endpoints: {us-west-2: "host:5432", us-east-1: "host:5432"}
 *   neo4j:
 *     endpoints: {us-west-2: "host:7687", ...}
 *     admin: {us-west-2: "host:7475", ...}      # the graph server's admin API
 * </pre>
 *
 * Passwords never sit in the file: it names the environment variable (an ECS secret). Every problem
 * is reported at once, each with its field path and what was expected.
 */
public record AwsDeployment(
    String account,
    @Nullable String hostedZoneId,
    Set<String> aurora,
    @Nullable Path kubeconfig,
    Map<String, EksCluster> eks,
    Map<String, StoreAccess> stores) {
  public AwsDeployment {
    aurora = Set.copyOf(aurora);
    eks = Map.copyOf(eks);
    stores = Map.copyOf(stores);
  }

  /**
   * A region's EKS cluster as the orchestrator reaches it with a token made from its own AWS
   * credentials ({@link EksToken}): the API endpoint and the cluster's CA (base64 PEM, as {@code
   * DescribeCluster} and the CDK's {@code clusterCertificateAuthorityData} give it).
   */
  public record EksCluster(String endpoint, String caData) {}

  /**
   * How one store's data plane is reached in each region: endpoint, login (none for Neo4j, whose
   * admin API is reached directly), and for Neo4j the admin API.
   */
  public record StoreAccess(
      Map<String, Login> logins, Map<String, Endpoint> endpoints, Map<String, Endpoint> admin) {
    public StoreAccess {
      logins = Map.copyOf(logins);
      endpoints = Map.copyOf(endpoints);
      admin = Map.copyOf(admin);
    }

    /** The login in {@code region}; the lab's (none) when the store takes none. */
    public Login login(String region) {
      return logins.getOrDefault(region, Login.LAB);
    }
  }

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> TOP =
      Set.of("account", "hosted_zone_id", "aurora", "kubeconfig", "eks", "stores");
  private static final Set<String> STORE =
      Set.of("user", "password_env", "tls", "ca_file", "endpoints", "admin");

  /**
   * Reads {@code file}; {@code env} (the process environment) supplies the passwords the file
   * names.
   *
   * @throws IllegalArgumentException naming every bad field of the file
   */
  public static AwsDeployment load(Path file, Topology topology, Map<String, String> env) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          file + ": cannot read (" + e.getMessage() + ") (expected: a readable YAML file)", e);
    }
    try {
      return parse(file.toString(), text, topology, env);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          file + ": not YAML: " + e.getOriginalMessage() + " (expected: a YAML mapping)", e);
    }
  }

  static AwsDeployment parse(String source, String text, Topology topology, Map<String, String> env)
      throws JsonProcessingException {
    JsonNode root = YAML.readTree(text);
    List<String> problems = new ArrayList<>();
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(source + ": empty or not a mapping (expected: a mapping)");
    }
    unknown(problems, "", root, TOP);
    String account = root.path("account").asText("");
    if (!account.matches("\\d{12}")) {
      problems.add("account: '" + account + "' (expected: a 12-digit AWS account id, quoted)");
    }
    String zone = text(root, "hosted_zone_id");
    Set<String> aurora = new LinkedHashSet<>();
    for (JsonNode a : root.path("aurora")) {
      Store s = topology.store(a.asText()).orElse(null);
      if (s == null || s.kind() != StoreKind.POSTGRES) {
        problems.add("aurora: '" + a.asText() + "' (expected: a postgres store of the topology)");
      } else {
        aurora.add(a.asText());
      }
    }
    String kube = text(root, "kubeconfig");
    Map<String, EksCluster> eks = eks(problems, root.path("eks"), topology);
    Map<String, StoreAccess> stores = new LinkedHashMap<>();
    JsonNode storesNode = root.path("stores");
    for (Iterator<String> it = storesNode.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (topology.store(name).isEmpty()) {
        problems.add("stores." + name + ": not a store of the topology");
      }
    }
    for (Store s : topology.stores()) {
      if (s.kind() == StoreKind.OBJECTS) {
        continue; // S3: AWS calls only, no data plane
      }
      JsonNode n = storesNode.path(s.name());
      String at = "stores." + s.name();
      if (!n.isObject()) {
        problems.add(at + ": missing (expected: endpoints of the store in each of its regions)");
        continue;
      }
      unknown(problems, at + ".", n, STORE);
      stores.put(s.name(), access(problems, at, n, s, env));
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(source + ": " + String.join("; ", problems));
    }
    return new AwsDeployment(
        account, zone, aurora, kube == null ? null : Path.of(kube), eks, Map.copyOf(stores));
  }

  private static StoreAccess access(
      List<String> problems, String at, JsonNode n, Store s, Map<String, String> env) {
    Map<String, Login> logins = new LinkedHashMap<>();
    if (s.kind() != StoreKind.NEO4J) {
      String user = text(n, "user");
      String passwordEnv = text(n, "password_env");
      if (user == null) {
        problems.add(at + ".user: missing (expected: the user the control plane logs in as)");
      }
      if (passwordEnv == null) {
        problems.add(
            at
                + ".password_env: missing (expected: the environment variable holding the password)");
      }
      boolean tls = n.path("tls").asBoolean(true);
      String ca = text(n, "ca_file");
      if (ca != null && !Files.isReadable(Path.of(ca))) {
        problems.add(at + ".ca_file: " + ca + " is not readable (expected: a PEM file)");
      }
      if (ca != null && !tls) {
        problems.add(at + ".ca_file: given with tls: false (expected: tls: true, or no ca_file)");
      }
      if (user != null && passwordEnv != null) {
        int before = problems.size();
        for (String region : regions(s)) {
          String variable = perRegion(passwordEnv, region);
          String password = env.get(variable);
          if (password == null || password.isEmpty()) {
            String problem =
                at
                    + ".password_env: environment variable "
                    + variable
                    + " is not set (expected: the password, e.g. from an ECS secret)";
            if (!problems.contains(problem)) { // one variable for several regions: said once
              problems.add(problem);
            }
            continue;
          }
          logins.put(
              region,
              new Login(perRegion(user, region), password, tls, ca == null ? null : Path.of(ca)));
        }
        if (problems.size() > before) {
          logins.clear();
        }
      }
    }
    Map<String, Endpoint> endpoints = endpoints(problems, at + ".endpoints", n, s);
    Map<String, Endpoint> admin =
        s.kind() == StoreKind.NEO4J ? endpoints(problems, at + ".admin", n, s) : Map.of();
    return new StoreAccess(logins, endpoints, admin);
  }

  /**
   * {@code text} for {@code region}: {@code {region}} becomes the region's name ({@code
   * us-west-2}), {@code {REGION}} its environment-variable form ({@code US_WEST_2}).
   */
  static String perRegion(String text, String region) {
    return text.replace("{region}", region)
        .replace("{REGION}", region.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
  }

  private static List<String> regions(Store s) {
    List<String> regions = new ArrayList<>();
    regions.add(s.primaryRegion());
    regions.addAll(s.replicaRegions());
    return regions;
  }

  private static Map<String, Endpoint> endpoints(
      List<String> problems, String at, JsonNode store, Store s) {
    JsonNode n = store.path(at.substring(at.lastIndexOf('.') + 1));
    Map<String, Endpoint> out = new LinkedHashMap<>();
    List<String> regions = regions(s);
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String r = it.next();
      if (!regions.contains(r)) {
        problems.add(
            at + "." + r + ": the store has no node there (expected: one of " + regions + ")");
      }
    }
    for (String r : regions) {
      JsonNode e = n.path(r);
      if (!e.isTextual()) {
        problems.add(at + "." + r + ": missing (expected: HOST:PORT)");
        continue;
      }
      try {
        out.put(r, Endpoint.parse(e.asText()));
      } catch (IllegalArgumentException bad) {
        problems.add(at + "." + r + ": " + bad.getMessage());
      }
    }
    return out;
  }

  private static Map<String, EksCluster> eks(List<String> problems, JsonNode n, Topology topology) {
    Map<String, EksCluster> out = new LinkedHashMap<>();
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String region = it.next();
      String at = "eks." + region;
      if (topology.region(region).isEmpty()) {
        problems.add(at + ": not a region of the topology");
        continue;
      }
      JsonNode c = n.path(region);
      unknown(problems, at + ".", c, Set.of("endpoint", "ca_data"));
      String endpoint = text(c, "endpoint");
      String ca = text(c, "ca_data");
      if (endpoint == null || !endpoint.matches("https://[^/\\s]+/?")) {
        problems.add(
            at + ".endpoint: '" + endpoint + "' (expected: the cluster's https:// API endpoint)");
      }
      if (ca == null || !pem(ca)) {
        problems.add(
            at + ".ca_data: not a base64 PEM certificate (expected: the cluster's CA data)");
      }
      if (endpoint != null && ca != null) {
        out.put(region, new EksCluster(endpoint, ca));
      }
    }
    return out;
  }

  private static boolean pem(String base64) {
    try {
      return new String(
              java.util.Base64.getMimeDecoder().decode(base64),
              java.nio.charset.StandardCharsets.US_ASCII)
          .contains("-----BEGIN CERTIFICATE-----");
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static @Nullable String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static void unknown(List<String> problems, String at, JsonNode n, Set<String> known) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) {
        problems.add(
            at + f + ": unknown field (expected: one of " + new java.util.TreeSet<>(known) + ")");
      }
    }
  }

  /** This deployment with the write record in zone {@code id}. */
  public AwsDeployment withHostedZoneId(String id) {
    return new AwsDeployment(account, id, aurora, kubeconfig, eks, stores);
  }

  /** The targets the runbook addresses, for this deployment of {@code topology}. */
  public AwsTargets targets(Topology topology) {
    AwsTargets d = AwsTargets.defaults(topology);
    return new AwsTargets(
        topology,
        account,
        d.zoneName(),
        hostedZoneId,
        d.writeHost(),
        d.bucketPrefix(),
        d.namespace(),
        aurora,
        null);
  }
}
