package io.summit.dr.lab.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.lab.Lab;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** The orchestrator's HTTP API as a test sees it: status code and JSON body. */
final class Api {
  record Reply(int status, JsonNode body) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  // Followers redirect (307) to the leader; send() follows, body, method and token kept (the JDK
  // client drops Authorization on a redirect to another origin, and the leader has another port).
  private final HttpClient http;
  private final Lab lab;

  Api(Lab lab) {
    this.lab = lab;
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER);
    javax.net.ssl.SSLContext trust = io.summit.dr.lab.LabTls.trust(lab.dir());
    if (trust != null) {
      b.sslContext(trust);
    }
    this.http = b.build();
  }

  /** Every orchestrator replica the lab runs, alive ones first. */
  private java.util.List<URI> replicas() {
    return lab.requireState().components().stream()
        .filter(c -> c.kind().equals("orchestrator"))
        .sorted(
            java.util.Comparator.comparing(
                c -> !io.summit.dr.lab.process.OsProcesses.isAlive(c.pid())))
        .map(io.summit.dr.lab.LabTls::base)
        .toList();
  }

  Reply get(String path) throws IOException, InterruptedException {
    return send("GET", path, null);
  }

  Reply post(String path, Map<String, Object> body) throws IOException, InterruptedException {
    return send("POST", path, JSON.writeValueAsString(body));
  }

  Reply postRaw(String path, String body) throws IOException, InterruptedException {
    return send("POST", path, body);
  }

  private Reply send(String method, String path, @org.jspecify.annotations.Nullable String body)
      throws IOException, InterruptedException {
    IOException last = new IOException("no orchestrator replica in the lab");
    for (URI base : replicas()) {
      try {
        Reply reply = send(base, method, path, body);
        if (reply.status() != 503) {
          return reply;
        }
        last = new IOException(base + ": 503 " + reply.body());
      } catch (IOException e) {
        last = e;
      }
    }
    throw last;
  }

  private Reply send(
      URI base, String method, String path, @org.jspecify.annotations.Nullable String body)
      throws IOException, InterruptedException {
    io.summit.dr.access.BearerToken token =
        io.summit.dr.lab.LabAccess.token(lab.dir(), io.summit.dr.lab.LabAccess.OPERATOR);
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path));
    if (token != null) {
      token.sign(b);
    }
    HttpRequest r =
        b.timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> response = http.send(r, HttpResponse.BodyHandlers.ofString());
    for (int hops = 0; hops < 3 && response.statusCode() == 307; hops++) {
      URI to = base.resolve(response.headers().firstValue("Location").orElseThrow());
      response =
          http.send(
              HttpRequest.newBuilder(r, (name, value) -> true).uri(to).build(),
              HttpResponse.BodyHandlers.ofString());
    }
    return new Reply(response.statusCode(), JSON.readTree(response.body()));
  }

  /** Waits (Awaitility) until the plan has ended; returns its final status. */
  JsonNode awaitPlanEnd(String id, Duration timeout) {
    return org.awaitility.Awaitility.await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> get("/v1/plans/" + id).body(), p -> p.hasNonNull("ended_at"));
  }
}
