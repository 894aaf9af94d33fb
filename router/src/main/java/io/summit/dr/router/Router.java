package io.summit.dr.router;

import io.summit.dr.access.AccessList;
import io.summit.dr.router.admin.AdminServer;
import io.summit.dr.routing.RequestClassifier;
import io.summit.dr.routing.RoutingTable;
import io.summit.dr.routing.Ticker;
import io.summit.dr.routing.health.HealthChecker;
import io.summit.dr.routing.health.OutlierDetector;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running router: the HTTP proxy, the admin API and the health checker.
 *
 * <p>{@link #start} binds both ports and returns once they accept connections; {@link #close} stops
 * accepting, ends health checking and closes connections (requests in flight are cut). A second
 * close does nothing. Thread-safe.
 *
 * <pre>{@code
 * try (Router router = Router.start(RouterConfig.of(topology, "api-server", Role.EDGE, null,
 *     listen, admin, backends))) {
 *   URI uri = URI.create("http://127.0.0.1:" + router.address().getPort() + "/");
 * }
 * }</pre>
 */
public final class Router implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Router.class);

  private enum State {
    STARTED,
    CLOSED
  }

  private final RouterConfig config;
  private final RoutingTable table;
  private final ProxyServer proxy;
  private final AdminServer admin;
  private final HealthChecker health;
  private final ScheduledExecutorService scheduler;
  private final HttpClient probeClient;
  private final AtomicReference<State> state = new AtomicReference<>(State.STARTED);

  private Router(
      RouterConfig config,
      RoutingTable table,
      ProxyServer proxy,
      AdminServer admin,
      HealthChecker health,
      ScheduledExecutorService scheduler,
      HttpClient probeClient) {
    this.config = config;
    this.table = table;
    this.proxy = proxy;
    this.admin = admin;
    this.health = health;
    this.scheduler = scheduler;
    this.probeClient = probeClient;
  }

  /**
   * Starts a router.
   *
   * @throws IllegalStateException if a port cannot be bound (nothing is left running)
   */
  public static Router start(RouterConfig config) {
    return start(config, null);
  }

  /**
   * A router whose admin API requires a token of {@code access} (see {@link AdminServer#POLICY});
   * open when {@code access} is null.
   */
  public static Router start(RouterConfig config, @Nullable AccessList access) {
    return start(config, access, null);
  }

  /**
   * A router whose admin API requires a token of {@code access} (open when null) and listens with
   * HTTPS when {@code tls} is given ({@code --tls-cert}, {@code --tls-key}); the proxy is not
   * affected.
   */
  public static Router start(
      RouterConfig config, @Nullable AccessList access, @Nullable SSLContext tls) {
    RoutingTable table =
        new RoutingTable(
            config.regions(),
            config.zones(),
            config.writer(),
            config.role() == Role.GATEWAY ? config.region() : null,
            config.routing());
    config.backends().forEach(table::replaceInstances);
    RouterMetrics metrics = new RouterMetrics(table);
    OutlierDetector outliers = new OutlierDetector(table, Ticker.system(), metrics);
    RequestClassifier classifier =
        new RequestClassifier(config.service().writes(), config.routing().graphqlBodyLimit());
    ProxyServer proxy =
        new ProxyServer(
            new Proxy(
                config,
                table,
                classifier,
                outliers,
                metrics,
                new io.summit.dr.routing.ResidencyRules(config.residency())));
    AdminServer admin =
        new AdminServer(
            config.admin(),
            table,
            config.role().name().toLowerCase(java.util.Locale.ROOT),
            config.region(),
            metrics::scrape,
            proxy::retire,
            tls);
    if (access != null) {
      admin.require(access);
    }
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "router-health");
              t.setDaemon(true);
              return t;
            });
    HttpClient probeClient =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(config.health().timeout())
            .executor(scheduler)
            .build();
    HealthChecker health =
        new HealthChecker(
            table,
            config.service().healthPath(),
            config.health(),
            outliers,
            metrics,
            scheduler,
            probeClient);
    try {
      admin.start();
    } catch (IOException | RuntimeException e) {
      proxy.close();
      scheduler.shutdownNow();
      probeClient.close();
      throw new IllegalStateException("admin: cannot bind " + config.admin() + ": " + e, e);
    }
    health.start();
    Router router = new Router(config, table, proxy, admin, health, scheduler, probeClient);
    log.info(
        "router {}{} ({}): listening on {}, admin on {}://{}, writer {}",
        config.role().name().toLowerCase(java.util.Locale.ROOT),
        config.region() == null ? "" : " " + config.region(),
        proxy.transportName(),
        hostPort(router.address()),
        admin.scheme(),
        hostPort(router.adminAddress()),
        table.writer());
    return router;
  }

  private static String hostPort(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }

  /** The proxy's bound address. */
  public InetSocketAddress address() {
    return proxy.address();
  }

  /** The Netty transport in use: io_uring, epoll or nio. */
  String transportName() {
    return proxy.transportName();
  }

  /** The admin API's bound address. */
  public InetSocketAddress adminAddress() {
    return admin.address();
  }

  /** The live routing table (writer, drain, instances), for in-process control and tests. */
  public RoutingTable table() {
    return table;
  }

  public RouterConfig config() {
    return config;
  }

  @Override
  public void close() {
    if (!state.compareAndSet(State.STARTED, State.CLOSED)) {
      return;
    }
    health.close();
    admin.close();
    proxy.close();
    scheduler.shutdownNow();
    probeClient.shutdownNow();
  }
}
