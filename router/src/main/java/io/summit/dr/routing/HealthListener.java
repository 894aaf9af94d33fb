package io.summit.dr.routing;

/** Told about every health transition of an instance (for metrics and logs). */
@FunctionalInterface
public interface HealthListener {
  /** What happened to an instance. */
  enum Transition {
    /** The active check marked it up again. */
    UP,
    /** The active check marked it down. */
    DOWN,
    /** Outlier detection ejected it. */
    EJECTED,
    /** Its ejection ended. */
    RESTORED;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  void onTransition(Instance instance, Transition transition);

  static HealthListener none() {
    return (instance, transition) -> {};
  }
}
