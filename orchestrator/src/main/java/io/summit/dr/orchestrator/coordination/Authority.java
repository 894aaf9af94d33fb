package io.summit.dr.orchestrator.coordination;

/**
 * A region's write authority as the coordination store holds it: the region agent's key, attached
 * to that agent's lease. While it exists the region's primaries may take writes; the agent fences
 * them itself before the lease can expire unrenewed.
 *
 * @param leaseId the agent's lease (0 where the store has no leases)
 * @param agent the agent's id
 * @param term the writer term the agent holds authority under
 */
public record Authority(String region, long leaseId, String agent, long term) {}
