package io.summit.dr.cloud.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * The Route 53 ARC cluster data plane ({@code GetRoutingControlState}, {@code
 * UpdateRoutingControlState}): JSON 1.0 requests signed with SigV4 by the SDK's signer, since the
 * SDK's {@code route53recoverycluster} module is not available here. Errors come back as the SDK's
 * {@link AwsServiceException} with the API's error code ({@code ThrottlingException}, {@code
 * ConflictException}, ...), so {@link CallRunner} retries them as it does any call.
 */
final class ArcCluster {
  static final String SERVICE = "route53-recovery-cluster";
  private static final String TARGET = "ToggleCustomerAPI.";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AwsClients clients;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  ArcCluster(AwsClients clients) {
    this.clients = clients;
  }

  /** {@code On} or {@code Off}. */
  String state(URI endpoint, String region, String control) {
    return send(endpoint, region, "GetRoutingControlState", Map.of("RoutingControlArn", control))
        .path("RoutingControlState")
        .asText();
  }

  void update(URI endpoint, String region, String control, String state) {
    send(
        endpoint,
        region,
        "UpdateRoutingControlState",
        Map.of("RoutingControlArn", control, "RoutingControlState", state));
  }

  private JsonNode send(URI endpoint, String region, String action, Map<String, String> body) {
    try {
      byte[] payload = JSON.writeValueAsBytes(body);
      SdkHttpRequest unsigned =
          SdkHttpRequest.builder()
              .uri(endpoint)
              .method(SdkHttpMethod.POST)
              .putHeader("Content-Type", "application/x-amz-json-1.0")
              .putHeader("X-Amz-Target", TARGET + action)
              .build();
      SignedRequest signed =
          AwsV4HttpSigner.create()
              .sign(
                  r ->
                      r.identity(clients.credentials().resolveCredentials())
                          .request(unsigned)
                          .payload(ContentStreamProvider.fromByteArray(payload))
                          .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SERVICE)
                          .putProperty(AwsV4HttpSigner.REGION_NAME, region));
      HttpRequest.Builder b =
          HttpRequest.newBuilder(endpoint)
              .timeout(Duration.ofSeconds(5))
              .POST(HttpRequest.BodyPublishers.ofByteArray(payload));
      signed
          .request()
          .forEachHeader(
              (name, values) -> {
                if (!name.equalsIgnoreCase("Host")) {
                  values.forEach(v -> b.header(name, v));
                }
              });
      HttpResponse<String> r =
          http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      JsonNode answer = r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
      if (r.statusCode() / 100 != 2) {
        throw error(action, r.statusCode(), answer);
      }
      return answer;
    } catch (IOException e) {
      throw SdkClientException.create(SERVICE + " " + action + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw SdkClientException.create(SERVICE + " " + action + ": interrupted", e);
    }
  }

  private static AwsServiceException error(String action, int status, JsonNode answer) {
    String type = answer.path("__type").asText("UnknownError");
    String code = type.substring(type.indexOf('#') + 1);
    String message = answer.path("message").asText(answer.path("Message").asText(""));
    return AwsServiceException.builder()
        .statusCode(status)
        .message(SERVICE + " " + action + ": " + code + ": " + message)
        .awsErrorDetails(
            AwsErrorDetails.builder()
                .errorCode(code)
                .errorMessage(message)
                .serviceName(SERVICE)
                .build())
        .build();
  }
}
