package io.summit.dr.cloud.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import io.summit.dr.replication.StoreResult;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WriteRoutingTest {
  private static final String ZONE = "Z0123456789ABCDEFGHIJ";
  private static final String R53 = "https://route53.amazonaws.com/doc/2013-04-01/";

  private AwsStub aws = new AwsStub(Fixtures.targets());

  @AfterEach
  void close() {
    aws.close();
  }

  private WriteRouting routing() {
    return new WriteRouting(
        aws.targets, aws.clients, aws.context().runner(), Duration.ofSeconds(2));
  }

  private static String record(String region, String role) {
    return "<ResourceRecordSet><Name>write.intelgraph.example.com.</Name><Type>CNAME</Type>"
        + "<SetIdentifier>"
        + region
        + "</SetIdentifier><Failover>"
        + role
        + "</Failover>"
        + "<TTL>30</TTL><ResourceRecords><ResourceRecord><Value>lb-"
        + region
        + ".intelgraph.example.com</Value></ResourceRecord></ResourceRecords>"
        + "<HealthCheckId>0fe3c2d6-1a2b-4c3d-8e9f-"
        + (region.equals("us-west-2") ? "000000000001" : "000000000002")
        + "</HealthCheckId></ResourceRecordSet>";
  }

  private void records(String westRole, String eastRole) {
    aws.stub(
        get(urlPathMatching("/2013-04-01/hostedzone/" + ZONE + "/rrset/?"))
            .withQueryParam("name", equalTo("write.intelgraph.example.com"))
            .withQueryParam("type", equalTo("CNAME"))
            .atPriority(10)
            .willReturn(
                AwsStub.xml(
                    200,
                    "<?xml version=\"1.0\"?><ListResourceRecordSetsResponse xmlns=\""
                        + R53
                        + "\">"
                        + "<ResourceRecordSets>"
                        + record("us-east-1", eastRole)
                        + record("us-west-2", westRole)
                        + "</ResourceRecordSets><IsTruncated>false</IsTruncated><MaxItems>300</MaxItems>"
                        + "</ListResourceRecordSetsResponse>")));
  }

  @Test
  void routeWritesMakesTheRegionsRecordPrimaryInOneBatchAndWaitsForInsync() {
    records("PRIMARY", "SECONDARY");
    aws.stub(
        post(urlPathMatching("/2013-04-01/hostedzone/" + ZONE + "/rrset/?"))
            .willReturn(
                AwsStub.xml(
                    200,
                    "<ChangeResourceRecordSetsResponse xmlns=\""
                        + R53
                        + "\"><ChangeInfo>"
                        + "<Id>/change/C2682N5HXP0BZ4</Id><Status>PENDING</Status>"
                        + "<SubmittedAt>2026-12-01T06:00:00.000Z</SubmittedAt></ChangeInfo>"
                        + "</ChangeResourceRecordSetsResponse>")));
    aws.stub(
        get(urlPathMatching("/2013-04-01/change/C2682N5HXP0BZ4"))
            .willReturn(
                AwsStub.xml(
                    200,
                    "<GetChangeResponse xmlns=\""
                        + R53
                        + "\"><ChangeInfo><Id>/change/C2682N5HXP0BZ4</Id>"
                        + "<Status>INSYNC</Status><SubmittedAt>2026-12-01T06:00:00.000Z</SubmittedAt>"
                        + "</ChangeInfo></GetChangeResponse>")));

    StoreResult r = routing().routeWrites("us-east-1");

    assertThat(r).isInstanceOf(StoreResult.Applied.class);
    assertThat(r.detail()).contains("INSYNC");
    var seen = aws.seen();
    assertThat(seen)
        .extracting(AwsStub.Seen::action)
        .containsExactly(
            "GET /2013-04-01/hostedzone/"
                + ZONE
                + "/rrset?name=write.intelgraph.example.com&type=CNAME",
            "POST /2013-04-01/hostedzone/" + ZONE + "/rrset/",
            "GET /2013-04-01/change/C2682N5HXP0BZ4");
    assertThat(seen)
        .allSatisfy(s -> assertThat(s.service() + "@" + s.region()).isEqualTo("route53@us-east-1"));
    String batch = seen.get(1).body().replaceAll("\\s", "");
    assertThat(batch)
        .contains(
            "<Action>UPSERT</Action><ResourceRecordSet><Name>write.intelgraph.example.com.</Name><Type>CNAME</Type><SetIdentifier>us-east-1</SetIdentifier><Failover>PRIMARY</Failover>")
        .contains("<SetIdentifier>us-west-2</SetIdentifier><Failover>SECONDARY</Failover>")
        .contains("<HealthCheckId>0fe3c2d6-1a2b-4c3d-8e9f-000000000002</HealthCheckId>");
    assertThat(aws.made)
        .extracting(AwsCall::action)
        .containsExactly("ListResourceRecordSets", "ChangeResourceRecordSets", "GetChange");
    assertThat(WriteRouting.routeCalls(aws.targets, "us-east-1", "us-west-2"))
        .extracting(AwsCall::action)
        .containsExactly("ListResourceRecordSets", "ChangeResourceRecordSets", "GetChange");
  }

  @Test
  void routeWritesChangesNothingWhenTheRegionIsPrimaryAlready() throws Exception {
    records("SECONDARY", "PRIMARY");

    assertThat(routing().routeWrites("us-east-1")).isInstanceOf(StoreResult.AlreadyDone.class);
    assertThat(aws.seen()).hasSize(1);
    assertThat(routing().writer()).contains("us-east-1");
  }

  /** The seam the plan's stop-writes, route-writes and supervision use on AWS. */
  @Test
  void asTheOrchestratorsWriteRouterItReportsAndMovesThePrimaryRecord() throws Exception {
    records("PRIMARY", "SECONDARY");
    io.summit.dr.orchestrator.WriteRouter router = routing();

    assertThat(router.writer()).contains("us-west-2");
    assertThat(router.stopWrites("us-west-2"))
        .isInstanceOf(StoreResult.AlreadyDone.class)
        .extracting(StoreResult::detail)
        .asString()
        .contains("route53");
    assertThat(router.canWriteThrough()).isFalse();
  }

  @Test
  void aThrottledListIsRetried() {
    aws.stub(
        get(urlPathMatching("/2013-04-01/hostedzone/.*"))
            .inScenario("aws")
            .whenScenarioStateIs(AwsStub.started())
            .willSetStateTo("listed")
            .willReturn(
                AwsStub.xml(
                    400,
                    "<ErrorResponse xmlns=\""
                        + R53
                        + "\"><Error><Type>Sender</Type><Code>Throttling</Code>"
                        + "<Message>Rate exceeded</Message></Error><RequestId>r1</RequestId></ErrorResponse>")));
    records("SECONDARY", "PRIMARY");
    aws.state(AwsStub.started());

    assertThat(routing().routeWrites("us-east-1")).isInstanceOf(StoreResult.AlreadyDone.class);
    assertThat(aws.seen()).hasSize(2);
  }

  @Test
  void stopWritesWithRecordsCallsNothing() {
    assertThat(routing().stopWrites("us-west-2")).isInstanceOf(StoreResult.AlreadyDone.class);
    assertThat(aws.seen()).isEmpty();
  }

  @Test
  void arcStopWritesTurnsTheRegionsControlOffThroughTheSignedClusterApi() {
    aws.close();
    aws =
        new AwsStub(
            Fixtures.targets()
                .withArc(
                    new AwsTargets.ArcControls(
                        Map.of(
                            "us-west-2",
                                "arn:aws:route53-recovery-control::111111111111:controlpanel/p/routingcontrol/west",
                            "us-east-1",
                                "arn:aws:route53-recovery-control::111111111111:controlpanel/p/routingcontrol/east"),
                        Map.of("us-west-2", "https://host-aaaa.us-west-2.example.com/v1"))));
    aws.stub(
        post(urlEqualTo("/"))
            .withHeader("X-Amz-Target", equalTo("ToggleCustomerAPI.GetRoutingControlState"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/x-amz-json-1.0")
                    .withBody(
                        "{\"RoutingControlArn\":\"arn:aws:route53-recovery-control::111111111111:controlpanel/p/routingcontrol/west\","
                            + "\"RoutingControlState\":\"On\",\"RoutingControlName\":\"west\"}")));
    aws.stub(
        post(urlEqualTo("/"))
            .withHeader("X-Amz-Target", equalTo("ToggleCustomerAPI.UpdateRoutingControlState"))
            .willReturn(aResponse().withStatus(200).withBody("{}")));

    StoreResult r = routing().stopWrites("us-west-2");

    assertThat(r).isInstanceOf(StoreResult.Applied.class);
    var seen = aws.seen();
    assertThat(seen)
        .extracting(AwsStub.Seen::action)
        .containsExactly("GetRoutingControlState", "UpdateRoutingControlState");
    assertThat(seen)
        .allSatisfy(
            s ->
                assertThat(s.service() + "@" + s.region())
                    .isEqualTo("route53-recovery-cluster@us-west-2"));
    assertThat(seen.get(1).body())
        .contains("\"RoutingControlState\":\"Off\"")
        .contains("routingcontrol/west");
    assertThat(aws.made).isEqualTo(WriteRouting.stopCalls(aws.targets, "us-west-2"));
  }

  @Test
  void arcConflictIsRetryNamingTheErrorCode() {
    aws.close();
    aws =
        new AwsStub(
            Fixtures.targets()
                .withArc(
                    new AwsTargets.ArcControls(
                        Map.of(
                            "us-west-2",
                            "arn:aws:route53-recovery-control::111111111111:controlpanel/p/routingcontrol/west"),
                        Map.of("us-west-2", "https://host-aaaa.us-west-2.example.com/v1"))));
    aws.stub(
        post(urlEqualTo("/"))
            .willReturn(
                aResponse()
                    .withStatus(409)
                    .withBody(
                        "{\"__type\":\"ConflictException\",\"message\":\"A conflict occurred\"}")));

    StoreResult r = routing().stopWrites("us-west-2");

    assertThat(r).isInstanceOf(StoreResult.Retry.class);
    assertThat(r.detail()).contains("ConflictException");
    assertThat(aws.seen()).hasSize(1);
  }
}
