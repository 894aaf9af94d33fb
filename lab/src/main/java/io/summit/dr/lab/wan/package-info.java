/** WAN links: TCP proxies between regions that add latency and can be cut, slowed and healed. */
@NullMarked
package io.summit.dr.lab.wan;

import org.jspecify.annotations.NullMarked;
