package io.summit.dr.replication.objects;

import io.summit.dr.replication.Endpoint;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Builds the {@link S3Client} for an S3-compatible endpoint (the lab's servers). */
public final class S3Clients {
  private S3Clients() {}

  /**
   * A client for the S3-compatible server at {@code endpoint}: path-style addressing, static
   * credentials (the lab's servers check none), {@code timeout} to connect and to read, no retries
   * (the caller decides: a replicator pass ends at the first unreachable peer). Apache's client,
   * not the JDK's URL connection: that one silently sends a request again when a kept-alive
   * connection fails, and a delete sent twice leaves two delete markers.
   */
  public static S3Client at(Endpoint endpoint, Duration timeout) {
    return S3Client.builder()
        .endpointOverride(URI.create("http://" + endpoint.host() + ":" + endpoint.port()))
        .forcePathStyle(true)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("summit", "summit")))
        .httpClient(
            Apache5HttpClient.builder()
                .connectionTimeout(timeout)
                .socketTimeout(timeout.multipliedBy(4))
                .build())
        .overrideConfiguration(
            ClientOverrideConfiguration.builder()
                .retryStrategy(b -> b.maxAttempts(1))
                .apiCallTimeout(timeout.multipliedBy(8))
                .build())
        .build();
  }
}
