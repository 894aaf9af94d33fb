package io.summit.dr.cloud.aws;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;

/**
 * Replication lag from CloudWatch: the newest datapoint of a lag metric ({@code ReplicaLag}, {@code
 * AuroraGlobalDBReplicationLag}, {@code GlobalDatastoreReplicationLag}, {@code ReplicationLatency})
 * and its timestamp, so that the RPO guard can judge its age: CloudWatch publishes these once a
 * minute at best, and a metric that stopped (a silent replica) leaves an old datapoint, never a
 * fresh 0.
 */
final class Lag {
  private Lag() {}

  /** How far back a lag is looked for. */
  static final Duration WINDOW = Duration.ofMinutes(10);

  private static final Set<String> NOT_DIMENSIONS =
      Set.of("Namespace", "MetricName", "Stat", "Period");

  /**
   * A lag reading.
   *
   * @param seconds the lag in seconds
   * @param measuredAt the datapoint's timestamp (the start of its period)
   */
  record Reading(double seconds, Instant measuredAt) {
    Duration age(Instant now) {
      return Duration.between(measuredAt, now);
    }
  }

  /** The {@code GetMetricData} call for one lag metric; {@code dims} alternate name and value. */
  static AwsCall call(String region, String namespace, String metric, String... dims) {
    List<String> kv = new ArrayList<>(List.of("Namespace", namespace, "MetricName", metric));
    kv.addAll(List.of(dims));
    kv.addAll(List.of("Stat", "Maximum", "Period", "60"));
    // GetMetricData has no resource type: no policy can scope it
    return AwsCall.read("cloudwatch", "GetMetricData", region, kv.toArray(String[]::new))
        .on(AwsCall.ANY_RESOURCE);
  }

  /** The newest datapoint of {@code call}'s metric, or empty when there is none in the window. */
  static Optional<Reading> read(AwsClients clients, CallRunner runner, AwsCall call, Instant now) {
    Map<String, String> p = call.params();
    List<Dimension> dims = new ArrayList<>();
    p.forEach(
        (k, v) -> {
          if (!NOT_DIMENSIONS.contains(k)) {
            dims.add(Dimension.builder().name(k).value(v).build());
          }
        });
    String metric = p.get("MetricName");
    GetMetricDataRequest request =
        GetMetricDataRequest.builder()
            .startTime(now.minus(WINDOW))
            .endTime(now)
            .scanBy(ScanBy.TIMESTAMP_DESCENDING)
            .maxDatapoints(1)
            .metricDataQueries(
                MetricDataQuery.builder()
                    .id("lag")
                    .metricStat(
                        s ->
                            s.metric(
                                    m ->
                                        m.namespace(p.get("Namespace"))
                                            .metricName(metric)
                                            .dimensions(dims))
                                .stat(p.get("Stat"))
                                .period(Integer.parseInt(String.valueOf(p.get("Period")))))
                    .build())
            .build();
    GetMetricDataResponse r =
        runner.run(call, () -> clients.cloudWatch(call.region()).getMetricData(request));
    for (MetricDataResult result : r.metricDataResults()) {
      if (!result.values().isEmpty() && !result.timestamps().isEmpty()) {
        double v = result.values().get(0);
        double seconds = "AuroraGlobalDBReplicationLag".equals(metric) ? v / 1000.0 : v;
        return Optional.of(new Reading(seconds, result.timestamps().get(0)));
      }
    }
    return Optional.empty();
  }
}
