package io.summit.dr.workload.service;

import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.objects.ObjectWriter;
import io.summit.dr.replication.objects.ReplicatorNotifier;
import io.summit.dr.replication.objects.S3Clients;
import io.summit.dr.topology.Residency;
import io.summit.dr.topology.Store;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Each entity's document in object storage: {@code entities/<id>.json} in the writer region's
 * bucket, written after the row and the cache key; a delete adds a delete marker (the earlier
 * versions stay, and replicate); a read takes this region's copy. Writes go through {@link
 * ObjectWriter}, which refuses a fenced or replica bucket, and notify the bucket's replicator
 * ({@link ReplicatorNotifier}). Follows discovery like {@link EntityStore}: a new writer region
 * gets a new client; the old one closes in the background.
 *
 * <p>Thread-safe: the current buckets are one immutable value swapped atomically.
 */
final class EntityObjects implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EntityObjects.class);
  static final String CONTENT_TYPE = "application/json";

  /** The writer region's bucket and this region's, as one discovery version names them. */
  private record Buckets(
      long version,
      String writerRegion,
      ObjectWriter writer,
      S3Client writerClient,
      ObjectWriter local,
      S3Client localClient) {}

  private final Store store;
  private final String region;
  private final UnaryOperator<Endpoint> route;
  private final Duration timeout;
  private final Residency residency;
  private volatile @Nullable Buckets buckets;

  /**
   * What a notification to a bucket's replicator carries: this service's token (a viewer's will do)
   * and the authority trusted when the replicator listens with HTTPS; either may be null.
   */
  record Notify(
      io.summit.dr.access.@Nullable BearerToken token, javax.net.ssl.@Nullable SSLContext trust) {
    static final Notify PLAIN = new Notify(null, null);
  }

  private final Notify notify;

  EntityObjects(
      Store store,
      String region,
      UnaryOperator<Endpoint> route,
      Duration timeout,
      Residency residency) {
    this(store, region, route, timeout, residency, Notify.PLAIN);
  }

  EntityObjects(
      Store store,
      String region,
      UnaryOperator<Endpoint> route,
      Duration timeout,
      Residency residency,
      Notify notify) {
    this.store = store;
    this.region = region;
    this.route = route;
    this.timeout = timeout;
    this.residency = residency;
    this.notify = notify;
  }

  /**
   * The last guard of data residency, on the bucket about to be written: the service checks before
   * a write, but the writer region can move between that check and the write (a switchover drill
   * put one pinned document in the new writer's bucket that way).
   */
  private void requireResidency(String key, Buckets b) {
    if (!residency.mayCopyObject(key, java.util.Map.of(), b.writerRegion())) {
      throw new EntityStore.StoreException(
          store.name()
              + "@"
              + b.writerRegion()
              + ": "
              + key
              + " belongs to a data class that may not be stored in "
              + b.writerRegion()
              + ", which became the writer region during this write; the document is not written",
          null);
    }
  }

  /** The object key of entity {@code id}. */
  static String key(String id) {
    return "entities/" + id + ".json";
  }

  /** Follows a discovery version: a new writer bucket when the writer region moved. */
  synchronized void apply(Endpoints e) {
    Buckets old = buckets;
    if (old != null && e.version() <= old.version()) {
      return;
    }
    Endpoints.StoreAddresses a = e.stores().get(store.name());
    if (a == null) {
      throw new IllegalArgumentException(
          "discovery: no store '" + store.name() + "' (expected: " + e.stores().keySet() + ")");
    }
    boolean moved = old == null || !old.writerRegion().equals(e.writerRegion());
    S3Client writerClient =
        moved
            ? S3Clients.at(route.apply(a.writer()), timeout)
            : Objects.requireNonNull(old).writerClient();
    S3Client localClient;
    if (old != null) {
      localClient = old.localClient();
    } else {
      Endpoint local = a.readers().get(region);
      if (local == null) {
        throw new IllegalArgumentException(
            "discovery: no reader of " + store.name() + " in " + region + " (expected: one)");
      }
      localClient = S3Clients.at(route.apply(local), timeout);
    }
    ObjectWriter writer =
        moved
            ? new ObjectWriter(
                writerClient,
                store.objectRule().bucket(e.writerRegion()),
                store.objectRule(),
                new ReplicatorNotifier(
                    writerClient,
                    store.objectRule().bucket(e.writerRegion()),
                    route,
                    timeout,
                    java.time.Clock.systemUTC(),
                    notify.token(),
                    notify.trust()))
            : Objects.requireNonNull(old).writer();
    ObjectWriter local =
        old != null
            ? old.local()
            : new ObjectWriter(localClient, store.objectRule().bucket(region), store.objectRule());
    buckets = new Buckets(e.version(), e.writerRegion(), writer, writerClient, local, localClient);
    if (moved && old != null) {
      log.info("objects: writer bucket {} ({})", writer.bucket(), e.writerRegion());
      Thread.ofVirtual().start(old.writerClient()::close);
    }
  }

  private Buckets buckets() {
    Buckets b = buckets;
    if (b == null) {
      throw new EntityStore.StoreException("discovery: no endpoints yet", null);
    }
    return b;
  }

  /**
   * Stores the entity's document as a new version in the writer region's bucket.
   *
   * @return the version id
   * @throws EntityStore.StoreException naming the bucket, when it refuses or does not answer
   */
  String put(String id, String document) {
    Buckets b = buckets();
    requireResidency(key(id), b);
    try {
      return b.writer().put(key(id), document.getBytes(StandardCharsets.UTF_8), CONTENT_TYPE);
    } catch (ObjectWriter.Refused | SdkException e) {
      throw new EntityStore.StoreException(
          store.name() + "@" + b.writerRegion() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Adds a delete marker to the entity's document in the writer region's bucket.
   *
   * @return the writer region
   */
  String delete(String id) {
    Buckets b = buckets();
    requireResidency(key(id), b);
    try {
      b.writer().delete(key(id));
      return b.writerRegion();
    } catch (ObjectWriter.Refused | SdkException e) {
      throw new EntityStore.StoreException(
          store.name() + "@" + b.writerRegion() + ": " + e.getMessage(), e);
    }
  }

  /** This region's copy of the entity's document; empty when none or deleted. */
  Optional<String> read(String id) {
    Buckets b = buckets();
    try {
      return b.local().get(key(id)).map(bytes -> new String(bytes, StandardCharsets.UTF_8));
    } catch (ObjectWriter.Refused | SdkException e) {
      throw new EntityStore.StoreException(store.name() + "@" + region + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    Buckets b = buckets;
    if (b != null) {
      b.writerClient().close();
      b.localClient().close();
    }
  }
}
