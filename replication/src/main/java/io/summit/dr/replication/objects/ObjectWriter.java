package io.summit.dr.replication.objects;

import io.summit.dr.topology.ObjectRule;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * How a service writes and reads one region's bucket: writes only while the bucket is an unfenced
 * primary ({@link BucketRole}, read before each write), objects no larger than the rule's limit;
 * reads from this region's bucket whatever its role. Thread-safe.
 */
public final class ObjectWriter {
  /** A write refused: the bucket is fenced or a replica, or the input is bad. */
  public static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Refused(String message) {
      super(message);
    }
  }

  /** Told of every key written (a new version or a delete marker), after the bucket took it. */
  @FunctionalInterface
  public interface Notifier {
    Notifier NONE = key -> {};

    void written(String key);
  }

  private final S3Client s3;
  private final String bucket;
  private final ObjectRule rule;
  private final Notifier notifier;

  public ObjectWriter(S3Client s3, String bucket, ObjectRule rule) {
    this(s3, bucket, rule, Notifier.NONE);
  }

  public ObjectWriter(S3Client s3, String bucket, ObjectRule rule, Notifier notifier) {
    this.s3 = s3;
    this.bucket = bucket;
    this.rule = rule;
    this.notifier = notifier;
  }

  public String bucket() {
    return bucket;
  }

  /**
   * Stores a new version of {@code key}.
   *
   * @return its version id
   * @throws Refused naming the field when the key or the size is bad, or the bucket not writable
   */
  public String put(String key, byte[] body, String contentType) {
    checkKey(key);
    if (body.length > rule.maxObjectBytes()) {
      throw new Refused(
          "body: "
              + body.length
              + " bytes (expected: at most max_object_bytes "
              + rule.maxObjectBytes()
              + ")");
    }
    checkWritable();
    String version =
        s3.putObject(
                b -> b.bucket(bucket).key(key).contentType(contentType),
                RequestBody.fromBytes(body))
            .versionId();
    notifier.written(key);
    return version;
  }

  /** Adds a delete marker to {@code key} (its versions stay). */
  public void delete(String key) {
    checkKey(key);
    checkWritable();
    s3.deleteObject(b -> b.bucket(bucket).key(key));
    notifier.written(key);
  }

  /** The latest version of {@code key} in this region; empty when none or a delete marker. */
  public Optional<byte[]> get(String key) {
    checkKey(key);
    try {
      return Optional.of(s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
    } catch (S3Exception e) {
      if (e.statusCode() == 404 && "NoSuchKey".equals(e.awsErrorDetails().errorCode())) {
        return Optional.empty();
      }
      if (e.statusCode() == 404) {
        throw new Refused("bucket: '" + bucket + "' does not exist (expected: an existing bucket)");
      }
      throw e;
    }
  }

  private void checkWritable() {
    BucketRole role;
    try {
      role = BucketRole.read(s3, bucket);
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        throw new Refused("bucket: '" + bucket + "' does not exist (expected: an existing bucket)");
      }
      throw e;
    }
    if (!role.writable()) {
      throw new Refused(
          "bucket: '"
              + bucket
              + "' is "
              + (role.primary() ? "fenced" : "a replica")
              + " (expected: the region's primary bucket)");
    }
  }

  private static void checkKey(String key) {
    if (key.isEmpty() || key.length() > 1024 || key.startsWith(ObjectRule.RESERVED_PREFIX)) {
      throw new Refused(
          "key: '"
              + key
              + "' (expected: 1 to 1024 characters, not under "
              + ObjectRule.RESERVED_PREFIX
              + ")");
    }
  }
}
