package io.summit.dr.orchestrator;

import java.io.IOException;
import java.util.Optional;

/**
 * How the orchestrator scales a region's stateless services: the plan's scale-up step raises the
 * floor of the new writer region's autoscaler to the primary's size. In the lab it is each region's
 * service cluster; on AWS it would be the EKS HPA's {@code minReplicas}.
 */
public interface Services {
  /** A region's service capacity: the autoscaler's floor and the instances ready now. */
  record Scale(int minimum, int maximum, int ready) {}

  /**
   * The capacity of {@code region}, or empty when no service runs there.
   *
   * @throws IOException when the region's cluster cannot be asked
   */
  Optional<Scale> scale(String region) throws IOException;

  /**
   * Sets the floor of {@code region}'s autoscaler (capped at its maximum); the cluster starts
   * instances to meet it. Returns the capacity after the change.
   *
   * @throws IOException when the region's cluster cannot be asked or refuses
   */
  Scale setMinimum(String region, int minimum) throws IOException;
}
