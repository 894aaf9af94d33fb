package io.summit.dr.lab;

import java.time.Instant;
import java.util.List;

/**
 * A fault the lab injected: what it was, the instant it took effect (the first link cut or process
 * kill completed: a drill's {@code T0}), and the components it killed (empty for a link fault).
 * Each is also appended to {@code faults.log} in the lab directory.
 */
public record Fault(String description, Instant tookEffect, List<LabComponent> killed) {
  public Fault {
    killed = List.copyOf(killed);
  }

  static Fault link(String description, Instant tookEffect) {
    return new Fault(description, tookEffect, List.of());
  }
}
