package io.summit.dr.orchestrator.detection;

import com.fasterxml.jackson.databind.JsonNode;
import io.summit.dr.access.ApiClient;
import io.summit.dr.access.BearerToken;
import io.summit.dr.replication.Endpoint;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The edge router's own health view, read from its admin API ({@code GET /v1/routing}, see
 * docs/router.md): a region is {@link RegionHealth#UP} when the router reports it {@code "healthy":
 * true}, {@link RegionHealth#DOWN} when {@code false} (draining is an operator's choice, not
 * health, and is ignored). A region with no instance registered is {@link RegionHealth#UNKNOWN}:
 * the router has nothing to judge it by (a lab region whose service has not registered yet), while
 * a region whose registered instances all fail is DOWN. Location {@code edge}. When the router
 * cannot be reached in time, or does not list a region, that region is {@link
 * RegionHealth#UNKNOWN}. Thread-safe.
 */
public final class RouterViewSource implements ObserverSource {
  private static final String ROUTING = "/v1/routing";
  private static final System.Logger LOG = System.getLogger(RouterViewSource.class.getName());

  private final String name;
  private final List<String> regions;
  private final Duration timeout;
  private final Clock clock;
  private final ApiClient api;

  /**
   * @param name the observer's name, for example {@code router}
   * @param admin the router's admin API address
   * @param regions the regions to report
   * @param timeout the longest a poll may take
   */
  public RouterViewSource(
      String name, Endpoint admin, Collection<String> regions, Duration timeout, Clock clock) {
    this(name, admin, regions, timeout, clock, null);
  }

  /**
   * @param token sent with every poll, when the router's admin API requires one (a viewer's)
   */
  public RouterViewSource(
      String name,
      Endpoint admin,
      Collection<String> regions,
      Duration timeout,
      Clock clock,
      @Nullable BearerToken token) {
    this(name, URI.create("http://" + admin), regions, timeout, clock, token, null);
  }

  /**
   * @param admin the router's admin API, {@code http://} or {@code https://HOST:PORT}
   * @param token sent with every poll, when the router's admin API requires one (a viewer's)
   * @param trust what an {@code https://} admin API's certificate must chain to; null: the JDK's
   *     authorities
   */
  public RouterViewSource(
      String name,
      URI admin,
      Collection<String> regions,
      Duration timeout,
      Clock clock,
      @Nullable BearerToken token,
      javax.net.ssl.@Nullable SSLContext trust) {
    this.name = name;
    this.regions = List.copyOf(regions);
    this.timeout = timeout;
    this.clock = clock;
    this.api = new ApiClient(name, admin, token, trust, timeout);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String location() {
    return "edge";
  }

  @Override
  public ObserverView poll() {
    String body = HttpObserverSource.fetch(api, ROUTING, timeout);
    if (body != null) {
      try {
        return new ObserverView(name, location(), health(ViewJson.parse(body)), clock.instant());
      } catch (IllegalArgumentException e) {
        LOG.log(Level.WARNING, name + ": " + api.base().resolve(ROUTING) + ": " + e.getMessage());
      }
    }
    return ObserverView.unreachable(name, location(), regions, clock.instant());
  }

  private Map<String, RegionHealth> health(JsonNode table) {
    JsonNode listed = table.path("regions");
    if (!listed.isArray()) {
      throw new IllegalArgumentException("no 'regions' array in the routing table");
    }
    Map<String, RegionHealth> health = new LinkedHashMap<>();
    regions.forEach(r -> health.put(r, RegionHealth.UNKNOWN));
    for (JsonNode region : listed) {
      String regionName = region.path("name").asText("");
      JsonNode healthy = region.path("healthy");
      JsonNode instances = region.path("instances");
      boolean empty = instances.isArray() && instances.isEmpty();
      if (health.containsKey(regionName) && healthy.isBoolean() && !empty) {
        health.put(regionName, healthy.asBoolean() ? RegionHealth.UP : RegionHealth.DOWN);
      }
    }
    return health;
  }
}
