package io.summit.dr.topology;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Data residency: the data classes that may only live in some regions, and the request headers that
 * carry a request's class. The router sends a request of a class only to the class's regions (and
 * refuses it when none is available, rather than serving it elsewhere); the object replicator never
 * copies an object of a class to a region outside it; a store that replicates whole may hold a
 * class only when every region it has a node in is the class's; a region failure leaves a class
 * that cannot move unavailable until its region returns.
 */
public record Residency(
    @Doc("Request header that names a request's data class.") @Default("x-summit-data-class")
        String classHeader,
    @Doc("Request header that names a request's tenant (mapped to a class by its tenants).")
        @Default("x-summit-tenant")
        String tenantHeader,
    @Doc("The data classes.") @Default("[]") List<DataClass> classes) {

  public static Residency none() {
    return new Residency("x-summit-data-class", "x-summit-tenant", List.of());
  }

  public Residency {
    classes = List.copyOf(classes);
    Violations v = new Violations();
    v.check(isToken(classHeader), "class_header", "'" + classHeader + "'", "an HTTP header name");
    v.check(
        isToken(tenantHeader), "tenant_header", "'" + tenantHeader + "'", "an HTTP header name");
    v.check(
        !classHeader.equalsIgnoreCase(tenantHeader),
        "tenant_header",
        "'" + tenantHeader + "' is also the class_header",
        "a header other than class_header");
    v.unique("classes", classes, DataClass::name);
    Map<String, String> tenantClass = new java.util.HashMap<>();
    for (int k = 0; k < classes.size(); k++) {
      DataClass c = classes.get(k);
      for (int i = 0; i < c.tenants().size(); i++) {
        String tenant = c.tenants().get(i);
        String first = tenantClass.putIfAbsent(tenant, c.name());
        v.check(
            first == null || first.equals(c.name()),
            "classes[" + k + "].tenants[" + i + "]",
            "tenant '" + tenant + "' is already in class '" + first + "'",
            "each tenant in one class");
      }
    }
    v.throwIfAny();
  }

  private static boolean isToken(String header) {
    return !header.isEmpty() && header.chars().allMatch(ch -> ch > 32 && ch < 127 && ch != ':');
  }

  public Optional<DataClass> dataClass(String name) {
    return classes.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /** The class of a tenant, or null when the tenant is in none. */
  public @Nullable DataClass tenantClass(String tenant) {
    return classes.stream().filter(c -> c.tenants().contains(tenant)).findFirst().orElse(null);
  }

  /** The class a record key belongs to, or null. */
  public @Nullable DataClass keyClass(String key) {
    return classes.stream().filter(c -> c.holdsKey(key)).findFirst().orElse(null);
  }

  /**
   * Whether an object may be copied to {@code region}: false when it belongs to a class that does
   * not allow the region.
   */
  public boolean mayCopyObject(String key, Map<String, String> tags, String region) {
    return classes.stream().noneMatch(c -> c.holdsObject(key, tags) && !c.allows(region));
  }

  /** Whether any class selects objects by tag (the replicator must read tags to decide). */
  public boolean selectsObjectsByTag() {
    return classes.stream().anyMatch(c -> !c.objectTags().isEmpty());
  }
}
