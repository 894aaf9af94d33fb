package io.summit.dr.topology;

/** The bounds a region's autoscaler keeps a service's instance count within. */
public record Autoscaling(
    @Doc("Fewest instances.") int min,
    @Doc("Most instances.") int max,
    @Doc("Average CPU utilisation, in percent, the autoscaler aims for.") @Default("70")
        int targetCpuPercent) {

  public Autoscaling {
    Violations v = new Violations();
    v.atLeast("min", min, 0);
    v.atLeast("max", max, 1);
    v.check(min <= max, "min", min + " > max " + max, "min <= max");
    v.between("target_cpu_percent", targetCpuPercent, 1, 100);
    v.throwIfAny();
  }
}
