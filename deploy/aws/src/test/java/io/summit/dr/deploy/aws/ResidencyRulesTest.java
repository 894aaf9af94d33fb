package io.summit.dr.deploy.aws;

import static io.summit.dr.deploy.aws.PlatformStacksTest.properties;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

/**
 * The topology's data residency in the primary's object bucket: disabled rules above the catch-all
 * keep a class's objects out of a replica region the class does not allow.
 */
class ResidencyRulesTest {
  private static final String BUCKET = "intelgraph-data-us-west-2";
  private static final Map<String, Object> DISABLED = Map.of("Status", "Disabled");

  @Test
  void exampleWithholdsAcmeGovDocumentsFromUsEast1AboveTheCatchAll() {
    List<Map<String, Object>> rules = rules(ExampleApp.get().primary);

    assertThat(rules)
        .extracting(r -> r.get("Id"))
        .containsExactly(
            "replicate-objects",
            "withhold-acme-gov-documents-prefix-1",
            "withhold-acme-gov-documents-tags");
    Map<String, Object> everything = rules.get(0);
    assertThat(everything)
        .containsEntry("Status", "Enabled")
        .containsEntry("Priority", 0)
        .containsEntry("Filter", Map.of("Prefix", ""));
    Map<String, Object> prefix = rules.get(1);
    assertThat(prefix)
        .containsEntry("Status", "Disabled")
        .containsEntry("Filter", Map.of("Prefix", "tenants/acme-gov/"))
        .containsEntry("DeleteMarkerReplication", DISABLED);
    Map<String, Object> tags = rules.get(2);
    assertThat(tags)
        .containsEntry("Status", "Disabled")
        .containsEntry(
            "Filter", Map.of("TagFilter", Map.of("Key", "residency", "Value", "us-west-2")))
        .containsEntry("DeleteMarkerReplication", DISABLED);
    for (Map<String, Object> withhold : List.of(prefix, tags)) {
      assertThat((Integer) withhold.get("Priority")).isGreaterThan(0);
      assertThat(destination(withhold).get("Bucket"))
          .isEqualTo(destination(everything).get("Bucket"));
      assertThat(withhold.get("SourceSelectionCriteria"))
          .isEqualTo(everything.get("SourceSelectionCriteria"));
    }
    assertThat(prefix.get("Priority")).isNotEqualTo(tags.get("Priority"));
  }

  /** The residency section is what adds rules: without it, the bucket has the one rule of old. */
  @Test
  void withoutResidencyTheBucketKeepsExactlyTheSingleCatchAllRule() {
    ExampleApp plain = ExampleApp.of("no-residency.yaml", withoutResidency());

    List<Map<String, Object>> withResidency = rules(ExampleApp.get().primary);
    assertThat(withResidency).hasSize(3);
    assertThat(rules(plain.primary)).containsExactly(withResidency.get(0));
  }

  @Test
  void classAllowedInTheDestinationAddsNoRule() {
    String residency =
        """
        residency:
          classes:
            - name: acme-gov-documents
              regions: [us-west-2, us-east-1]
              stores: [objects]
              object_prefixes: [tenants/acme-gov/]
              object_tags: {residency: us-west-2}
            - name: acme-gov-records
              regions: [us-west-2]
              stores: [objects]
              object_prefixes: [records/acme-gov/, exports/acme-gov/]
              object_tags: {residency: us-west-2, contract: gov}
        """;
    ExampleApp app = ExampleApp.of("allowed-class.yaml", withoutResidency() + residency);

    List<Map<String, Object>> rules = rules(app.primary);
    assertThat(rules)
        .extracting(r -> r.get("Id"))
        .containsExactly(
            "replicate-objects",
            "withhold-acme-gov-records-prefix-1",
            "withhold-acme-gov-records-prefix-2",
            "withhold-acme-gov-records-tags");
    assertThat(rules).extracting(r -> r.get("Priority")).containsExactly(0, 3, 2, 1);
    assertThat(rules.get(2)).containsEntry("Filter", Map.of("Prefix", "exports/acme-gov/"));
    assertThat(rules.get(3))
        .containsEntry(
            "Filter",
            Map.of(
                "And",
                Map.of(
                    "TagFilters",
                    List.of(
                        Map.of("Key", "residency", "Value", "us-west-2"),
                        Map.of("Key", "contract", "Value", "gov")))));
  }

  private static String withoutResidency() {
    String text = ExampleApp.exampleText();
    int residency = text.indexOf("\nresidency:\n");
    assertThat(residency).isPositive();
    return text.substring(0, residency + 1);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> rules(Template template) {
    return (List<Map<String, Object>>) field(replication(template), "Rules");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> replication(Template template) {
    Map<String, Map<String, Object>> buckets =
        template.findResources(
            "AWS::S3::Bucket", Map.of("Properties", Map.of("BucketName", BUCKET)));
    assertThat(buckets).hasSize(1);
    return (Map<String, Object>)
        field(properties(buckets.values().iterator().next()), "ReplicationConfiguration");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> destination(Map<String, Object> rule) {
    return (Map<String, Object>) field(rule, "Destination");
  }

  private static Object field(Map<String, Object> map, String key) {
    return Objects.requireNonNull(map.get(key), key);
  }
}
