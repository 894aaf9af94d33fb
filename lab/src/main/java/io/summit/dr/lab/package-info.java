/**
 * The local two-region lab: real PostgreSQL and Redis servers per region, replicating across
 * emulated WAN links, with fault injection. State lives in a lab directory so that every command
 * works from any shell.
 */
@NullMarked
package io.summit.dr.lab;

import org.jspecify.annotations.NullMarked;
