package io.summit.dr.router;

import io.summit.dr.routing.Endpoint;
import io.summit.dr.topology.Topology;
import io.summit.dr.topology.TopologyLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Shared fixtures of the router tests: a two-region topology with fast health checking. */
final class RouterTestKit {
  static final String WEST = "us-west-2";
  static final String EAST = "us-east-1";

  static final String TOPOLOGY =
      """
      name: router-test
      regions:
        - {name: us-west-2, role: primary, zones: [a]}
        - {name: us-east-1, role: secondary, zones: [a]}
      services:
        - name: api
          port: 4000
          health_path: /readyz
          replicas: {us-west-2: 2, us-east-1: 2}
          autoscaling:
            us-west-2: {min: 1, max: 4}
            us-east-1: {min: 1, max: 4}
          writes: {methods: [POST, PUT, PATCH, DELETE], graphql_path: /graphql}
      stores: []
      health: {probe_interval: 100ms, timeout: 90ms, failure_threshold: 2, recovery_threshold: 1}
      routing:
        eject_after_errors: 3
        ejection_time: 300ms
        retry_after: 2s
        rtt_smoothing: 0.5
        read_attempt_timeout: 300ms
      objectives: {rpo: 1s, rto: 2s}
      """;

  static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  private RouterTestKit() {}

  static Topology topology() {
    return TopologyLoader.parse("router-test.yaml", TOPOLOGY);
  }

  static InetSocketAddress anyPort() {
    return new InetSocketAddress("127.0.0.1", 0);
  }

  static RouterConfig edge(Map<String, List<Endpoint>> backends) {
    return RouterConfig.of(topology(), "api", Role.EDGE, null, anyPort(), anyPort(), backends)
        .withTimeouts(Duration.ofMillis(500), Duration.ofSeconds(5))
        .withIoThreads(2);
  }

  static URI uri(Router router, String path) {
    return URI.create("http://127.0.0.1:" + router.address().getPort() + path);
  }

  static URI admin(Router router, String path) {
    return URI.create("http://127.0.0.1:" + router.adminAddress().getPort() + path);
  }

  static HttpResponse<String> send(HttpRequest request) {
    try {
      return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static HttpResponse<String> get(Router router, String path) {
    return send(HttpRequest.newBuilder(uri(router, path)).timeout(Duration.ofSeconds(5)).build());
  }

  static HttpResponse<String> post(Router router, String path, String body) {
    return send(
        HttpRequest.newBuilder(uri(router, path))
            .timeout(Duration.ofSeconds(5))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  static HttpResponse<String> adminSend(Router router, String method, String path, String body) {
    return send(
        HttpRequest.newBuilder(admin(router, path))
            .timeout(Duration.ofSeconds(5))
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  static String backend(HttpResponse<String> response) {
    return response.headers().firstValue("x-backend").orElse("none");
  }
}
