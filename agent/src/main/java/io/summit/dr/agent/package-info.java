/**
 * The region agent: one process per region, beside the region's stores. It holds the region's write
 * authority ({@code authority/<region>}) on an etcd lease while its region is the writer, and
 * fences the region's primaries itself when it cannot renew that lease before its own deadline. See
 * {@link io.summit.dr.agent.RegionAgent} for the rules and the timing argument, and PROTOCOL.md for
 * the key layout.
 */
@NullMarked
package io.summit.dr.agent;

import org.jspecify.annotations.NullMarked;
