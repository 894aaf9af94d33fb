/** Starting, finding and signalling the lab's OS processes, and the servers' own set-up. */
@NullMarked
package io.summit.dr.lab.process;

import org.jspecify.annotations.NullMarked;
