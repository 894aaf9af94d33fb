package io.summit.dr.topology;

import java.util.List;
import java.util.Map;

/**
 * A named class of data that may only be stored and served in some regions (a tenant's contract, a
 * regulator's rule). A record, request or object belongs to the class when it matches one of the
 * class's selectors: a tenant (requests carrying it), a record key prefix, an object key prefix, or
 * object tags (every listed tag present with its value, as in an S3 replication rule's filter).
 */
public record DataClass(
    @Doc("Class name.") String name,
    @Doc("Regions where data of the class may be stored and served.") List<String> regions,
    @Doc(
            "Stores that hold data of the class. A store that replicates whole (postgres, redis,"
                + " neo4j) must have all its regions among the class's; an objects store may"
                + " replicate elsewhere, filtered by object_prefixes or object_tags.")
        @Default("[]")
        List<String> stores,
    @Doc("Tenants whose requests and records belong to the class.") @Default("[]")
        List<String> tenants,
    @Doc("Record keys (entity ids) starting with one of these belong to the class.") @Default("[]")
        List<String> keyPrefixes,
    @Doc("Object keys starting with one of these belong to the class.") @Default("[]")
        List<String> objectPrefixes,
    @Doc("Objects carrying every one of these tags (name to value) belong to the class.")
        @Default("{}")
        Map<String, String> objectTags) {

  public DataClass {
    regions = List.copyOf(regions);
    stores = List.copyOf(stores);
    tenants = List.copyOf(tenants);
    keyPrefixes = List.copyOf(keyPrefixes);
    objectPrefixes = List.copyOf(objectPrefixes);
    objectTags = Maps.copyOf(objectTags);
    Violations v = new Violations();
    v.notBlank("name", name);
    v.check(
        !regions.isEmpty(),
        "regions",
        "empty",
        "at least one region where the class may be stored and served");
    v.uniqueValues("regions", regions);
    v.uniqueValues("stores", stores);
    v.uniqueValues("tenants", tenants);
    v.check(
        !(tenants.isEmpty()
            && keyPrefixes.isEmpty()
            && objectPrefixes.isEmpty()
            && objectTags.isEmpty()),
        "name",
        "class '" + name + "' selects nothing",
        "at least one of tenants, key_prefixes, object_prefixes, object_tags");
    for (int i = 0; i < tenants.size(); i++) {
      v.notBlank("tenants[" + i + "]", tenants.get(i));
    }
    for (int i = 0; i < keyPrefixes.size(); i++) {
      v.notBlank("key_prefixes[" + i + "]", keyPrefixes.get(i));
    }
    for (int i = 0; i < objectPrefixes.size(); i++) {
      String p = objectPrefixes.get(i);
      v.notBlank("object_prefixes[" + i + "]", p);
      v.check(
          !p.startsWith(ObjectRule.RESERVED_PREFIX),
          "object_prefixes[" + i + "]",
          "'" + p + "' is reserved",
          "a prefix outside " + ObjectRule.RESERVED_PREFIX);
    }
    v.throwIfAny();
  }

  /** Whether data of the class may be stored and served in {@code region}. */
  public boolean allows(String region) {
    return regions.contains(region);
  }

  /** Whether a record key (entity id) belongs to the class. */
  public boolean holdsKey(String key) {
    return keyPrefixes.stream().anyMatch(key::startsWith);
  }

  /** Whether an object with this key and these tags belongs to the class. */
  public boolean holdsObject(String key, Map<String, String> tags) {
    if (objectPrefixes.stream().anyMatch(key::startsWith)) {
      return true;
    }
    return !objectTags.isEmpty()
        && objectTags.entrySet().stream().allMatch(e -> e.getValue().equals(tags.get(e.getKey())));
  }

  /** Whether the class selects objects at all (a filter an objects store's replication applies). */
  public boolean selectsObjects() {
    return !objectPrefixes.isEmpty() || !objectTags.isEmpty();
  }
}
