package io.summit.dr.deploy.aws;

import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What the synthesised templates need that the topology does not say: the account, the DNS zone,
 * host names, bucket naming and node sizing. Read from CDK context ({@code -c key=value} or
 * cdk.json); every key has a default so that synth works offline with no account at all.
 *
 * @param account AWS account id of both regions; context {@code account}, default {@value
 *     #PLACEHOLDER_ACCOUNT} (a placeholder: deploy with your own)
 * @param zoneName public DNS zone of the platform; context {@code zoneName}
 * @param hostedZoneId id of an existing Route 53 zone for {@code zoneName}; context {@code
 *     hostedZoneId}; when absent the global stack creates the zone
 * @param readHost label of the latency-routed read/stateless host name; context {@code readHost}
 * @param writeHost label of the failover-routed write host name; context {@code writeHost}
 * @param bucketPrefix prefix of the object-storage buckets ({@code <prefix>-<region>}); context
 *     {@code bucketPrefix}
 * @param nodeInstanceType EC2 instance type of the EKS node groups; context {@code
 *     nodeInstanceType}
 * @param podsPerNode service replicas one node holds, used to size node groups from the topology's
 *     replica counts; context {@code podsPerNode}
 */
public record Settings(
    String account,
    String zoneName,
    @Nullable String hostedZoneId,
    String readHost,
    String writeHost,
    String bucketPrefix,
    String nodeInstanceType,
    int podsPerNode) {

  /** The account synth uses when none is given; not a real account. */
  public static final String PLACEHOLDER_ACCOUNT = "111111111111";

  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
  private static final Pattern DNS_NAME =
      Pattern.compile("([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}");
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern BUCKET_PREFIX = Pattern.compile("[a-z0-9][a-z0-9-]{1,30}");
  private static final Pattern INSTANCE_TYPE = Pattern.compile("[a-z][a-z0-9-]*\\.[a-z0-9]+");

  /**
   * @throws IllegalArgumentException naming the context key, e.g. {@code context account: '12'
   *     (expected: a 12-digit AWS account id)}
   */
  public Settings {
    check(ACCOUNT.matcher(account).matches(), "account", account, "a 12-digit AWS account id");
    check(DNS_NAME.matcher(zoneName).matches(), "zoneName", zoneName, "a DNS name, lower case");
    check(LABEL.matcher(readHost).matches(), "readHost", readHost, "one DNS label");
    check(LABEL.matcher(writeHost).matches(), "writeHost", writeHost, "one DNS label");
    check(!readHost.equals(writeHost), "writeHost", writeHost, "a label other than readHost");
    check(
        BUCKET_PREFIX.matcher(bucketPrefix).matches(),
        "bucketPrefix",
        bucketPrefix,
        "2 to 31 lower-case letters, digits or hyphens");
    check(
        INSTANCE_TYPE.matcher(nodeInstanceType).matches(),
        "nodeInstanceType",
        nodeInstanceType,
        "an EC2 instance type such as m6i.xlarge");
    check(podsPerNode >= 1, "podsPerNode", Integer.toString(podsPerNode), ">= 1");
  }

  /** The defaults: placeholder account, {@code intelgraph.example.com}, m6i.xlarge nodes. */
  public static Settings defaults() {
    return fromContext(Map.of());
  }

  /** Settings from CDK context values, defaults for the keys that are absent. */
  public static Settings fromContext(Map<String, String> context) {
    String pods = context.getOrDefault("podsPerNode", "4");
    int podsPerNode;
    try {
      podsPerNode = Integer.parseInt(pods);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "context podsPerNode: '" + pods + "' (expected: a whole number >= 1)", e);
    }
    return new Settings(
        context.getOrDefault("account", PLACEHOLDER_ACCOUNT),
        context.getOrDefault("zoneName", "intelgraph.example.com"),
        context.get("hostedZoneId"),
        context.getOrDefault("readHost", "api"),
        context.getOrDefault("writeHost", "write"),
        context.getOrDefault("bucketPrefix", "intelgraph-data"),
        context.getOrDefault("nodeInstanceType", "m6i.xlarge"),
        podsPerNode);
  }

  /** {@code <readHost>.<zoneName>}. */
  public String readName() {
    return readHost + "." + zoneName;
  }

  /** {@code <writeHost>.<zoneName>}. */
  public String writeName() {
    return writeHost + "." + zoneName;
  }

  private static void check(boolean ok, String key, String value, String expected) {
    if (!ok) {
      throw new IllegalArgumentException(
          "context " + key + ": '" + value + "' (expected: " + expected + ")");
    }
  }
}
