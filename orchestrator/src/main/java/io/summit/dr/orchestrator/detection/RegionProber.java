package io.summit.dr.orchestrator.detection;

import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.postgres.KeptSessions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Judges regions by asking their stores an application-level question, each within {@link
 * #timeout()}: Redis {@code PING} must answer {@code +PONG}; PostgreSQL must answer {@code SELECT
 * 1} (as user {@code postgres}, database {@code postgres}), or refuse it with an error of its own
 * (an authentication error is an answer too). A bare TCP connect proves nothing: the lab's WAN
 * proxy accepts connections even while a link is cut.
 *
 * <p>A region is {@link RegionHealth#UP} when any of its stores answers in time, {@link
 * RegionHealth#DOWN} when none does. All stores of one {@link #probe()} are asked in parallel on
 * virtual threads, so a probe takes at most about one timeout. A probe that outlives the timeout is
 * abandoned; its thread ends on its own socket timeout. PostgreSQL is asked on a session kept
 * between probes ({@link KeptSessions}): a new session per probe costs the server a process, which
 * on a 2-core machine made probing alone take a large share of the CPU. Redis is asked on a
 * connection kept the same way (in the lab each new one also crosses the WAN daemon). A kept
 * session or connection that ended (a restart, a fence) is replaced within the same probe; one that
 * times out is closed and the probe says no answer. Thread-safe.
 *
 * <p>With an edge address it also judges location {@value #EDGE}: UP when {@code GET /healthz}
 * there gets any HTTP answer in time (the edge router's admin API; over TLS for an {@code https://}
 * address, with the certificate checked), DOWN otherwise. That connection is kept between probes
 * too; one that fails is dropped and the next probe opens another.
 */
public final class RegionProber implements AutoCloseable {
  /** The location name an edge probe reports. */
  public static final String EDGE = "edge";

  private final List<ProbeTarget> targets;
  private final Duration timeout;
  private final @Nullable URI edge;
  private final @Nullable SSLContext trust;
  // The edge probe's client: its connection is kept between probes (a new TLS handshake every
  // probe, three observers at two a second, cost the router, the observers and the WAN daemon).
  private final java.net.http.@Nullable HttpClient edgeClient;
  private final KeptSessions sessions = new KeptSessions(this::probeSession);
  private final ConcurrentHashMap<Endpoint, Socket> redisIdle = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * @throws IllegalArgumentException when there are no targets or the timeout is not positive
   */
  public RegionProber(List<ProbeTarget> targets, Duration timeout) {
    this(targets, timeout, null);
  }

  /**
   * @param edge the edge router's admin API to probe as location {@value #EDGE}, or null
   * @throws IllegalArgumentException when there are no targets or the timeout is not positive
   */
  public RegionProber(List<ProbeTarget> targets, Duration timeout, @Nullable Endpoint edge) {
    this(targets, timeout, edge == null ? null : URI.create("http://" + edge), null);
  }

  /**
   * @param edge the edge router's admin API ({@code http://} or {@code https://HOST:PORT}) to probe
   *     as location {@value #EDGE}, or null
   * @param trust what an {@code https://} edge's certificate must chain to; null: the JDK's
   *     authorities
   * @throws IllegalArgumentException when there are no targets or the timeout is not positive
   */
  public RegionProber(
      List<ProbeTarget> targets, Duration timeout, @Nullable URI edge, @Nullable SSLContext trust) {
    this.targets = List.copyOf(targets);
    this.timeout = timeout;
    this.edge = edge;
    this.trust = trust;
    this.edgeClient = edge == null ? null : io.summit.dr.access.Tls.client(timeout, trust);
    if (this.targets.isEmpty()) {
      throw new IllegalArgumentException("targets: [] (expected: at least one store to probe)");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
    }
  }

  public List<ProbeTarget> targets() {
    return targets;
  }

  public Duration timeout() {
    return timeout;
  }

  /** The regions of the targets, in the order they first appear, then {@value #EDGE} if probed. */
  public List<String> regions() {
    List<String> out =
        new ArrayList<>(targets.stream().map(ProbeTarget::region).distinct().toList());
    if (edge != null) {
      out.add(EDGE);
    }
    return List.copyOf(out);
  }

  /** Probes every target now and judges each region of {@link #regions()}. */
  public Map<String, RegionHealth> probe() {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<CompletableFuture<Boolean>> answers = new ArrayList<>();
    for (ProbeTarget target : targets) {
      CompletableFuture<Boolean> answer = new CompletableFuture<>();
      Thread.ofVirtual()
          .name("probe " + target)
          .start(() -> answer.complete(answers(target, deadline)));
      answers.add(answer);
    }
    URI e = edge;
    CompletableFuture<Boolean> edgeAnswer = new CompletableFuture<>();
    if (e != null) {
      Thread.ofVirtual()
          .name("probe edge=" + e)
          .start(() -> edgeAnswer.complete(httpAnswers(e, millisLeft(deadline))));
    }
    Map<String, RegionHealth> health = new LinkedHashMap<>();
    regions().forEach(r -> health.put(r, RegionHealth.DOWN));
    for (int i = 0; i < targets.size(); i++) {
      if (await(answers.get(i), deadline)) {
        health.put(targets.get(i).region(), RegionHealth.UP);
      }
    }
    if (e != null && await(edgeAnswer, deadline)) {
      health.put(EDGE, RegionHealth.UP);
    }
    return health;
  }

  private static boolean await(CompletableFuture<Boolean> answer, long deadline) {
    try {
      return answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static int millisLeft(long deadline) {
    return (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
  }

  /**
   * Any HTTP status line in answer to a GET: the server is there and serving. Over TLS for an
   * {@code https://} address: a handshake that fails (a certificate not from {@link #trust}, or for
   * another host) is no answer.
   */
  private boolean httpAnswers(URI address, int millis) {
    java.net.http.HttpClient client = edgeClient;
    if (client == null) {
      return false;
    }
    java.net.http.HttpRequest request =
        java.net.http.HttpRequest.newBuilder(address.resolve("/healthz"))
            .timeout(Duration.ofMillis(millis))
            .GET()
            .build();
    try {
      client.send(request, java.net.http.HttpResponse.BodyHandlers.discarding());
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private boolean answers(ProbeTarget target, long deadline) {
    int millis = millisLeft(deadline);
    try {
      return switch (target.kind()) {
        case REDIS -> redisPongs(target.address(), millis);
        case POSTGRES -> postgresAnswers(target.address());
        case NEO4J, OBJECTS -> false;
      };
    } catch (RuntimeException e) { // a driver bug must not lose the thread's answer
      return false;
    }
  }

  /**
   * {@code PING} on the connection kept from the last probe of {@code address}, or a new one: a
   * kept connection that fails without a timeout (the server restarted) is replaced at once; one
   * that times out is closed and counts as no answer. Only a connection that answered {@code +PONG}
   * is kept.
   */
  private boolean redisPongs(Endpoint address, int millis) {
    Socket kept = redisIdle.remove(address);
    if (kept != null) {
      try {
        return keepIfPongs(address, kept, millis);
      } catch (SocketTimeoutException e) {
        return false;
      } catch (IOException e) {
        // The kept connection had ended: once more on a new one.
      }
    }
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(address.host(), address.port()), millis);
      return keepIfPongs(address, socket, millis);
    } catch (IOException e) {
      closeQuietly(socket);
      return false;
    }
  }

  private boolean keepIfPongs(Endpoint address, Socket socket, int millis) throws IOException {
    boolean pongs;
    try {
      socket.setSoTimeout(millis);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      pongs = "+PONG".equals(readLine(socket.getInputStream()));
    } catch (IOException e) {
      closeQuietly(socket);
      throw e;
    }
    if (!pongs || closed || redisIdle.putIfAbsent(address, socket) != null) {
      closeQuietly(socket);
    }
    return pongs;
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing left to release
    }
  }

  /**
   * One line up to and including its CRLF, without them: the whole line is read, so that a kept
   * connection's next answer starts at its first byte.
   *
   * @throws java.io.EOFException when the connection closes first (a server that ended it)
   */
  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    for (c = in.read(); c != -1 && c != '\n' && line.length() < 512; c = in.read()) {
      line.append((char) c);
    }
    if (c == -1) {
      throw new java.io.EOFException("connection closed after " + line.length() + " bytes");
    }
    int end = line.length();
    return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
  }

  private boolean postgresAnswers(Endpoint address) {
    try {
      return sessions.read(address, s -> s.execute("SELECT 1"));
    } catch (SQLException e) {
      // Class 08 is pgjdbc's "no connection"; any other state is an error the server sent.
      String state = e.getSQLState();
      return state != null && !state.startsWith("08");
    }
  }

  /**
   * A new probe session. pgjdbc's login timeouts are whole seconds; the caller's deadline bounds
   * the wait itself. Its statements are bounded by the probe's timeout in milliseconds.
   */
  private Connection probeSession(Endpoint address) throws SQLException {
    long millis = timeout.toMillis();
    String seconds = Long.toString(Math.max(1, (millis + 999) / 1000));
    Properties props = new Properties();
    props.setProperty("user", "postgres");
    props.setProperty("connectTimeout", seconds);
    props.setProperty("socketTimeout", seconds);
    // No loginTimeout: with one, pgjdbc opens every connection in a new thread of its own (a
    // thread per probe, several a second); connectTimeout and socketTimeout bound the login too.
    props.setProperty("sslmode", "disable");
    props.setProperty("gssEncMode", "disable");
    props.setProperty("ApplicationName", "summit-dr-probe");
    String url = "jdbc:postgresql://" + address.host() + ":" + address.port() + "/postgres";
    Connection c = DriverManager.getConnection(url, props);
    try {
      c.setNetworkTimeout(Runnable::run, (int) Math.max(1, millis));
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  /** Closes the probe sessions and connections it keeps. */
  @Override
  public void close() {
    closed = true;
    sessions.close();
    java.net.http.HttpClient c = edgeClient;
    if (c != null) {
      c.shutdownNow();
    }
    redisIdle
        .keySet()
        .forEach(
            k -> {
              Socket s = redisIdle.remove(k);
              if (s != null) {
                closeQuietly(s);
              }
            });
  }
}
