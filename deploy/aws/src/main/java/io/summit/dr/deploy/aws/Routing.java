package io.summit.dr.deploy.aws;

import io.summit.dr.topology.Region;
import io.summit.dr.topology.RegionRole;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.route53.CfnHealthCheck;
import software.amazon.awscdk.services.route53.CfnRecordSet;
import software.amazon.awscdk.services.route53.HostedZone;
import software.amazon.awscdk.services.route53.HostedZoneAttributes;
import software.amazon.awscdk.services.route53.IHostedZone;
import software.amazon.awscdk.services.route53.PublicHostedZone;
import software.constructs.Construct;

/**
 * Global load balancing with Route 53. Each region's load balancer (the ALB the AWS Load Balancer
 * Controller creates for the services' ingress; its DNS name and canonical zone id are stack
 * parameters, since it does not exist before the cluster runs) gets an HTTPS health check on the
 * first service's health path, at the topology's probe interval and failure threshold, and an alarm
 * on it. The read host name ({@code api.<zone>}) has a latency record per region, alias to the load
 * balancer with target-health evaluation and the region's health check (alias records take the
 * ALB's 60 s TTL). The write host name ({@code write.<zone>}) has failover records, PRIMARY to the
 * primary region and SECONDARY to the secondary, CNAMEs with a {@value #WRITE_TTL} s TTL so that
 * writers follow a failover quickly.
 */
final class Routing extends Construct {
  static final int WRITE_TTL = 30;

  /**
   * Canonical hosted zone ids of Application Load Balancers, for the parameter defaults; other
   * regions need the parameter given.
   */
  private static final Map<String, String> ALB_ZONES =
      Map.of(
          "us-east-1", "Z35SXDOTRQ7X7K",
          "us-east-2", "Z3AADJGX6KTTL2",
          "us-west-1", "Z368ELLRRE2KJ0",
          "us-west-2", "Z1H1FL5HABSF5",
          "eu-west-1", "Z32O12XQLNTSW2",
          "eu-central-1", "Z215JYRZR1TBD5");

  final IHostedZone zone;
  final Map<RegionRole, CfnHealthCheck> healthChecks = new java.util.EnumMap<>(RegionRole.class);
  final Map<RegionRole, Alarm> healthAlarms = new java.util.EnumMap<>(RegionRole.class);

  Routing(Construct scope, String id, AwsTopology aws) {
    super(scope, id);
    Settings settings = aws.settings();
    String hostedZoneId = settings.hostedZoneId();
    zone =
        hostedZoneId == null
            ? PublicHostedZone.Builder.create(this, "Zone").zoneName(settings.zoneName()).build()
            : HostedZone.fromHostedZoneAttributes(
                this,
                "Zone",
                HostedZoneAttributes.builder()
                    .hostedZoneId(hostedZoneId)
                    .zoneName(settings.zoneName())
                    .build());
    for (Region region : List.of(aws.primary(), aws.secondary())) {
      addRegion(aws, region);
    }
  }

  private void addRegion(AwsTopology aws, Region region) {
    String role = region.role() == RegionRole.PRIMARY ? "Primary" : "Secondary";
    String dns =
        parameter(
                role + "LoadBalancerDns",
                "lb-" + region.name() + "." + aws.settings().zoneName(),
                "DNS name of the " + region.name() + " load balancer (the services' ALB)")
            .getValueAsString();
    String albZone =
        parameter(
                role + "LoadBalancerZoneId",
                ALB_ZONES.get(region.name()),
                "Canonical hosted zone id of the " + region.name() + " load balancer")
            .getValueAsString();
    CfnHealthCheck check = healthCheck(aws, region, role, dns);
    healthChecks.put(region.role(), check);
    healthAlarms.put(region.role(), healthAlarm(aws, region, role, check));
    CfnRecordSet.Builder.create(this, role + "ReadLatency")
        .hostedZoneId(zone.getHostedZoneId())
        .name(aws.settings().readName())
        .type("A")
        .setIdentifier(region.name())
        .region(region.name())
        .healthCheckId(check.getAttrHealthCheckId())
        .aliasTarget(
            CfnRecordSet.AliasTargetProperty.builder()
                .dnsName(dns)
                .hostedZoneId(albZone)
                .evaluateTargetHealth(true)
                .build())
        .build();
    CfnRecordSet.Builder.create(this, role + "WriteFailover")
        .hostedZoneId(zone.getHostedZoneId())
        .name(aws.settings().writeName())
        .type("CNAME")
        .ttl(Integer.toString(WRITE_TTL))
        .setIdentifier(region.name())
        .failover(role.toUpperCase(Locale.ROOT))
        .healthCheckId(check.getAttrHealthCheckId())
        .resourceRecords(List.of(dns))
        .build();
  }

  private CfnParameter parameter(String name, @Nullable String defaultValue, String description) {
    CfnParameter.Builder builder =
        CfnParameter.Builder.create(this, name).type("String").description(description);
    if (defaultValue != null) {
      builder.defaultValue(defaultValue);
    }
    CfnParameter parameter = builder.build();
    parameter.overrideLogicalId(name);
    return parameter;
  }

  private CfnHealthCheck healthCheck(AwsTopology aws, Region region, String role, String dns) {
    return CfnHealthCheck.Builder.create(this, role + "HealthCheck")
        .healthCheckConfig(
            CfnHealthCheck.HealthCheckConfigProperty.builder()
                .type("HTTPS")
                .fullyQualifiedDomainName(dns)
                .port(443)
                .resourcePath(aws.healthPath())
                .requestInterval(aws.healthCheckIntervalSeconds())
                .failureThreshold(aws.topology().health().failureThreshold())
                .enableSni(true)
                .build())
        .healthCheckTags(
            List.of(
                CfnHealthCheck.HealthCheckTagProperty.builder()
                    .key("Name")
                    .value(aws.name() + "-" + region.name())
                    .build()))
        .build();
  }

  private Alarm healthAlarm(AwsTopology aws, Region region, String role, CfnHealthCheck check) {
    return Alarm.Builder.create(this, role + "HealthAlarm")
        .alarmName(aws.name() + "-" + region.name() + "-unhealthy")
        .alarmDescription(
            aws.name() + ": Route 53 health check of the " + region.name() + " load balancer fails")
        .metric(
            Metric.Builder.create()
                .namespace("AWS/Route53")
                .metricName("HealthCheckStatus")
                .dimensionsMap(Map.of("HealthCheckId", check.getAttrHealthCheckId()))
                .statistic("Minimum")
                .period(Duration.minutes(1))
                .build())
        .threshold(1)
        .comparisonOperator(ComparisonOperator.LESS_THAN_THRESHOLD)
        .evaluationPeriods(1)
        .treatMissingData(TreatMissingData.BREACHING)
        .build();
  }
}
