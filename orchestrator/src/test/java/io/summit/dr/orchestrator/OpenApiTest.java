package io.summit.dr.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.summit.dr.access.AccessDirectory;
import io.summit.dr.access.AccessList;
import io.summit.dr.access.Role;
import io.summit.dr.orchestrator.api.ApiServer;
import io.summit.dr.orchestrator.api.ReplicaServer;
import io.summit.dr.topology.TopologyLoader;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed OpenAPI 3.1 description ({@code openapi.yaml}) against the server: the same
 * operations as the server routes, the same role on each as the server's policy, and every answer
 * of a scripted session (reads, a switchover, refusals, a follower's redirect) documented with its
 * status and content type and valid against its JSON Schema (draft 2020-12, OpenAPI 3.1's dialect).
 */
class OpenApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final SchemaRegistry SCHEMAS =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  @TempDir Path state;
  @TempDir Path secrets;
  private final FakeStores stores = new FakeStores(Clock.systemUTC());
  private final HttpClient http = HttpClient.newHttpClient();
  private final Set<String> answered = new TreeSet<>();
  private GuardedApi fixture;
  private Orchestrator orchestrator;
  private ApiServer api;
  private URI base;
  private AccessDirectory creds;
  private JsonNode spec;

  @BeforeEach
  void start() throws Exception {
    spec = YAML.readTree(ApiServer.openApiYaml());
    fixture =
        GuardedApi.start(
            // the promotion waits for an approval, so that the session approves a plan
            TopologyLoader.parse(
                "lab.yaml",
                Files.readString(Path.of("..", "examples", "lab.yaml"))
                    .replace(
                        "{name: promote, action: promote, parallel_group: promote, timeout: 5s}",
                        "{name: promote, action: promote, parallel_group: promote, timeout: 5s,"
                            + " approval: true}")),
            stores,
            state,
            secrets,
            o -> regionsView());
    orchestrator = fixture.orchestrator;
    api = fixture.api;
    creds = fixture.creds;
    base = fixture.base;
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  private Map<String, Object> regionsView() {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String r : orchestrator.regions()) {
      out.put(
          r,
          Map.of(
              "writer",
              r.equals(orchestrator.writerRegion()),
              "failed",
              false,
              "observers",
              Map.of("observer-witness", "up", "edge-router", "unknown")));
    }
    return out;
  }

  /** {@code "METHOD /template"} of every operation the description lists. */
  private Set<String> described() {
    Set<String> out = new TreeSet<>();
    spec.path("paths")
        .fields()
        .forEachRemaining(
            path ->
                path.getValue()
                    .fieldNames()
                    .forEachRemaining(
                        m -> {
                          if (!m.equals("parameters")) {
                            out.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey());
                          }
                        }));
    return out;
  }

  @Test
  void theDescriptionIsOpenApi31AndEveryReferenceResolves() {
    assertThat(spec.path("openapi").asText()).startsWith("3.1.");
    assertThat(spec.path("info").path("title").asText()).isNotBlank();
    List<String> unresolved = new ArrayList<>();
    Set<String> operationIds = new HashSet<>();
    List<String> duplicateIds = new ArrayList<>();
    walk(
        spec,
        node -> {
          JsonNode ref = node.get("$ref");
          if (ref != null
              && (!ref.asText().startsWith("#/")
                  || spec.at(ref.asText().substring(1)).isMissingNode())) {
            unresolved.add(ref.asText());
          }
        });
    for (String op : described()) {
      JsonNode o = operation(op);
      assertThat(o.path("responses").size()).as(op + " responses").isPositive();
      if (!operationIds.add(o.path("operationId").asText())) {
        duplicateIds.add(o.path("operationId").asText());
      }
    }
    assertThat(unresolved).as("$refs that point nowhere").isEmpty();
    assertThat(duplicateIds).as("operationIds used twice").isEmpty();
    assertThat(operationIds).doesNotContain("");
    // Every schema of the components is itself a valid draft 2020-12 schema.
    spec.path("components")
        .path("schemas")
        .fieldNames()
        .forEachRemaining(name -> schema(ref("#/components/schemas/" + name)));
  }

  @Test
  void theDescriptionListsExactlyTheOperationsTheServerRoutes() {
    Set<String> served = new TreeSet<>(api.operations());
    served.addAll(ReplicaServer.OPERATIONS);
    assertThat(described()).isEqualTo(served);
  }

  @Test
  void eachOperationNamesTheRoleTheServerAsks() {
    for (String op : described()) {
      String[] mp = op.split(" ", 2);
      Role needed = ApiServer.POLICY.required(mp[0], mp[1].replace("{id}", "some-plan"));
      String want = needed == null ? "none" : needed.name().toLowerCase(Locale.ROOT);
      assertThat(operation(op).path("x-summit-role").asText()).as(op).isEqualTo(want);
      assertThat(operation(op).has("security") && operation(op).path("security").isEmpty())
          .as(op + ": open operations say security: []")
          .isEqualTo(needed == null);
    }
  }

  @Test
  void everyAnswerOfASessionIsDocumentedAndValidAgainstItsSchema() throws Exception {
    String viewer = creds.token("ann").authorization();
    String operator = creds.token("oscar").authorization();
    check("GET", "/healthz", "/healthz", null, null, 200);
    check("GET", "/", "/", null, null, 200);
    check("GET", "/dashboard", "/dashboard", null, null, 200);
    HttpResponse<String> yaml =
        check("GET", "/v1/openapi.yaml", "/v1/openapi.yaml", null, null, 200);
    assertThat(yaml.body()).isEqualTo(new String(ApiServer.openApiYaml(), "UTF-8"));
    HttpResponse<String> json =
        check("GET", "/v1/openapi.json", "/v1/openapi.json", null, null, 200);
    assertThat(JSON.readTree(json.body())).isEqualTo(spec);
    for (String read :
        List.of("/v1/status", "/v1/plans", "/v1/endpoints", "/v1/events/recent", "/v1/audit")) {
      check("GET", read, read, null, null, 401);
      check("GET", read, read, viewer, null, 200);
    }
    check("GET", "/metrics", "/metrics", viewer, null, 200);
    check("GET", "/v1/endpoints?version=1&wait=10ms", "/v1/endpoints", viewer, null, 200);
    check("GET", "/v1/endpoints?version=x&wait=1s", "/v1/endpoints", viewer, null, 400);
    check("GET", "/v1/plans/none", "/v1/plans/{id}", viewer, null, 404);
    eventStream(viewer);

    String switchover = "{\"kind\":\"switchover\",\"to\":\"us-east-1\",\"requested_by\":\"alice\"}";
    check("POST", "/v1/plans", "/v1/plans", null, switchover, 401);
    check("POST", "/v1/plans", "/v1/plans", viewer, switchover, 403);
    check("POST", "/v1/plans", "/v1/plans", operator, "{\"kind\":\"sideways\"}", 400);
    check("POST", "/v1/plans", "/v1/plans", operator, "[1]", 400);
    check(
        "POST",
        "/v1/plans",
        "/v1/plans",
        operator,
        "{\"kind\":\"failover\",\"to\":\"us-east-1\"}",
        409);
    // a forced failover (us-west-2 is not failed): the lab's failover steps, gated here
    String forced = "{\"kind\":\"failover\",\"to\":\"us-east-1\",\"force\":true}";
    String id =
        JSON.readTree(check("POST", "/v1/plans", "/v1/plans", operator, forced, 202).body())
            .path("id")
            .asText();
    String planState = awaitPlanLeaves(id, "running", viewer);
    assertThat(planState).as("the gated failover").isEqualTo("waiting-approval");
    String approve = "/v1/plans/" + id + "/approve";
    check("POST", approve, "/v1/plans/{id}/approve", viewer, "{}", 403);
    check("POST", approve, "/v1/plans/{id}/approve", operator, "{\"by\":\"alice\"}", 200);
    // the approval takes effect on the plan's own thread: it may still read waiting-approval
    planState = awaitPlanLeaves(id, Set.of("waiting-approval", "running"), viewer);
    check("POST", approve, "/v1/plans/{id}/approve", operator, "{}", 400);
    assertThat(planState).as("the approved failover on fake stores").isEqualTo("succeeded");
    JsonNode status =
        JSON.readTree(check("GET", "/v1/status", "/v1/status", viewer, null, 200).body());
    assertThat(status.path("last_plan").path("id").asText()).isEqualTo(id);
    check("GET", "/v1/plans", "/v1/plans", viewer, null, 200);
    JsonNode audit =
        JSON.readTree(check("GET", "/v1/audit", "/v1/audit", viewer, null, 200).body());
    assertThat(audit.path("entries").size()).isGreaterThanOrEqualTo(3);
    check("GET", "/v1/events/recent", "/v1/events/recent", viewer, null, 200);
    check("GET", "/v1/endpoints", "/v1/endpoints", viewer, null, 200);

    // A method the path does not take: 405 with Allow, as a problem.
    HttpResponse<String> wrongMethod = send("DELETE", "/v1/plans", operator, null);
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.headers().firstValue("Allow")).contains("GET, POST");
    validate(wrongMethod.body(), ref("#/components/schemas/Problem"), "DELETE /v1/plans");

    // A follower answers /v1/replica itself and redirects the rest; with no leader, 503.
    try (ReplicaServer follower =
            new ReplicaServer(
                new InetSocketAddress("127.0.0.1", 0),
                "orchestrator-2",
                () -> Optional.of("127.0.0.1:9"));
        ReplicaServer alone =
            new ReplicaServer(
                new InetSocketAddress("127.0.0.1", 0), "orchestrator-3", Optional::empty)) {
      for (ReplicaServer r : List.of(follower, alone)) {
        r.require(AccessList.read("--access-file", creds.accessList()));
        r.start();
      }
      URI leading = base;
      base = URI.create("http://127.0.0.1:" + follower.port());
      check("GET", "/v1/replica", "/v1/replica", viewer, null, 200);
      check("GET", "/v1/replica", "/v1/replica", null, null, 401);
      check("GET", "/v1/status", "/v1/status", viewer, null, 307);
      check("POST", "/v1/plans", "/v1/plans", operator, switchover, 307);
      base = URI.create("http://127.0.0.1:" + alone.port());
      check("GET", "/v1/plans", "/v1/plans", viewer, null, 503);
      base = leading;
    }

    Set<String> unanswered = new TreeSet<>(described());
    unanswered.removeIf(op -> answered.contains(op));
    assertThat(unanswered).as("operations the session never got a 2xx from").isEmpty();
  }

  /** Reads the plan until its state is none of {@code from} (at most 20 s); its new state. */
  private String awaitPlanLeaves(String id, String from, String viewer) throws Exception {
    return awaitPlanLeaves(id, Set.of(from), viewer);
  }

  private String awaitPlanLeaves(String id, Set<String> from, String viewer) throws Exception {
    Instant deadline = Instant.now().plusSeconds(20);
    String planState = from.iterator().next();
    while (from.contains(planState) && Instant.now().isBefore(deadline)) {
      planState =
          JSON.readTree(check("GET", "/v1/plans/" + id, "/v1/plans/{id}", viewer, null, 200).body())
              .path("state")
              .asText();
    }
    return planState;
  }

  private void eventStream(String viewer) throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(base.resolve("/v1/events"))
            .header("Authorization", viewer)
            .timeout(Duration.ofSeconds(5))
            .build();
    HttpResponse<InputStream> res = http.send(r, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = res.body()) {
      documented("GET /v1/events", res.statusCode(), res.headers().firstValue("Content-Type"));
      assertThat(res.statusCode()).isEqualTo(200);
      answered.add("GET /v1/events");
    }
  }

  private HttpResponse<String> send(
      String method, String pathAndQuery, @Nullable String authorization, @Nullable String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(pathAndQuery))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Sends one request, expects {@code status}, and checks the answer against the description: its
   * status documented for the operation, its content type among that response's, and a JSON body
   * valid against the schema given there.
   */
  private HttpResponse<String> check(
      String method,
      String pathAndQuery,
      String template,
      @Nullable String authorization,
      @Nullable String body,
      int status)
      throws Exception {
    String op = method + " " + template;
    HttpResponse<String> r = send(method, pathAndQuery, authorization, body);
    assertThat(r.statusCode()).as(op + " (" + pathAndQuery + "): " + r.body()).isEqualTo(status);
    JsonNode content = documented(op, status, r.headers().firstValue("Content-Type"));
    String type = r.headers().firstValue("Content-Type").orElse("").split(";")[0].strip();
    if (type.endsWith("json")) {
      validate(r.body(), content.get(type).path("schema"), op + " " + status);
    }
    if (status / 100 == 2) {
      answered.add(op);
    }
    return r;
  }

  /** The documented content of {@code op}'s answer {@code status}; fails when it has none. */
  private JsonNode documented(String op, int status, Optional<String> contentType) {
    JsonNode response = operation(op).path("responses").path(String.valueOf(status));
    assertThat(response.isMissingNode())
        .as(op + ": answer " + status + " is not documented")
        .isFalse();
    if (response.has("$ref")) {
      response = ref(response.get("$ref").asText());
    }
    String type = contentType.orElse("").split(";")[0].strip();
    JsonNode content = response.path("content");
    List<String> listed = new ArrayList<>();
    content.fieldNames().forEachRemaining(listed::add);
    assertThat(listed).as(op + " " + status + ": the content type answered").contains(type);
    return content;
  }

  private void validate(String body, JsonNode schema, String what) throws Exception {
    List<com.networknt.schema.Error> errors = schema(schema).validate(JSON.readTree(body));
    assertThat(errors).as(what + ": " + body).isEmpty();
  }

  /** {@code schema} as a schema whose {@code #/components/...} references resolve in the spec. */
  private Schema schema(JsonNode schema) {
    ObjectNode root = JSON.createObjectNode();
    root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    root.set("components", spec.path("components"));
    root.putArray("allOf").add(schema);
    return SCHEMAS.getSchema(root);
  }

  private JsonNode operation(String op) {
    String[] mp = op.split(" ", 2);
    return spec.path("paths").path(mp[1]).path(mp[0].toLowerCase(Locale.ROOT));
  }

  private JsonNode ref(String ref) {
    JsonNode n = spec.at(ref.substring(1));
    assertThat(n.isMissingNode()).as(ref).isFalse();
    return n;
  }

  private static void walk(JsonNode node, java.util.function.Consumer<JsonNode> visit) {
    if (node.isObject()) {
      visit.accept(node);
    }
    for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
      walk(it.next(), visit);
    }
  }
}
