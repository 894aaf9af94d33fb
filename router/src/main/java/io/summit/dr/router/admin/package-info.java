/**
 * The router's admin API (JDK HTTP server, JSON): routing table, writer switch, drain, instance
 * registration and Prometheus metrics. See {@link io.summit.dr.router.admin.AdminServer}.
 */
@NullMarked
package io.summit.dr.router.admin;

import org.jspecify.annotations.NullMarked;
