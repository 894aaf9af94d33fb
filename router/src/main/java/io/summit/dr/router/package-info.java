/**
 * The router process: {@link io.summit.dr.router.Router#start(RouterConfig)} binds the HTTP proxy
 * (Netty) and the admin API, and starts health checking. Everything below the public types is
 * package-private: the proxy's connection handling, upstream pooling and metrics recording.
 */
@NullMarked
package io.summit.dr.router;

import org.jspecify.annotations.NullMarked;
