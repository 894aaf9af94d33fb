package io.summit.dr.cloud.aws;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * A bearer token for an EKS cluster's Kubernetes API, made from the caller's AWS credentials as
 * {@code aws eks get-token} and aws-iam-authenticator make it: an STS {@code GetCallerIdentity}
 * request presigned with SigV4 in the query string (valid 60 s), signing the {@code x-k8s-aws-id}
 * header with the cluster's name, base64url-encoded without padding after {@code k8s-aws-v1.}. EKS
 * asks STS who signed it and maps that role through the cluster's access entries. Nothing is sent
 * to STS here; the task needs no STS permission (GetCallerIdentity needs none).
 */
public final class EksToken {
  static final String PREFIX = "k8s-aws-v1.";
  static final Duration VALID = Duration.ofSeconds(60);

  private final AwsCredentialsProvider credentials;
  private final Clock clock;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

  public EksToken(AwsCredentialsProvider credentials, Clock clock) {
    this.credentials = credentials;
    this.clock = clock;
  }

  /** A fresh token for {@code cluster} in {@code region}. */
  public String token(String cluster, String region) {
    SdkHttpRequest request =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.GET)
            .protocol("https")
            .host("sts." + region + ".amazonaws.com")
            .encodedPath("/")
            .putRawQueryParameter("Action", "GetCallerIdentity")
            .putRawQueryParameter("Version", "2011-06-15")
            .putHeader("x-k8s-aws-id", cluster)
            .build();
    AwsCredentialsIdentity identity = credentials.resolveIdentity().join();
    SignedRequest signed =
        signer.sign(
            r ->
                r.identity(identity)
                    .request(request)
                    .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "sts")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                    .putProperty(
                        AwsV4FamilyHttpSigner.AUTH_LOCATION,
                        AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                    .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, VALID)
                    .putProperty(
                        software.amazon.awssdk.http.auth.spi.signer.HttpSigner.SIGNING_CLOCK,
                        clock));
    String url = signed.request().getUri().toString();
    return PREFIX
        + Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(url.getBytes(StandardCharsets.UTF_8));
  }
}
