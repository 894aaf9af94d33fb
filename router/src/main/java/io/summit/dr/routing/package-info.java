/**
 * Request placement: whether a request is a read or a write ({@link
 * io.summit.dr.routing.RequestClassifier}), and which region and instance serves it ({@link
 * io.summit.dr.routing.RoutingTable}).
 */
@NullMarked
package io.summit.dr.routing;

import org.jspecify.annotations.NullMarked;
