package io.summit.dr.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lab Prometheus' scrape configuration, checked by promtool. */
class LabPrometheusTest {
  @TempDir Path dir;

  private static LabComponent c(String name, String kind, String region, int port) {
    return new LabComponent(name, kind, region, 1, "127.0.0.1", port, "/tmp", "/tmp/log");
  }

  @Test
  void everyComponentThatServesMetricsIsAJobTargetAndPromtoolAcceptsTheConfig() throws Exception {
    LabState state =
        new LabState(
            "lab.yaml",
            "lab",
            List.of(
                c("wan-edge", "wan", "edge", 26950),
                c("postgres-us-west-2", "postgres", "us-west-2", 26001),
                c("etcd-witness", "etcd", "witness", 26860),
                c("orchestrator-us-west-2", "orchestrator", "us-west-2", 26070),
                c("orchestrator-witness", "orchestrator", "witness", 26870),
                c("agent-us-west-2", "agent", "us-west-2", 26080),
                c("observer-us-east-1", "observer", "us-east-1", 26130),
                c("router-edge", "router", "edge", 26921),
                c("cluster-us-east-1", "cluster", "us-east-1", 26140),
                c("objects-replicator-us-east-1", "objects-replicator", "us-east-1", 26118)));
    Path rules = Path.of("../deploy/prometheus/rules.yml").toAbsolutePath().normalize();

    Path token = Files.writeString(dir.resolve("prometheus.token"), "0123456789abcdefghij\n");

    Path ca =
        io.summit.dr.access.CertificateAuthority.create(
                dir.resolve("tls"), "test CA", List.of("127.0.0.1"))
            .caCert();

    String config = LabPrometheus.config(state, rules, token, ca);

    assertThat(config)
        .contains(
            "job_name: summit-orchestrator",
            "'127.0.0.1:26070'",
            "'127.0.0.1:26870'",
            "job_name: summit-wan",
            "job_name: summit-router",
            "job_name: summit-cluster",
            "location: 'witness'",
            "job_name: summit-service",
            "job_name: summit-objects-replicator",
            "job_name: summit-etcd",
            "'127.0.0.1:26860'",
            "'127.0.0.1:26118'",
            "url: 'https://127.0.0.1:26140/v1/prometheus-targets'")
        .doesNotContain("26001");
    // the seven guarded kinds' jobs and the clusters' service discovery send the token; etcd and
    // the service instances are not asked
    assertThat(config.split("credentials_file: '" + token.toAbsolutePath() + "'", -1)).hasSize(9);
    // the kinds that listen with TLS (the orchestrators, the edge router's admin API, the
    // observers, the agents, the clusters, the WAN daemon, the objects replicators): their jobs
    // alone are scraped over HTTPS, trusting the lab's authority
    String tls = "scheme: https\n    tls_config: {ca_file: '" + ca.toAbsolutePath() + "'}";
    assertThat(config.split(java.util.regex.Pattern.quote(tls), -1)).hasSize(8);
    // ... and the clusters' service discovery of the instances too
    assertThat(config)
        .contains(
            "/v1/prometheus-targets'\n        refresh_interval: 5s\n        tls_config: {ca_file: '"
                + ca.toAbsolutePath()
                + "'}");
    for (String kind :
        List.of(
            "orchestrator",
            "router",
            "observer",
            "agent",
            "cluster",
            "wan",
            "objects-replicator")) {
      String job = config.substring(config.indexOf("job_name: summit-" + kind));
      assertThat(job.substring(0, job.indexOf("static_configs")))
          .startsWith("job_name: summit-" + kind + "\n    authorization: ")
          .contains(tls);
    }
    Path file = Files.writeString(dir.resolve("prometheus.yml"), config);
    Process p =
        new ProcessBuilder("promtool", "check", "config", file.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  @Test
  void prometheusListensAtTheEdgeBlockPlusSixty() {
    LabLayout layout = new LabLayout("127.0.0.1", 27000, List.of("us-west-2", "us-east-1"));
    assertThat(layout.prometheus().port()).isEqualTo(27960);
  }
}
