package io.summit.dr.replication.objects;

import io.summit.dr.topology.Residency;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Tag;

/**
 * Data residency for one replication direction: whether a source version or delete marker may be
 * copied to the destination region ({@link Residency#mayCopyObject}). An object belongs to a class
 * by its key prefix or by carrying all of the class's tags; a delete marker carries no tags, so it
 * is judged by its key prefix and, when a class selects by tag, by the tags of the version it hides
 * (every version that could be it when their times tie: in doubt, the marker is not copied). Tags
 * are read only when a class selects by tag. Immutable; thread-safe.
 */
final class ResidencyFilter {
  private final Residency residency;
  private final String region;

  ResidencyFilter(Residency residency, String region) {
    this.residency = residency;
    this.region = region;
  }

  /** Why a version or marker is not copied, for the log. */
  String why() {
    return "data residency: the object's class does not allow region " + region;
  }

  /** Whether a version's tags matter (a class selects objects by tag). */
  boolean needsTags() {
    return residency.selectsObjectsByTag();
  }

  /** Whether an object with this key may be copied, by key prefix alone. */
  boolean admitsKey(String key) {
    return residency.mayCopyObject(key, Map.of(), region);
  }

  /** Whether an object with this key and these tags may be copied. */
  boolean admits(String key, List<Tag> tags) {
    return residency.mayCopyObject(key, asMap(tags), region);
  }

  /** Whether a source version may be copied, its tags read only when a class selects by tag. */
  boolean admitsVersion(ObjectReplicator.Side source, String key, String versionId) {
    if (!admitsKey(key)) {
      return false;
    }
    return !needsTags()
        || tagsIfPresent(source, key, versionId).map(t -> admits(key, t)).orElse(true);
  }

  /**
   * Whether a delete marker may be copied: by its key prefix, then by the tags of the version it
   * hides (the newest version of its key no later than the marker; S3's listings order a key's
   * versions by time only, so every version at that time counts). A hidden version deleted since
   * carries no tags.
   */
  boolean admitsMarker(ObjectReplicator.Side source, ObjectReplicator.Item marker) {
    if (!admitsKey(marker.key())) {
      return false;
    }
    if (!needsTags()) {
      return true;
    }
    for (ObjectReplicator.Item hidden : hiddenBy(source, marker)) {
      Optional<List<Tag>> tags = tagsIfPresent(source, hidden.key(), hidden.versionId());
      if (tags.isPresent() && !admits(marker.key(), tags.get())) {
        return false;
      }
    }
    return true;
  }

  /** The source versions {@code marker} may hide: its key's newest no later than it. */
  private static List<ObjectReplicator.Item> hiddenBy(
      ObjectReplicator.Side source, ObjectReplicator.Item marker) {
    List<ObjectReplicator.Item> older =
        ObjectReplicator.list(source, marker.key()).stream()
            .filter(i -> !i.marker() && i.key().equals(marker.key()))
            .filter(i -> !i.lastModified().isAfter(marker.lastModified()))
            .toList();
    return older.stream()
        .map(ObjectReplicator.Item::lastModified)
        .max(Instant::compareTo)
        .map(newest -> older.stream().filter(i -> newest.equals(i.lastModified())).toList())
        .orElse(List.of());
  }

  /** A version's tags; empty when the version is gone (deleted by version id since). */
  private static Optional<List<Tag>> tagsIfPresent(
      ObjectReplicator.Side side, String key, String versionId) {
    try {
      return Optional.of(ObjectReplicator.tags(side, key, versionId));
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private static Map<String, String> asMap(List<Tag> tags) {
    return tags.stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b));
  }
}
