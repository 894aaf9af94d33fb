package io.summit.dr.cloud.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import io.summit.dr.orchestrator.plan.Action;
import io.summit.dr.orchestrator.plan.PlanKind;
import io.summit.dr.replication.StoreResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AccessPointRoutesTest {
  private final AwsStub aws = new AwsStub(Fixtures.targets());

  @AfterEach
  void close() {
    aws.close();
  }

  private void routes(int west, int east) {
    aws.stub(
        get(urlPathMatching("/v20180820/mrap/instances/.*/routes"))
            .willReturn(
                AwsStub.xml(
                    200,
                    "<GetMultiRegionAccessPointRoutesResult><Mrap>arn:aws:s3::111111111111:accesspoint/summit-objects</Mrap>"
                        + "<Routes><Route><Bucket>intelgraph-data-us-west-2</Bucket><Region>us-west-2</Region>"
                        + "<TrafficDialPercentage>"
                        + west
                        + "</TrafficDialPercentage></Route>"
                        + "<Route><Bucket>intelgraph-data-us-east-1</Bucket><Region>us-east-1</Region>"
                        + "<TrafficDialPercentage>"
                        + east
                        + "</TrafficDialPercentage></Route></Routes>"
                        + "</GetMultiRegionAccessPointRoutesResult>")));
  }

  @Test
  void promoteDialsTheRegionsBucketTo100AndTheOtherTo0() {
    routes(100, 0);
    aws.stub(
        patch(urlPathMatching("/v20180820/mrap/instances/.*/routes"))
            .willReturn(AwsStub.xml(200, "<SubmitMultiRegionAccessPointRoutesResult/>")));

    StoreResult r =
        new AccessPointRoutes(aws.context(), "objects", "us-east-1", "us-west-2").promote();

    assertThat(r).isInstanceOf(StoreResult.Applied.class);
    var seen = aws.seen();
    assertThat(seen)
        .allSatisfy(s -> assertThat(s.service() + "@" + s.region()).isEqualTo("s3@us-east-1"));
    assertThat(seen.get(1).action()).startsWith("PATCH /v20180820/mrap/instances/");
    assertThat(seen.get(1).body().replaceAll("\\s", ""))
        .contains(
            "<Bucket>intelgraph-data-us-east-1</Bucket><Region>us-east-1</Region><TrafficDialPercentage>100</TrafficDialPercentage>")
        .contains(
            "<Bucket>intelgraph-data-us-west-2</Bucket><Region>us-west-2</Region><TrafficDialPercentage>0</TrafficDialPercentage>");
    assertThat(
            aws.server.findAll(
                com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(
                    com.github.tomakehurst.wiremock.client.WireMock.anyUrl())))
        .allSatisfy(
            q -> {
              assertThat(q.getHeader("x-amz-account-id")).isEqualTo("111111111111");
              // S3 Control's endpoint: the account id in front of the host
              assertThat(q.getHeader("Host")).startsWith("111111111111.localhost:");
            });
    assertThat(aws.made)
        .isEqualTo(
            new StoreCalls.Objects(aws.targets, "objects")
                .of(Action.PROMOTE, PlanKind.FAILOVER, "us-east-1", "us-west-2"));
  }

  @Test
  void fenceOfABucketAlreadyDialledToZeroChangesNothing() {
    routes(0, 100);

    StoreResult r =
        new AccessPointRoutes(aws.context(), "objects", "us-west-2", "us-east-1").fence();

    assertThat(r).isInstanceOf(StoreResult.AlreadyDone.class);
    assertThat(aws.seen()).hasSize(1);
  }
}
