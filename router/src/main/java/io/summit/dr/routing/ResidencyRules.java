package io.summit.dr.routing;

import io.summit.dr.topology.DataClass;
import io.summit.dr.topology.Residency;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Which regions may serve a request, by the data class it carries (data residency): the class
 * header names the class; without it the tenant header maps to the class that lists the tenant. A
 * request of no class may go anywhere. Thread-safe and immutable.
 */
public final class ResidencyRules {
  private final Residency residency;
  private final String classHeader;
  private final String tenantHeader;

  public ResidencyRules(Residency residency) {
    this.residency = residency;
    this.classHeader = residency.classHeader().toLowerCase(Locale.ROOT);
    this.tenantHeader = residency.tenantHeader().toLowerCase(Locale.ROOT);
  }

  /** Whether any class is defined (without one every request may go anywhere). */
  public boolean active() {
    return !residency.classes().isEmpty();
  }

  /** The class header's name, lower case. */
  public String classHeader() {
    return classHeader;
  }

  /** The tenant header's name, lower case. */
  public String tenantHeader() {
    return tenantHeader;
  }

  /**
   * The class of a request from its headers' values (either may be null).
   *
   * @throws UnknownClassException when the class header names no class
   */
  public @Nullable DataClass classOf(@Nullable String classValue, @Nullable String tenantValue) {
    if (classValue != null) {
      String name = classValue.trim();
      return residency
          .dataClass(name)
          .orElseThrow(
              () ->
                  new UnknownClassException(
                      classHeader
                          + ": unknown data class '"
                          + name
                          + "' (expected: one of "
                          + String.join(
                              ", ", residency.classes().stream().map(DataClass::name).toList())
                          + ")"));
    }
    return tenantValue == null ? null : residency.tenantClass(tenantValue.trim());
  }

  /** The regions a request of {@code c} may be served from, or null for any. */
  public static @Nullable List<String> allowed(@Nullable DataClass c) {
    return c == null ? null : c.regions();
  }

  /** A class header that names no class of the topology. */
  public static final class UnknownClassException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UnknownClassException(String message) {
      super(message);
    }
  }
}
