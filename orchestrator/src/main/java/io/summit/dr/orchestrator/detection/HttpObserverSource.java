package io.summit.dr.orchestrator.detection;

import io.summit.dr.access.ApiClient;
import io.summit.dr.access.BearerToken;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An {@link ObserverDaemon} asked over HTTP ({@code GET /v1/view}) within a timeout. When the
 * daemon cannot be reached, answers late, answers other than 200 or with a body that is not a view,
 * every region is {@link RegionHealth#UNKNOWN}; so are regions the daemon does not report. The
 * view's time is the detector's clock at the poll. Thread-safe.
 */
public final class HttpObserverSource implements ObserverSource {
  private static final String VIEW = "/v1/view";
  private static final System.Logger LOG = System.getLogger(HttpObserverSource.class.getName());

  private final String name;
  private final String location;
  private final List<String> regions;
  private final Duration timeout;
  private final Clock clock;
  private final ApiClient api;

  /**
   * @param name the observer's name (the daemon calls itself {@code observer-REGION})
   * @param location the daemon's region
   * @param base the daemon's address, for example {@code http://127.0.0.1:7300}
   * @param regions the regions to report
   * @param timeout the longest a poll may take
   */
  public HttpObserverSource(
      String name,
      String location,
      URI base,
      Collection<String> regions,
      Duration timeout,
      Clock clock) {
    this(name, location, base, regions, timeout, clock, null);
  }

  /**
   * @param token sent with every poll, when the observer requires one (a viewer's is enough)
   */
  public HttpObserverSource(
      String name,
      String location,
      URI base,
      Collection<String> regions,
      Duration timeout,
      Clock clock,
      @Nullable BearerToken token) {
    this(name, location, base, regions, timeout, clock, token, null);
  }

  /**
   * @param base {@code http://} or {@code https://HOST:PORT}
   * @param token sent with every poll, when the observer requires one (a viewer's is enough)
   * @param trust what an {@code https://} observer's certificate must chain to; null: the JDK's
   *     authorities
   */
  public HttpObserverSource(
      String name,
      String location,
      URI base,
      Collection<String> regions,
      Duration timeout,
      Clock clock,
      @Nullable BearerToken token,
      javax.net.ssl.@Nullable SSLContext trust) {
    this.name = name;
    this.location = location;
    this.regions = List.copyOf(regions);
    this.timeout = timeout;
    this.clock = clock;
    this.api = new ApiClient(name, base, token, trust, timeout);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String location() {
    return location;
  }

  /** An observer daemon counts its probes; an older one that does not is asked again harmlessly. */
  @Override
  public boolean countsItsOwnProbes() {
    return true;
  }

  @Override
  public ObserverView poll() {
    String body = fetch(api, VIEW, timeout);
    if (body != null) {
      try {
        return new ObserverView(
            name,
            location,
            ViewJson.readRegions(body, regions),
            clock.instant(),
            ViewJson.readConsecutive(body, regions));
      } catch (IllegalArgumentException e) {
        LOG.log(Level.WARNING, name + ": " + api.base().resolve(VIEW) + ": " + e.getMessage());
      }
    }
    return ObserverView.unreachable(name, location, regions, clock.instant());
  }

  /** The body of a 2xx answer to {@code GET path} within {@code timeout}, or null. */
  static @Nullable String fetch(ApiClient api, String path, Duration timeout) {
    try {
      return api.send("GET", path, null, timeout);
    } catch (java.io.InterruptedIOException e) {
      return null; // the interrupt flag is set again: the caller is stopping
    } catch (IOException e) {
      LOG.log(Level.DEBUG, e.getMessage());
      return null;
    }
  }
}
