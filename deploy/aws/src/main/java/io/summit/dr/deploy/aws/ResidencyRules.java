package io.summit.dr.deploy.aws;

import io.summit.dr.topology.DataClass;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.s3.CfnBucket;
import software.amazon.awscdk.services.s3.Filter;
import software.amazon.awscdk.services.s3.ReplicationRule;

/**
 * The S3 replication rules that keep the objects of data classes out of a destination outside the
 * classes' regions. A rule's filter only selects what the rule covers: nothing takes objects out of
 * the catch-all rule (priority 0). S3 replicates an object selected by several rules with the same
 * destination bucket according to the one with the highest priority, so each class gets rules above
 * the catch-all that select its objects and are disabled: one per object prefix ({@code Filter:
 * {Prefix}}) and one for its tags ({@code Filter: {TagFilter}}, {@code {And: {TagFilters}}} for
 * several). None replicates delete markers (S3 refuses a tag-filtered rule that does).
 *
 * <p>The L2 {@link ReplicationRule} always writes {@code Status: Enabled} and wraps tags in {@code
 * And} with an empty prefix, so the rules go to the bucket as L2 rules (which grants the
 * replication role what they need) and {@link #disable} then overrides their status and tag filters
 * in the template.
 */
final class ResidencyRules {
  /** One rule: what it selects, a key prefix or every one of some tags (prefix empty). */
  private record Rule(String id, String prefix, Map<String, String> tags) {}

  private final List<Rule> rules;

  /**
   * @param withheld the data classes a bucket holds that the destination's region does not allow
   */
  ResidencyRules(List<DataClass> withheld) {
    List<Rule> out = new ArrayList<>();
    for (DataClass c : withheld) {
      for (int i = 0; i < c.objectPrefixes().size(); i++) {
        out.add(
            new Rule(
                "withhold-" + c.name() + "-prefix-" + (i + 1),
                c.objectPrefixes().get(i),
                Map.of()));
      }
      if (!c.objectTags().isEmpty()) {
        out.add(new Rule("withhold-" + c.name() + "-tags", "", c.objectTags()));
      }
    }
    rules = List.copyOf(out);
  }

  /**
   * The rules to {@code target}, priorities from their count down to 1 (above the catch-all's 0).
   * They select KMS-encrypted objects, as the catch-all does, so that they select the same objects.
   */
  List<ReplicationRule> replicationRules(Buckets.Target target) {
    List<ReplicationRule> out = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      out.add(
          ReplicationRule.builder()
              .id(rules.get(i).id())
              .priority(rules.size() - i)
              .destination(target.bucket())
              .kmsKey(target.key())
              .sseKmsEncryptedObjects(true)
              .deleteMarkerReplication(false)
              .filter(Filter.builder().prefix(rules.get(i).prefix()).build())
              .build());
    }
    return out;
  }

  /**
   * Disables the rules in the bucket's template and writes their tag filters, {@code first} being
   * the index of the first of {@link #replicationRules} among the bucket's rules.
   */
  void disable(CfnBucket bucket, int first) {
    for (int i = 0; i < rules.size(); i++) {
      String path = "ReplicationConfiguration.Rules." + (first + i);
      bucket.addPropertyOverride(path + ".Status", "Disabled");
      Map<String, String> tags = rules.get(i).tags();
      if (tags.size() == 1) {
        bucket.addPropertyDeletionOverride(path + ".Filter.Prefix");
        bucket.addPropertyOverride(path + ".Filter.TagFilter", tagFilters(tags).get(0));
      } else if (tags.size() > 1) {
        bucket.addPropertyDeletionOverride(path + ".Filter.Prefix");
        bucket.addPropertyOverride(path + ".Filter.And.TagFilters", tagFilters(tags));
      }
    }
  }

  private static List<Map<String, String>> tagFilters(Map<String, String> tags) {
    return tags.entrySet().stream()
        .map(e -> Map.of("Key", e.getKey(), "Value", e.getValue()))
        .toList();
  }
}
