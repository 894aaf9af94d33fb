/**
 * The chaos drill: random fault schedules drawn from the lab's fault set, each followed by heal,
 * recovery and audit, its history checked; a seed reproduces every schedule exactly.
 */
@NullMarked
package io.summit.dr.drill.chaos;

import org.jspecify.annotations.NullMarked;
