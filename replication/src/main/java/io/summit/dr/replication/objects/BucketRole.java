package io.summit.dr.replication.objects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.topology.ObjectRule;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A bucket's role, kept in the bucket itself at {@value #KEY} (under the reserved prefix, never
 * replicated): primary or replica, fenced or not, and the writer term it holds. Writers read it
 * before every write and refuse to write to a bucket that is not an unfenced primary: that is how a
 * fence refuses writes here (the lab's S3-compatible server has no bucket policies; on AWS the
 * fence would also put a deny-write bucket policy).
 */
public record BucketRole(boolean primary, boolean fenced, long term) {
  public static final String KEY = ObjectRule.RESERVED_PREFIX + "role.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  public static final BucketRole PRIMARY = new BucketRole(true, false, 0);
  public static final BucketRole REPLICA = new BucketRole(false, false, 0);

  /** Whether a writer may write to this bucket. */
  public boolean writable() {
    return primary && !fenced;
  }

  public BucketRole withFenced(boolean f) {
    return new BucketRole(primary, f, term);
  }

  public BucketRole withTerm(long t) {
    return new BucketRole(primary, fenced, t);
  }

  /** The role recorded in {@code bucket}; a bucket without one is a replica. */
  public static BucketRole read(S3Client s3, String bucket) {
    return readIfPresent(s3, bucket).orElse(REPLICA);
  }

  /** The role recorded in {@code bucket}, if one is. */
  public static java.util.Optional<BucketRole> readIfPresent(S3Client s3, String bucket) {
    try {
      byte[] body = s3.getObjectAsBytes(b -> b.bucket(bucket).key(KEY)).asByteArray();
      JsonNode n = JSON.readTree(body);
      return java.util.Optional.of(
          new BucketRole(
              n.path("role").asText().equals("primary"),
              n.path("fenced").asBoolean(false),
              n.path("term").asLong(0)));
    } catch (S3Exception e) {
      if (e.statusCode() == 404 && "NoSuchKey".equals(e.awsErrorDetails().errorCode())) {
        return java.util.Optional.empty();
      }
      throw e;
    } catch (java.io.IOException e) {
      throw new IllegalStateException(bucket + "/" + KEY + ": not JSON: " + e.getMessage(), e);
    }
  }

  public void write(S3Client s3, String bucket) {
    String text;
    try {
      text =
          JSON.writeValueAsString(
              Map.of("role", primary ? "primary" : "replica", "fenced", fenced, "term", term));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    s3.putObject(
        b -> b.bucket(bucket).key(KEY).contentType("application/json"),
        RequestBody.fromString(text));
  }
}
