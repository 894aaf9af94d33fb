package io.summit.dr.lab;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/** One row of {@code lab status}: a component as recorded and as observed just now. */
public record ComponentStatus(
    String name,
    String kind,
    String region,
    String role,
    long pid,
    String host,
    int port,
    boolean healthy,
    @JsonProperty("lag_bytes") @Nullable Long lagBytes,
    @JsonProperty("lag_seconds") @Nullable Double lagSeconds) {}
