package io.summit.dr.lab.wan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.EventLoopGroup;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.router.Transport;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link WanSpec.RegionEndpoint region endpoints} of a {@link WanDaemon}: one {@link Route}
 * each, over a link of its own (no latency, never cut, not among the WAN's links), and what the
 * admin API reads and does about them ({@code GET /v1/endpoints}, {@code PUT
 * /v1/endpoints/{name}}). A refused move changes nothing.
 *
 * <p>Thread-safe: the set of endpoints is fixed once bound, and the moves of one endpoint are
 * serialized by its route.
 */
final class RegionEndpoints implements AutoCloseable {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(RegionEndpoints.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BODY = "{\"target\":\"host:port\"}";

  /** An answer of the admin API: its status and JSON body. */
  record Reply(int status, Object body) {}

  private record Bound(
      WanSpec.RegionEndpoint spec, List<Endpoint> targets, LinkState link, Route route) {}

  private final Map<String, Bound> byName = new LinkedHashMap<>();

  private RegionEndpoints() {}

  /** Binds every endpoint's port, or none: a port that cannot be bound closes the ones before. */
  static RegionEndpoints bind(
      List<WanSpec.RegionEndpoint> endpoints, EventLoopGroup loops, Transport transport)
      throws IOException {
    RegionEndpoints bound = new RegionEndpoints();
    try {
      for (WanSpec.RegionEndpoint e : endpoints) {
        LinkState link = new LinkState("endpoint", e.name(), 0, 0);
        Route route = new Route(e, link, loops, transport);
        bound.byName.put(e.name(), new Bound(e, e.addresses(), link, route));
      }
    } catch (IOException | RuntimeException e) {
      bound.close();
      throw e;
    }
    return bound;
  }

  /** Each endpoint: name, listen, target, targets, connections (relayed now). */
  List<Map<String, Object>> json() {
    return byName.values().stream().map(RegionEndpoints::json).toList();
  }

  /**
   * {@code PUT /v1/endpoints/{name}} with {@code body}: 404 for an unknown name, 400 for a body
   * that is not {@value #BODY} with one of the endpoint's targets, else 200 once new connections go
   * to that target and those relayed to the target before are closed.
   */
  Reply move(String name, byte[] body) {
    Bound b = byName.get(name);
    if (b == null) {
      return error(404, "endpoint: '" + name + "' (expected: one of " + byName.keySet() + ")");
    }
    JsonNode target;
    try {
      JsonNode node = JSON.readTree(body);
      target = node == null || !node.isObject() ? null : node.get("target");
    } catch (IOException e) {
      return error(400, "body: not JSON (expected: " + BODY + ")");
    }
    if (target == null || !target.isTextual()) {
      return error(400, "target: missing or not a string (expected: a body " + BODY + ")");
    }
    Endpoint next;
    try {
      next = Endpoint.parse(target.asText());
    } catch (IllegalArgumentException e) {
      next = null;
    }
    if (next == null || !b.targets().contains(next)) {
      return error(
          400,
          "target: '"
              + target.asText()
              + "' (expected: one of endpoint "
              + name
              + "'s targets "
              + b.spec().targets()
              + ")");
    }
    Endpoint before = b.route().target();
    int closed = b.route().moveTo(next);
    if (!before.equals(next)) {
      LOG.info(
          "wan: endpoint {} moved from {} to {}; {} connections to {} closed",
          name,
          before,
          next,
          closed,
          before);
    }
    return new Reply(200, json(b));
  }

  private static Map<String, Object> json(Bound b) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", b.spec().name());
    m.put("listen", b.spec().host() + ":" + b.spec().listenPort());
    m.put("target", b.route().target().toString());
    m.put("targets", b.spec().targets());
    m.put("connections", b.link().connections().get());
    return m;
  }

  private static Reply error(int status, String message) {
    return new Reply(status, Map.of("error", message));
  }

  @Override
  public void close() {
    byName.values().forEach(b -> b.route().close());
  }
}
