package io.summit.dr.orchestrator.coordination;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The last discovery version published, with its writer region and term: a new orchestrator (a
 * restarted one, or a new leader) publishes from here on, so versions never go back and the
 * applications that follow discovery never ignore a change.
 */
public record DiscoveryRecord(
    @JsonProperty("version") long version,
    @JsonProperty("writer") String writer,
    @JsonProperty("term") long term) {}
