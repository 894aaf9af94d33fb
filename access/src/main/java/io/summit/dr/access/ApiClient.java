package io.summit.dr.access;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * The one client of the control APIs the daemons call one another on: the router's admin API, the
 * observers, the agents, the WAN daemon, the service clusters, the pager, the Neo4j servers' admin
 * API (the store adapter's {@code Neo4jAdapter}) and the objects replicators' events (the writers'
 * {@code ReplicatorNotifier}, with {@link #sendAsync}). JSON over HTTP/1.1, {@code https://}
 * trusting the given authority ({@link Tls#client}), the caller's bearer token on every request
 * when it has one.
 *
 * <p>Errors: an answer other than 2xx throws {@link ApiException} with its status and the server's
 * explanation (an RFC 9457 problem's {@code detail}, else the body); no answer (refused, reset, not
 * in time) throws an {@link IOException} naming the API, the method and the path; an interrupt
 * throws {@link InterruptedIOException} with the thread's flag set again. Every message starts with
 * the API's name, the method and the path. {@link #sendAsync} completes exceptionally with the same
 * exceptions.
 *
 * <p>The orchestrator's own API has a client of its own ({@code ControlClient}): it follows the
 * leader among the replicas. Thread-safe. {@link #close()} releases the HTTP client's threads (a
 * client kept for the life of its caller need not be closed).
 */
public final class ApiClient implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final URI base;
  private final @Nullable BearerToken token;
  private final Duration timeout;
  private final HttpClient http;

  /**
   * @param name what the messages call the API ("router", "observer us-east-1")
   * @param base the API's address: {@code https://HOST:PORT} or {@code http://HOST:PORT}
   * @param token sent on every request; null: none
   * @param trust the authority an {@code https://} API's certificate must chain to; null: the JDK's
   * @param timeout the connect timeout and each request's, unless it gives its own
   */
  public ApiClient(
      String name,
      URI base,
      @Nullable BearerToken token,
      @Nullable SSLContext trust,
      Duration timeout) {
    this.name = name;
    this.base = base;
    this.token = token;
    this.timeout = timeout;
    this.http = Tls.client(timeout, trust);
  }

  /** The API's address. */
  public URI base() {
    return base;
  }

  /** {@code GET path}, parsed. */
  public JsonNode get(String path) throws IOException {
    return json("GET", path, send("GET", path, null, timeout));
  }

  /** {@code GET path} within {@code within}, parsed. */
  public JsonNode get(String path, Duration within) throws IOException {
    return json("GET", path, send("GET", path, null, within));
  }

  /**
   * {@code method path} with {@code body} written as JSON (a {@link String} is sent as it is), and
   * the answer parsed (a missing node for an empty answer).
   */
  public JsonNode send(String method, String path, @Nullable Object body) throws IOException {
    return json(method, path, send(method, path, body, timeout));
  }

  /** {@code method path} with {@code body}, within {@code within}; the answer's body as text. */
  public String send(String method, String path, @Nullable Object body, Duration within)
      throws IOException {
    HttpRequest request = request(method, path, body, within);
    HttpResponse<String> r;
    try {
      r = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(what(method, path) + ": interrupted");
    } catch (IOException e) {
      throw noAnswer(method, path, e);
    }
    return answered(method, path, r);
  }

  /**
   * {@code method path} with {@code body} written as JSON (a {@link String} is sent as it is),
   * without waiting for the answer: the calling thread only writes the body. The future completes
   * with the answer's body as text, or exceptionally with the {@link ApiException} or {@link
   * IOException} {@link #send(String, String, Object, Duration)} would throw (a body that cannot be
   * written included), within the client's timeout. Its dependent actions run on the HTTP client's
   * threads.
   */
  public CompletableFuture<String> sendAsync(String method, String path, @Nullable Object body) {
    HttpRequest request;
    try {
      request = request(method, path, body, timeout);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<String> result = new CompletableFuture<>();
    var unused =
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
            .whenComplete(
                (r, e) -> {
                  if (e != null) {
                    Throwable cause =
                        e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    result.completeExceptionally(
                        cause instanceof IOException io
                            ? noAnswer(method, path, io)
                            : new IOException(what(method, path) + ": " + cause, cause));
                    return;
                  }
                  try {
                    result.complete(answered(method, path, r));
                  } catch (ApiException refused) {
                    result.completeExceptionally(refused);
                  }
                });
    return result;
  }

  private HttpRequest request(String method, String path, @Nullable Object body, Duration within)
      throws IOException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(within)
            .method(method, publisher(method, path, body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return (token == null ? b : token.sign(b)).build();
  }

  /** The answer's body, or an {@link ApiException} for a status other than 2xx. */
  private String answered(String method, String path, HttpResponse<String> r) throws ApiException {
    if (r.statusCode() / 100 != 2) {
      throw new ApiException(what(method, path), r.statusCode(), explanation(r.body()));
    }
    return r.body();
  }

  private IOException noAnswer(String method, String path, IOException e) {
    return new IOException(what(method, path) + ": " + describe(e), e);
  }

  private String what(String method, String path) {
    return name + " " + method + " " + path;
  }

  private HttpRequest.BodyPublisher publisher(String method, String path, @Nullable Object body)
      throws IOException {
    if (body == null) {
      return HttpRequest.BodyPublishers.noBody();
    }
    try {
      return HttpRequest.BodyPublishers.ofString(
          body instanceof String s ? s : JSON.writeValueAsString(body));
    } catch (JsonProcessingException e) {
      throw new IOException(what(method, path) + ": cannot write the body: " + e, e);
    }
  }

  private JsonNode json(String method, String path, String body) throws IOException {
    if (body.isBlank()) {
      return JSON.missingNode();
    }
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new IOException(what(method, path) + ": not JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** A problem's {@code detail} (or {@code error}, or {@code title}), else the body, shortened. */
  static String explanation(String body) {
    try {
      JsonNode problem = JSON.readTree(body);
      for (String field : new String[] {"detail", "error", "title"}) {
        JsonNode n = problem == null ? null : problem.get(field);
        if (n != null && n.isTextual()) {
          return n.asText();
        }
      }
    } catch (JsonProcessingException e) {
      // not JSON: the body as it is
    }
    String s = body.strip();
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return m == null || m.isBlank()
        ? e.getClass().getSimpleName()
        : e.getClass().getSimpleName() + ": " + m;
  }

  @Override
  public void close() {
    http.close();
  }

  @Override
  public String toString() {
    return name + " at " + base;
  }
}
