/** The {@code summit-dr} command line: one picocli command per capability. */
@NullMarked
package io.summit.dr.cli;

import org.jspecify.annotations.NullMarked;
