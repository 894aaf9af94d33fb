/**
 * Instance health: active HTTP probes ({@link io.summit.dr.routing.health.HealthChecker}) and
 * passive outlier ejection ({@link io.summit.dr.routing.health.OutlierDetector}).
 */
@NullMarked
package io.summit.dr.routing.health;

import org.jspecify.annotations.NullMarked;
