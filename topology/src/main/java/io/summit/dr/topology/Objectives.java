package io.summit.dr.topology;

import java.time.Duration;

/** Recovery objectives: the most data (RPO) and time (RTO) a region failure may cost. */
public record Objectives(
    @Doc("Recovery point objective.") Duration rpo, @Doc("Recovery time objective.") Duration rto) {

  public Objectives {
    Violations v = new Violations();
    v.positive("rpo", rpo);
    v.positive("rto", rto);
    v.throwIfAny();
  }
}
