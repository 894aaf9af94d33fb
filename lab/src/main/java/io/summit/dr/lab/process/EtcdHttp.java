package io.summit.dr.lab.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.replication.Endpoint;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One etcd member's client port, through etcd 3.4's JSON gateway ({@code /health}, {@code
 * /v3/...}): what the lab needs to wait for a cluster, place its leader and report roles, without a
 * gRPC client. Each call takes {@code timeout}; a member that does not answer in time, or answers
 * with an error, throws {@link LabException} naming the member's address.
 */
public final class EtcdHttp {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final Endpoint endpoint;
  private final Duration timeout;

  public EtcdHttp(Endpoint endpoint, Duration timeout) {
    this.endpoint = endpoint;
    this.timeout = timeout;
  }

  /** This member's view: its id, its leader's id (0 when it knows none) and its raft term. */
  public record MemberStatus(String memberId, String leaderId, long raftTerm) {
    public boolean isLeader() {
      return memberId.equals(leaderId);
    }
  }

  /** Whether the member answers {@code /health} with {@code "health":"true"} (it has a leader). */
  public boolean isHealthy() {
    try {
      HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/health")).GET());
      return r.statusCode() == 200
          && JSON.readTree(r.body()).path("health").asText().equals("true");
    } catch (IOException | LabException e) {
      return false;
    }
  }

  public MemberStatus status() {
    JsonNode s = post("/v3/maintenance/status", Map.of());
    return new MemberStatus(
        s.path("header").path("member_id").asText(),
        s.path("leader").asText("0"),
        s.path("raftTerm").asLong());
  }

  /** Member name to member id, as this member knows the cluster. */
  public Map<String, String> members() {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode m : post("/v3/cluster/member/list", Map.of()).path("members")) {
      out.put(m.path("name").asText(), m.path("ID").asText());
    }
    return out;
  }

  /** Hands leadership to {@code memberId}; this member must be the leader. */
  public void moveLeader(String memberId) {
    post("/v3/maintenance/transfer-leadership", Map.of("targetID", memberId));
  }

  /** A linearizable put of {@code key}; fails when the member cannot commit it within timeout. */
  public void put(String key, String value) {
    post("/v3/kv/put", Map.of("key", base64(key), "value", base64(value)));
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private JsonNode post(String path, Map<String, String> body) {
    try {
      HttpResponse<String> r =
          send(
              HttpRequest.newBuilder(uri(path))
                  .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
      JsonNode json = JSON.readTree(r.body());
      if (r.statusCode() != 200 || json.has("error")) {
        throw new LabException("etcd " + endpoint + path + ": " + r.statusCode() + " " + r.body());
      }
      return json;
    } catch (IOException e) {
      throw new LabException("etcd " + endpoint + path + ": " + e, e);
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
    try {
      return HTTP.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("etcd " + endpoint + ": interrupted", e);
    }
  }

  private URI uri(String path) {
    return URI.create("http://" + endpoint.host() + ":" + endpoint.port() + path);
  }
}
