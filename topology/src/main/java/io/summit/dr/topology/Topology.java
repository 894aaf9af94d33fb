package io.summit.dr.topology;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The whole deployment: regions, services, data stores and the policies that keep them available.
 * Instances are immutable and valid: the compact constructor checks every cross-field rule (exactly
 * one primary, known region names, replica counts within autoscaling bounds, RPO budgets within the
 * objective, ...) and reports all violations in one {@link InvalidTopologyException}.
 */
public record Topology(
    @Doc("Name of the deployment.") String name,
    @Doc("Regions: exactly one primary, secondaries, optional witnesses.") List<Region> regions,
    @Doc("Stateless services, active-active in every non-witness region.") List<Service> services,
    @Doc("Data stores, active-passive with cross-region replication.") List<Store> stores,
    @Doc("How health is probed and failure declared.") @Default("{}") HealthPolicy health,
    @Doc("How the router places requests.") @Default("{}") RoutingPolicy routing,
    @Doc("Recovery objectives.") Objectives objectives,
    @Doc("The failover plan.") @Default("{}") FailoverPlan failover,
    @Doc("Local lab layout (ports, WAN emulation).") @Default("{}") Lab lab,
    @Doc("Data residency: classes of data that may only live in some regions.") @Default("{}")
        Residency residency,
    @Doc("Who is told when the control plane acts, and how.") @Default("{}")
        Notifications notifications) {

  public Topology {
    regions = List.copyOf(regions);
    services = List.copyOf(services);
    stores = List.copyOf(stores);
    Violations v = new Violations();
    v.notBlank("name", name);
    checkRegions(v, regions);
    Set<String> names = regions.stream().map(Region::name).collect(Collectors.toSet());
    Set<String> serving =
        regions.stream()
            .filter(r -> r.role() != RegionRole.WITNESS)
            .map(Region::name)
            .collect(Collectors.toSet());
    v.unique("services", services, Service::name);
    // With no usable region list every region reference would be reported too; say it once.
    boolean regionsKnown = !serving.isEmpty();
    for (int i = 0; i < services.size() && regionsKnown; i++) {
      checkService(v, "services[" + i + "]", services.get(i), names, serving);
    }
    v.unique("stores", stores, Store::name);
    for (int i = 0; i < stores.size() && regionsKnown; i++) {
      checkStore(v, "stores[" + i + "]", stores.get(i), names, serving, objectives, regions);
    }
    checkPlan(v, failover, stores);
    if (regionsKnown) {
      checkResidency(v, residency, stores, names, serving);
    }
    int observersOutsideOneRegion = Math.max(1, regions.size() - 1) + 2;
    v.check(
        health.observerQuorum() <= observersOutsideOneRegion,
        "health.observer_quorum",
        health.observerQuorum() + " > " + observersOutsideOneRegion + " observers outside a region",
        "at most the observers outside one region (the other regions, the orchestrator and the"
            + " edge router)");
    v.throwIfAny();
  }

  private static void checkRegions(Violations v, List<Region> regions) {
    v.check(
        !regions.isEmpty(),
        "regions",
        "no regions",
        "one primary region and at least one secondary");
    v.unique("regions", regions, Region::name);
    List<Region> primaries = regions.stream().filter(r -> r.role() == RegionRole.PRIMARY).toList();
    if (primaries.isEmpty() && !regions.isEmpty()) {
      v.add("regions", "no region has role primary", "exactly one region with role: primary");
    }
    for (int i = 0, seen = 0; i < regions.size(); i++) {
      if (regions.get(i).role() == RegionRole.PRIMARY && ++seen > 1) {
        v.add(
            "regions[" + i + "].role",
            "second primary '"
                + regions.get(i).name()
                + "' (first: '"
                + primaries.get(0).name()
                + "')",
            "exactly one region with role: primary");
      }
    }
    if (!primaries.isEmpty() && regions.stream().noneMatch(r -> r.role() == RegionRole.SECONDARY)) {
      v.add(
          "regions",
          "no region has role secondary",
          "at least one secondary region to fail over to");
    }
    checkCidrs(v, regions);
  }

  private static void checkCidrs(Violations v, List<Region> regions) {
    for (int i = 0; i < regions.size(); i++) {
      for (int j = 0; j < i; j++) {
        String a = regions.get(i).cidr();
        String b = regions.get(j).cidr();
        if (a != null && b != null && Cidr.parse(a).overlaps(Cidr.parse(b))) {
          v.add(
              "regions[" + i + "].cidr",
              a + " overlaps " + b + " of region '" + regions.get(j).name() + "'",
              "non-overlapping CIDRs");
        }
      }
    }
  }

  private static void checkService(
      Violations v, String path, Service service, Set<String> names, Set<String> serving) {
    checkRegionKeys(v, path + ".replicas", service.replicas(), names, serving);
    checkRegionKeys(v, path + ".autoscaling", service.autoscaling(), names, serving);
  }

  private static void checkRegionKeys(
      Violations v, String path, Map<String, ?> map, Set<String> names, Set<String> serving) {
    for (String region : map.keySet()) {
      if (!names.contains(region)) {
        v.add(
            path + "." + region,
            "unknown region '" + region + "'" + Suggest.didYouMean(region, names),
            "one of the regions: " + String.join(", ", sorted(names)));
      } else if (!serving.contains(region)) {
        v.add(
            path + "." + region,
            "region '" + region + "' is a witness",
            "a primary or secondary region");
      }
    }
    for (String region : sorted(serving)) {
      v.check(
          map.containsKey(region),
          path,
          "no entry for region '" + region + "'",
          "an entry for every primary and secondary region");
    }
  }

  private static void checkStore(
      Violations v,
      String path,
      Store store,
      Set<String> names,
      Set<String> serving,
      Objectives objectives,
      List<Region> regions) {
    checkRegionName(v, path + ".primary_region", store.primaryRegion(), names, serving);
    for (int i = 0; i < store.replicaRegions().size(); i++) {
      checkRegionName(
          v, path + ".replica_regions[" + i + "]", store.replicaRegions().get(i), names, serving);
    }
    v.check(
        store.rpoBudget().compareTo(objectives.rpo()) <= 0,
        path + ".rpo_budget",
        Durations.format(store.rpoBudget())
            + " > objectives.rpo "
            + Durations.format(objectives.rpo()),
        "rpo_budget <= objectives.rpo");
    MultiAz multiAz = store.multiAz();
    if (multiAz != null) {
      checkMultiAz(v, path + ".multi_az", store, multiAz, regions);
    }
  }

  /**
   * A store's zones: a placement for every region it has a node in and none other, zones the region
   * declares, and a standby its kind can have (PostgreSQL synchronous or not; Redis replicates
   * asynchronously only; Neo4j and objects have no in-region standby).
   */
  private static void checkMultiAz(
      Violations v, String path, Store store, MultiAz multiAz, List<Region> regions) {
    switch (store.kind()) {
      case POSTGRES -> {}
      case REDIS ->
          v.check(
              multiAz.standby() == StandbyMode.ASYNCHRONOUS,
              path + ".standby",
              "synchronous on a store of kind redis (Redis replicates asynchronously)",
              "asynchronous");
      default ->
          v.add(
              path,
              "set on a store of kind " + store.kind().name().toLowerCase(java.util.Locale.ROOT),
              "only on a store of kind postgres or redis");
    }
    List<String> involved = regions.stream().map(Region::name).filter(store::involves).toList();
    for (String region : involved) {
      v.check(
          multiAz.zones().containsKey(region),
          path + ".zones",
          "no zones for region '" + region + "'",
          "two zones for every region the store has a node in: " + String.join(", ", involved));
    }
    for (Map.Entry<String, List<String>> e : new java.util.TreeMap<>(multiAz.zones()).entrySet()) {
      String region = e.getKey();
      Region declared =
          regions.stream().filter(r -> r.name().equals(region)).findFirst().orElse(null);
      if (declared == null || !involved.contains(region)) {
        v.add(
            path + ".zones." + region,
            "the store has no node in region '" + region + "'",
            "one of the store's regions: " + String.join(", ", involved));
        continue;
      }
      List<String> placed = e.getValue();
      for (int i = 0; i < placed.size(); i++) {
        String zone = placed.get(i);
        v.check(
            declared.zones().contains(zone),
            path + ".zones." + region + "[" + i + "]",
            "unknown zone '" + zone + "'" + Suggest.didYouMean(zone, declared.zones()),
            declared.zones().isEmpty()
                ? "zones declared under the region '" + region + "' (it declares none)"
                : "one of the zones of region '"
                    + region
                    + "': "
                    + String.join(", ", declared.zones()));
      }
    }
  }

  private static void checkRegionName(
      Violations v, String path, String region, Set<String> names, Set<String> serving) {
    if (!names.contains(region)) {
      v.add(
          path,
          "unknown region '" + region + "'" + Suggest.didYouMean(region, names),
          "one of the regions: " + String.join(", ", sorted(names)));
    } else if (!serving.contains(region)) {
      v.add(path, "region '" + region + "' is a witness", "a primary or secondary region");
    }
  }

  private static void checkPlan(Violations v, FailoverPlan plan, List<Store> stores) {
    Set<String> storeNames = stores.stream().map(Store::name).collect(Collectors.toSet());
    for (int i = 0; i < plan.steps().size(); i++) {
      List<String> named = plan.steps().get(i).stores();
      for (int j = 0; j < named.size(); j++) {
        String s = named.get(j);
        v.check(
            storeNames.contains(s),
            "failover.steps[" + i + "].stores[" + j + "]",
            "unknown store '" + s + "'" + Suggest.didYouMean(s, storeNames),
            "one of the stores: " + String.join(", ", sorted(storeNames)));
      }
    }
  }

  /**
   * Residency against the rest: known regions and stores, and for each store that holds a class,
   * its primary among the class's regions and no replica outside them unless the store filters its
   * replication by the class (objects, by object_prefixes or object_tags). A replica is also where
   * the store fails over to, so this keeps failover inside the class's regions too.
   */
  private static void checkResidency(
      Violations v,
      Residency residency,
      List<Store> stores,
      Set<String> names,
      Set<String> serving) {
    Set<String> storeNames = stores.stream().map(Store::name).collect(Collectors.toSet());
    for (int k = 0; k < residency.classes().size(); k++) {
      DataClass c = residency.classes().get(k);
      String path = "residency.classes[" + k + "]";
      for (int i = 0; i < c.regions().size(); i++) {
        checkRegionName(v, path + ".regions[" + i + "]", c.regions().get(i), names, serving);
      }
      for (int j = 0; j < c.stores().size(); j++) {
        String name = c.stores().get(j);
        String at = path + ".stores[" + j + "]";
        Store store = stores.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
        if (store == null) {
          v.add(
              at,
              "unknown store '" + name + "'" + Suggest.didYouMean(name, storeNames),
              "one of the stores: " + String.join(", ", sorted(storeNames)));
          continue;
        }
        String allowed = String.join(", ", c.regions());
        if (!c.allows(store.primaryRegion())) {
          v.add(
              at,
              "store '"
                  + name
                  + "' has its primary in "
                  + store.primaryRegion()
                  + ", outside the class's regions ["
                  + allowed
                  + "]",
              "a store whose primary region is one of the class's regions");
          continue;
        }
        List<String> outside = store.replicaRegions().stream().filter(r -> !c.allows(r)).toList();
        if (outside.isEmpty()) {
          continue;
        }
        if (store.kind() == StoreKind.OBJECTS) {
          v.check(
              c.selectsObjects(),
              at,
              "objects store '"
                  + name
                  + "' replicates to "
                  + String.join(", ", outside)
                  + " and the class names no object_prefixes or object_tags to filter it by",
              "object_prefixes or object_tags for the class, which the replication then skips");
        } else {
          v.add(
              at,
              "store '"
                  + name
                  + "' (kind "
                  + store.kind().name().toLowerCase(java.util.Locale.ROOT)
                  + ") replicates whole to "
                  + String.join(", ", outside)
                  + " and fails over there, outside the class's regions ["
                  + allowed
                  + "]",
              "a store with every node in the class's regions (postgres, redis and neo4j"
                  + " replicate whole; objects filter by object_prefixes or object_tags)");
        }
      }
    }
  }

  /**
   * What the failure of region {@code failed}, with the writer moving to {@code target}, means for
   * each data class: one line per class, in file order (none without residency rules).
   */
  public List<String> residencyOnRegionFailure(String failed, String target) {
    return residency.classes().stream()
        .map(
            c -> {
              String head = "class " + c.name() + " [" + String.join(", ", c.regions()) + "]: ";
              if (!c.allows(failed)) {
                return head + "not stored or served in " + failed + ", unaffected";
              }
              if (c.allows(target)) {
                return head + "moves with the writer to " + target + " (one of its regions)";
              }
              List<String> left = c.regions().stream().filter(r -> !r.equals(failed)).toList();
              return head
                  + (left.isEmpty()
                      ? "unavailable until " + failed + " returns"
                      : "served only from " + String.join(", ", left))
                  + "; never moved to or served from "
                  + target;
            })
        .toList();
  }

  private static List<String> sorted(Set<String> names) {
    return names.stream().sorted().toList();
  }

  /** The primary region (there is exactly one). */
  public Region primary() {
    return regions.stream().filter(r -> r.role() == RegionRole.PRIMARY).findFirst().orElseThrow();
  }

  /**
   * The names of the regions that hold stores and serve (every region but witnesses), in file
   * order.
   */
  public List<String> servingRegions() {
    return regions.stream().filter(r -> r.role() != RegionRole.WITNESS).map(Region::name).toList();
  }

  /** The secondary regions, in file order. */
  public List<Region> secondaries() {
    return regions.stream().filter(r -> r.role() == RegionRole.SECONDARY).toList();
  }

  public Optional<Region> region(String regionName) {
    return regions.stream().filter(r -> r.name().equals(regionName)).findFirst();
  }

  public Optional<Store> store(String storeName) {
    return stores.stream().filter(s -> s.name().equals(storeName)).findFirst();
  }
}
