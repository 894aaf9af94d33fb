package io.summit.dr.routing;

/** A monotonic nanosecond clock, injected so that ejection timing can be tested with a fake. */
@FunctionalInterface
public interface Ticker {
  /** Nanoseconds from an arbitrary origin; only differences are meaningful. */
  long nanos();

  /** {@link System#nanoTime()}. */
  static Ticker system() {
    return System::nanoTime;
  }
}
