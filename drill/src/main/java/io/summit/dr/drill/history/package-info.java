/**
 * Jepsen-style histories: every operation a client attempts is an {@code invoke} followed by
 * exactly one {@code ok}, {@code fail} (it definitely did not happen) or {@code info} (unknown: it
 * may still take effect), written as JSON lines next to each drill report.
 */
@NullMarked
package io.summit.dr.drill.history;

import org.jspecify.annotations.NullMarked;
