package io.summit.dr.agent;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a region agent is doing; {@link #wireName()} is how the API and etcd spell it. */
public enum AgentState {
  /** Its region is not the writer (or the writer is not known yet): no lease, stores untouched. */
  STANDBY,
  /** Its region is the writer and it holds {@code authority/<region>} on a live lease. */
  HOLDING,
  /** Its deadline passed (or its lease vanished) while its region was the writer: it fenced. */
  FENCED_SELF;

  /** {@code standby}, {@code holding}, {@code fenced-self}. */
  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
