package io.summit.dr.lab;

import io.summit.dr.lab.process.LabException;
import io.summit.dr.lab.process.OsProcesses;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.topology.Topology;
import io.summit.dr.topology.TopologyLoader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The lab's optional Prometheus ({@code summit-dr lab up --prometheus}): Debian's {@code
 * /usr/bin/prometheus} on loopback at the edge (+60, {@link LabLayout#prometheus()}), scraping
 * every component of the running lab that serves {@code /metrics} (orchestrator replicas, routers,
 * observers, agents, service clusters, the WAN daemon, object replicators, and etcd's own) every 5
 * s, one job per kind ({@code summit-orchestrator}, ...; the target's location in the label {@code
 * location}), and the service instances each cluster runs (job {@code summit-service}, found
 * through the cluster's {@code /v1/prometheus-targets}, so instances the autoscaler adds are
 * scraped too), with the alert rules of {@code deploy/prometheus/rules.yml} when that file is
 * found. Recorded in the lab state as kind {@code prometheus}, so {@code lab down} stops it; its
 * data lives in {@code <lab>/edge/prometheus}.
 */
public final class LabPrometheus {
  static final String PROGRAM = "/usr/bin/prometheus";
  static final String KIND = "prometheus";
  private static final List<String> SCRAPED =
      List.of(
          "orchestrator",
          "router",
          "observer",
          "agent",
          "cluster",
          "wan",
          "objects-replicator",
          "etcd");

  private LabPrometheus() {}

  /**
   * Starts Prometheus for the lab that is up in {@code lab} and waits until it is ready.
   *
   * @param rules the alert rules to load, or null for none
   * @throws LabException when the binary is missing, the lab is not up, or it does not get ready
   */
  public static LabComponent start(
      Lab lab, @org.jspecify.annotations.Nullable Path rules, Consumer<String> progress) {
    if (!Files.isExecutable(Path.of(PROGRAM))) {
      throw new LabException(
          "prometheus: " + PROGRAM + " not found: install Debian's prometheus (.ci/setup does)");
    }
    long t0 = System.nanoTime();
    LabState state = lab.requireState();
    Topology topology = TopologyLoader.load(Path.of(state.config()));
    LabLayout layout = LabLayout.of(topology);
    Path dir = lab.dir().resolve(LabLayout.EDGE).resolve("prometheus");
    Path config = dir.resolve("prometheus.yml");
    try {
      Files.createDirectories(dir.resolve("data"));
      Files.writeString(
          config,
          config(
              state,
              rules,
              LabAccess.tokenFile(lab.dir(), LabAccess.PROMETHEUS),
              LabTls.caFile(lab.dir())));
    } catch (IOException e) {
      throw new LabException("prometheus: cannot write " + config + ": " + e.getMessage(), e);
    }
    Endpoint listen = layout.prometheus();
    List<String> command =
        List.of(
            PROGRAM,
            "--config.file=" + config,
            "--storage.tsdb.path=" + dir.resolve("data"),
            "--storage.tsdb.retention.time=1d",
            "--web.listen-address=" + listen,
            "--log.level=warn");
    Path log = dir.resolve("prometheus.log");
    long pid = OsProcesses.spawnDetached(command, log);
    LabComponent c =
        new LabComponent(
            Lab.componentName(KIND, LabLayout.EDGE),
            KIND,
            LabLayout.EDGE,
            pid,
            listen.host(),
            listen.port(),
            dir.toString(),
            log.toString(),
            command,
            "/-/ready");
    lab.save(state.with(c));
    awaitReady(c, Duration.ofSeconds(30));
    progress.accept(
        String.format(
            Locale.ROOT,
            "  %-22s %-9s %-16s pid %-7d %5.1fs  (http://%s/targets)",
            c.name(),
            c.region(),
            listen,
            pid,
            (System.nanoTime() - t0) / 1e9,
            listen));
    return c;
  }

  /**
   * The scrape configuration: one job per component kind, static targets from the lab state, and
   * one job for the service instances, discovered from every cluster.
   */
  static String config(LabState state, @org.jspecify.annotations.Nullable Path rules) {
    return config(state, rules, null);
  }

  /**
   * @param token the bearer token file every scrape (and the clusters' service discovery) sends,
   *     when the lab's daemons require one
   */
  static String config(
      LabState state,
      @org.jspecify.annotations.Nullable Path rules,
      @org.jspecify.annotations.Nullable Path token) {
    return config(state, rules, token, null);
  }

  /**
   * @param token the bearer token file every scrape (and the clusters' service discovery) sends,
   *     when the lab's daemons require one
   * @param caFile the lab's certificate authority: the kinds in {@link LabTls#SERVED} are scraped
   *     over HTTPS trusting it
   */
  static String config(
      LabState state,
      @org.jspecify.annotations.Nullable Path rules,
      @org.jspecify.annotations.Nullable Path token,
      @org.jspecify.annotations.Nullable Path caFile) {
    String authorization =
        token == null
            ? ""
            : "    authorization: {type: Bearer, credentials_file: '"
                + token.toAbsolutePath()
                + "'}\n";
    Map<String, List<LabComponent>> byKind = new LinkedHashMap<>();
    for (LabComponent c : state.components()) {
      if (SCRAPED.contains(c.kind())) {
        byKind.computeIfAbsent(c.kind(), k -> new ArrayList<>()).add(c);
      }
    }
    StringBuilder y = new StringBuilder();
    y.append("# Written by `summit-dr lab up --prometheus` for ")
        .append(state.topology())
        .append('\n');
    y.append("global:\n  scrape_interval: 5s\n  scrape_timeout: 4s\n  evaluation_interval: 5s\n");
    if (rules != null) {
      y.append("rule_files:\n  - ").append(rules.toAbsolutePath()).append('\n');
    }
    y.append("scrape_configs:\n");
    byKind.forEach(
        (kind, components) -> {
          y.append("  - job_name: summit-").append(kind).append('\n');
          // a guarded daemon's /metrics needs a token when the lab has credentials
          if (LabAccess.GUARDED.contains(kind)) {
            y.append(authorization);
          }
          if (caFile != null && LabTls.SERVED.contains(kind)) {
            y.append("    scheme: https\n    tls_config: {ca_file: '")
                .append(caFile.toAbsolutePath())
                .append("'}\n");
          }
          y.append("    static_configs:\n");
          for (LabComponent c : components) {
            y.append("      - targets: ['")
                .append(c.host())
                .append(':')
                .append(c.port())
                .append("']\n");
            y.append("        labels: {location: '")
                .append(c.region())
                .append("', component: '")
                .append(c.name())
                .append("'}\n");
          }
        });
    List<LabComponent> clusters = byKind.getOrDefault("cluster", List.of());
    if (!clusters.isEmpty()) {
      y.append("  - job_name: summit-service\n");
      y.append("    http_sd_configs:\n");
      for (LabComponent c : clusters) {
        Path trusted = LabTls.SERVED.contains("cluster") ? caFile : null;
        boolean tls = trusted != null;
        y.append("      - url: '")
            .append(tls ? "https" : "http")
            .append("://")
            .append(c.host())
            .append(':')
            .append(c.port())
            .append("/v1/prometheus-targets'\n");
        y.append("        refresh_interval: 5s\n");
        if (trusted != null) {
          y.append("        tls_config: {ca_file: '")
              .append(trusted.toAbsolutePath())
              .append("'}\n");
        }
        if (!authorization.isEmpty()) {
          y.append("    ").append(authorization);
        }
      }
    }
    return y.toString();
  }

  private static void awaitReady(LabComponent c, Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    URI ready = URI.create("http://" + c.host() + ":" + c.port() + "/-/ready");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!OsProcesses.isAlive(c.pid())) {
        throw new LabException(c.name() + ": exited at start; see " + c.log());
      }
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(1)).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LabException(c.name() + ": interrupted while waiting for it", e);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
    }
    throw new LabException(
        c.name() + ": not ready after " + timeout.toSeconds() + "s; see " + c.log());
  }
}
