package io.summit.dr.cloud.aws;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.s3control.S3ControlClient;

/**
 * The SDK clients of each region, made on first use and closed together. The SDK's own retries are
 * off: {@link CallRunner} retries, once, with its deadline. The HTTP client is Apache HttpClient 5
 * (S3 Control's route update is a PATCH, which the JDK's URL connection cannot send). {@code
 * endpoints} overrides where a service's requests go (a test's local stub); null: the AWS
 * endpoints. Thread-safe.
 */
public final class AwsClients implements AutoCloseable {
  private final AwsCredentialsProvider credentials;
  private final @Nullable Function<String, URI> endpoints;
  private final Map<String, SdkClient> clients = new ConcurrentHashMap<>();

  public AwsClients(AwsCredentialsProvider credentials, @Nullable Function<String, URI> endpoints) {
    this.credentials = credentials;
    this.endpoints = endpoints;
  }

  /** The default credential chain (environment, profile, container or instance role). */
  public static AwsClients defaults() {
    return new AwsClients(DefaultCredentialsProvider.builder().build(), null);
  }

  public AwsCredentialsProvider credentials() {
    return credentials;
  }

  /** Where requests for {@code region} go when overridden, else null. */
  public @Nullable URI endpoint(String region) {
    return endpoints == null ? null : endpoints.apply(region);
  }

  public RdsClient rds(String region) {
    return get("rds", region, RdsClient.builder());
  }

  public ElastiCacheClient elastiCache(String region) {
    return get("elasticache", region, ElastiCacheClient.builder());
  }

  public CloudWatchClient cloudWatch(String region) {
    return get("cloudwatch", region, CloudWatchClient.builder());
  }

  public Route53Client route53() {
    return get("route53", "us-east-1", Route53Client.builder());
  }

  public S3ControlClient s3Control(String region) {
    return get("s3control", region, S3ControlClient.builder());
  }

  @SuppressWarnings("unchecked")
  private <C extends SdkClient, B extends AwsClientBuilder<B, C>> C get(
      String service, String region, B builder) {
    return (C)
        clients.computeIfAbsent(
            service + "@" + region,
            k -> {
              builder
                  .region(Region.of(region))
                  .credentialsProvider(credentials)
                  .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
              URI uri = endpoint(region);
              if (builder
                  instanceof
                  software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<?, ?> sync) {
                Apache5HttpClient.Builder http = Apache5HttpClient.builder();
                if (uri != null) {
                  http.dnsResolver(LOCALHOST_NAMES);
                }
                sync.httpClientBuilder(http);
              }
              if (uri != null) {
                // a local endpoint: no account-id host prefix (S3 Control) in front of it
                builder
                    .endpointOverride(uri)
                    .overrideConfiguration(
                        o ->
                            o.retryStrategy(AwsRetryStrategy.doNotRetry())
                                .putAdvancedOption(
                                    software.amazon.awssdk.core.client.config
                                        .SdkAdvancedClientOption.DISABLE_HOST_PREFIX_INJECTION,
                                    true));
              }
              return builder.build();
            });
  }

  /**
   * Resolves every name under {@code localhost} to the loopback address (RFC 6761, section 6.3),
   * others as the system does: S3 Control's endpoint rules put the account id in front of an
   * overridden host ({@code 111111111111.localhost}), which the JDK's resolver does not know.
   */
  static final DnsResolver LOCALHOST_NAMES =
      new DnsResolver() {
        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
          return isLocalhost(host)
              ? new InetAddress[] {InetAddress.getLoopbackAddress()}
              : SystemDefaultDnsResolver.INSTANCE.resolve(host);
        }

        @Override
        public String resolveCanonicalHostname(String host) throws UnknownHostException {
          return isLocalhost(host)
              ? host
              : SystemDefaultDnsResolver.INSTANCE.resolveCanonicalHostname(host);
        }
      };

  static boolean isLocalhost(String host) {
    String h = host.toLowerCase(java.util.Locale.ROOT);
    return h.equals("localhost") || h.endsWith(".localhost");
  }

  @Override
  public void close() {
    clients.values().forEach(SdkClient::close);
    clients.clear();
  }
}
