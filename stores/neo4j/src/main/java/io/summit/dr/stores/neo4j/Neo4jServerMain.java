package io.summit.dr.stores.neo4j;

import java.io.IOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar summit-dr-neo4j.jar --data DIR --bolt HOST:PORT --admin HOST:PORT [--snapshots
 * DIR] [--upstream HOST:PORT] [--snapshot-every 5m] [--page-cache 32m]}: runs one region's server
 * until SIGTERM (a shutdown hook closes the database cleanly).
 */
public final class Neo4jServerMain {
  private static final Logger LOG = LoggerFactory.getLogger(Neo4jServerMain.class);

  private Neo4jServerMain() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    ServerConfig config;
    io.summit.dr.access.@Nullable AccessList access;
    javax.net.ssl.@Nullable SSLContext tls;
    try {
      config = ServerConfig.parse(List.of(args));
      Path accessFile = config.accessFile();
      access =
          accessFile == null
              ? null
              : io.summit.dr.access.AccessList.read("--access-file", accessFile);
      tls = io.summit.dr.access.Tls.serverOrPlain(config.tlsCert(), config.tlsKey());
      Path ca = config.caFile();
      if (ca != null) {
        io.summit.dr.access.Tls.trusting(ca); // refused here, naming --ca-file, not at a rejoin
      }
    } catch (IllegalArgumentException e) {
      System.err.println("neo4j server: " + e.getMessage());
      System.exit(2);
      return;
    }
    long t0 = System.nanoTime();
    Neo4jServer server = Neo4jServer.start(config, InstantSource.system());
    AdminApi api = new AdminApi(server, config.admin(), access, tls).start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .unstarted(
                    () -> {
                      api.close();
                      server.close();
                      stopped.countDown();
                    }));
    LOG.info(
        "neo4j server: {} on bolt {}, admin {}, up in {} ms",
        server.state().role(),
        config.bolt(),
        config.admin(),
        (System.nanoTime() - t0) / 1_000_000);
    stopped.await();
  }
}
