/**
 * Checkers of a drill's history: lost acknowledged writes, split brain, linearizability of each
 * register key (Wing–Gong–Lowe search with P-compositionality, as Porcupine does), stale reads.
 * Each is bounded in time and answers {@link io.summit.dr.drill.check.CheckResult.Verdict#UNKNOWN}
 * rather than hang.
 */
@NullMarked
package io.summit.dr.drill.check;

import org.jspecify.annotations.NullMarked;
