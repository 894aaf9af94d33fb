package io.summit.dr.stores.neo4j;

import io.summit.dr.access.Tls;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * How a server reaches its primary's admin API (the change stream, the agreement check, the
 * snapshot a rebuild asks for): plain HTTP, or HTTPS trusting {@code trust} ({@code --ca-file})
 * when the servers listen with TLS.
 */
record UpstreamLink(@Nullable SSLContext trust) {
  static final UpstreamLink PLAIN = new UpstreamLink(null);

  HttpClient client(Duration connectTimeout) {
    return Tls.client(connectTimeout, trust);
  }

  /** {@code pathAndQuery} on the admin API at {@code address} ({@code host:port}). */
  URI uri(String address, String pathAndQuery) {
    return URI.create(Tls.scheme(trust) + "://" + address + pathAndQuery);
  }
}
