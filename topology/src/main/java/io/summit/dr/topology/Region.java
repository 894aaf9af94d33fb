package io.summit.dr.topology;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** A region of the deployment. */
public record Region(
    @Doc("Region name, e.g. us-west-2.") String name,
    @Doc("primary (the writer), secondary (standby serving reads) or witness (votes only).")
        RegionRole role,
    @Doc("Availability zones of the region.") @Default("[]") List<String> zones,
    @Doc("IPv4 CIDR of the region's network, e.g. 10.10.0.0/16 (used by the AWS deployment).")
        @Nullable String cidr) {

  public Region {
    zones = List.copyOf(zones);
    Violations v = new Violations();
    v.notBlank("name", name);
    v.uniqueValues("zones", zones);
    if (cidr != null) {
      v.check(
          Cidr.isValid(cidr), "cidr", "'" + cidr + "' is not an IPv4 CIDR", "a.b.c.d/n, n 8..28");
    }
    v.throwIfAny();
  }
}
