package io.summit.dr.deploy.aws;

/**
 * Bounds of an EKS managed node group, in nodes: the cluster autoscaler keeps the group between
 * {@code min} and {@code max}; {@code desired} is what the group starts with.
 */
public record NodeGroupSize(int min, int desired, int max) {

  public NodeGroupSize {
    if (min < 0 || desired < min || max < desired || max < 1) {
      throw new IllegalArgumentException(
          "node group: min="
              + min
              + ", desired="
              + desired
              + ", max="
              + max
              + " (expected: 0 <= min <= desired <= max, max >= 1)");
    }
  }
}
