package io.summit.dr.cloud.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A local HTTP stub of the AWS endpoints (WireMock on an ephemeral port) for the adapters' tests:
 * answers with bodies shaped as the AWS API references show them (query-protocol XML for RDS and
 * ElastiCache, REST-XML for Route 53 and S3 Control, Smithy RPC v2 CBOR for CloudWatch, JSON 1.0
 * for Route 53 ARC), errors included, and hands back every request it got, parsed: the action, its
 * parameters, and the region and service of its SigV4 signature. Owns the tests' timings: the
 * runner retries every 10 ms, waits poll every 10 ms for at most 2 s.
 */
final class AwsStub implements AutoCloseable {
  static final String KEY_ID = "AKIDSUMMITTEST";
  private static final Pattern SIGNED =
      Pattern.compile(
          "AWS4-HMAC-SHA256 Credential="
              + KEY_ID
              + "/\\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request, SignedHeaders=[a-z0-9;-]+,"
              + " Signature=[0-9a-f]{64}");
  static final Instant NOW = Instant.parse("2026-12-01T06:00:00Z");

  final WireMockServer server = new WireMockServer(options().dynamicPort());
  final List<AwsCall> made = new CopyOnWriteArrayList<>();
  final AwsClients clients;
  final AwsTargets targets;

  AwsStub(AwsTargets targets) {
    server.start();
    this.targets = targets;
    URI uri = URI.create("http://localhost:" + server.port());
    clients =
        new AwsClients(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY_ID, "secret")),
            region -> uri);
  }

  AwsContext context() {
    return new AwsContext(
        targets,
        clients,
        new CallRunner(4, Duration.ofMillis(10), Duration.ofSeconds(5), made::add),
        Clock.fixed(NOW, ZoneOffset.UTC),
        Duration.ofSeconds(2),
        Duration.ofMillis(10));
  }

  /** One request as the stub saw it. */
  record Seen(
      String service, String region, String action, Map<String, String> params, String body) {}

  /** Every request, in order; fails when one was not SigV4-signed. */
  List<Seen> seen() {
    List<Seen> out = new ArrayList<>();
    for (LoggedRequest r :
        server.findAll(
            com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.anyUrl()))) {
      Matcher m =
          SIGNED.matcher(r.getHeader("Authorization") == null ? "" : r.getHeader("Authorization"));
      if (!m.matches()) {
        throw new AssertionError(
            "not signed with SigV4: "
                + r.getMethod()
                + " "
                + r.getUrl()
                + " "
                + r.getHeader("Authorization"));
      }
      Map<String, String> params = form(r.getBodyAsString());
      String action = params.getOrDefault("Action", "");
      String target = r.getHeader("X-Amz-Target");
      if (target != null) {
        action = target.substring(target.indexOf('.') + 1);
      }
      if (action.isEmpty()) {
        action = r.getMethod() + " " + r.getUrl();
      }
      out.add(new Seen(m.group(2), m.group(1), action, params, r.getBodyAsString()));
    }
    return out;
  }

  List<String> actions() {
    return seen().stream().map(Seen::action).toList();
  }

  private static Map<String, String> form(String body) {
    Map<String, String> out = new LinkedHashMap<>();
    if (!body.contains("Action=")) {
      return out;
    }
    for (String kv : body.split("&")) {
      int eq = kv.indexOf('=');
      if (eq > 0) {
        out.put(
            URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  // ---- query protocol (RDS, ElastiCache)

  static String ok(String action, String namespace, String result) {
    return "<"
        + action
        + "Response xmlns=\""
        + namespace
        + "\"><"
        + action
        + "Result>"
        + result
        + "</"
        + action
        + "Result><ResponseMetadata><RequestId>5e1b4f0e-0000-4000-8000-000000000001</RequestId>"
        + "</ResponseMetadata></"
        + action
        + "Response>";
  }

  static String error(String namespace, String code, String message) {
    return "<ErrorResponse xmlns=\""
        + namespace
        + "\"><Error><Type>Sender</Type><Code>"
        + code
        + "</Code><Message>"
        + message
        + "</Message></Error><RequestId>5e1b4f0e-0000-4000-8000-000000000002</RequestId>"
        + "</ErrorResponse>";
  }

  static final String RDS = "http://rds.amazonaws.com/doc/2014-10-31/";
  static final String ELASTICACHE = "http://elasticache.amazonaws.com/doc/2015-02-02/";

  /** Answers {@code action} (query protocol, any region) in the given scenario states. */
  void query(String action, String state, String next, int status, String xml) {
    com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder m =
        post(urlEqualTo("/"))
            .withRequestBody(containing("Action=" + action + "&"))
            .inScenario("aws")
            .whenScenarioStateIs(state);
    if (!next.equals(state)) {
      m = m.willSetStateTo(next);
    }
    server.stubFor(m.willReturn(xml(status, xml)));
  }

  /** Answers {@code action} in every state. */
  void query(String action, int status, String xml) {
    server.stubFor(
        post(urlEqualTo("/"))
            .withRequestBody(containing("Action=" + action + "&"))
            .atPriority(10)
            .willReturn(xml(status, xml)));
  }

  static ResponseDefinitionBuilder xml(int status, String body) {
    return aResponse().withStatus(status).withHeader("Content-Type", "text/xml").withBody(body);
  }

  void state(String state) {
    server.setScenarioState("aws", state);
  }

  static String started() {
    return Scenario.STARTED;
  }

  // ---- CloudWatch (Smithy RPC v2 CBOR)

  /** GetMetricData answers one datapoint ({@code value} at {@code at}), or none when null. */
  void metric(Double value, Instant at) {
    server.stubFor(
        post(urlPathMatching("/service/GraniteServiceVersion20100801/operation/GetMetricData"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("smithy-protocol", "rpc-v2-cbor")
                    .withHeader("Content-Type", "application/cbor")
                    .withBody(metricData(value, at))));
  }

  private static byte[] metricData(Double value, Instant at) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (CBORGenerator g = new CBORFactory().createGenerator(out)) {
        g.writeStartObject();
        g.writeFieldName("MetricDataResults");
        g.writeStartArray();
        g.writeStartObject();
        g.writeStringField("Id", "lag");
        g.writeStringField("Label", "lag");
        g.writeFieldName("Timestamps");
        g.writeStartArray();
        g.writeTag(1);
        g.writeNumber(at.getEpochSecond());
        g.writeEndArray();
        g.writeFieldName("Values");
        g.writeStartArray();
        g.writeNumber(value);
        g.writeEndArray();
        g.writeStringField("StatusCode", "Complete");
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The CloudWatch request bodies, decoded. */
  List<JsonNode> metricRequests() {
    ObjectMapper cbor = new ObjectMapper(new CBORFactory());
    List<JsonNode> out = new ArrayList<>();
    for (LoggedRequest r :
        server.findAll(
            com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                urlPathMatching(".*/operation/GetMetricData")))) {
      try {
        out.add(cbor.readTree(r.getBody()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  // ---- anything else

  void stub(MappingBuilder m) {
    server.stubFor(m);
  }

  static MappingBuilder anything() {
    return any(com.github.tomakehurst.wiremock.client.WireMock.anyUrl());
  }

  static com.github.tomakehurst.wiremock.matching.StringValuePattern re(String regex) {
    return matching(regex);
  }

  @Override
  public void close() {
    clients.close();
    server.stop();
  }
}
