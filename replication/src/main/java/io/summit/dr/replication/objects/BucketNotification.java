package io.summit.dr.replication.objects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.topology.ObjectRule;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A bucket's notification configuration, kept in the bucket at {@value #KEY} (reserved, never
 * replicated): where its replicator takes notifications of new versions and delete markers. S3
 * would emit them itself (event notifications); the lab's S3-compatible server emits none, so the
 * writers send them ({@link ReplicatorNotifier}), and the replicator publishes its address here
 * when it starts.
 *
 * @param events the replicator's admin address
 * @param tls whether it listens with HTTPS (else plain HTTP)
 */
public record BucketNotification(Endpoint events, boolean tls) {
  public static final String KEY = ObjectRule.RESERVED_PREFIX + "notification.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A replicator that listens with plain HTTP. */
  public BucketNotification(Endpoint events) {
    this(events, false);
  }

  /** The configuration recorded in {@code bucket}, if one is. */
  public static Optional<BucketNotification> read(S3Client s3, String bucket) {
    try {
      byte[] body = s3.getObjectAsBytes(b -> b.bucket(bucket).key(KEY)).asByteArray();
      JsonNode n = JSON.readTree(body);
      return Optional.of(
          new BucketNotification(
              Endpoint.parse(n.path("events").asText()), n.path("tls").asBoolean(false)));
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw e;
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalStateException(bucket + "/" + KEY + ": " + e.getMessage(), e);
    }
  }

  public void write(S3Client s3, String bucket) {
    String text;
    try {
      text = JSON.writeValueAsString(Map.of("events", events.toString(), "tls", tls));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    s3.putObject(
        b -> b.bucket(bucket).key(KEY).contentType("application/json"),
        RequestBody.fromString(text));
  }
}
