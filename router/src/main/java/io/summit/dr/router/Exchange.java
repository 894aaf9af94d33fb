package io.summit.dr.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.summit.dr.routing.Instance;
import io.summit.dr.routing.RegionState;
import io.summit.dr.routing.RequestClass;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One request from a client and its way to an instance and back. Everything runs on the client
 * connection's event loop, which the upstream connection shares.
 *
 * <p>The request head is forwarded as soon as the request is classified and an instance picked;
 * body chunks follow as they arrive (backpressure by toggling auto-read on the other side). A
 * GraphQL body is held until it is complete or over the limit, to classify it. The body of a
 * retryable read (no body, or a GraphQL query held in full) is kept until the response starts so
 * that a failure before the first response byte can be retried once on another instance. A failed
 * connect (nothing sent) is tried elsewhere, for writes too, but only inside the writer region.
 */
final class Exchange {
  /** How an upstream attempt ended before its response was complete. */
  enum Failure {
    CLOSED,
    ERROR,
    TIMEOUT
  }

  private static final int MAX_ATTEMPTS = 3;
  static final String HOP_HEADER = "x-summit-dr-forwarded-by";

  private final Proxy proxy;
  private final FrontendHandler front;
  private final Channel client;
  private final UpstreamPool pool;
  private final HttpRequest request;
  private final boolean http10;
  private final boolean head;
  private final long startNanos = System.nanoTime();
  private boolean keepAlive;
  private RequestClass requestClass = RequestClass.WRITE;

  private final List<HttpContent> unsent = new ArrayList<>(2);
  private final List<HttpContent> sent = new ArrayList<>(2);
  private boolean keepBody;
  private boolean classifying;
  private int classifyBytes;
  private boolean requestComplete;

  private final List<Instance> tried = new ArrayList<>(2);
  private int attempts;
  private boolean retried;
  private @Nullable Instance instance;
  private boolean attemptOpen;
  private @Nullable Channel upstream;
  private boolean requestSent;
  private long sentNanos;
  private long armedDeadline;
  private boolean armed;
  private boolean upstreamReusable;
  private boolean informational;
  private boolean responseStarted;
  private boolean done;
  private int status;

  Exchange(Proxy proxy, FrontendHandler front, Channel client, UpstreamPool pool, HttpRequest r) {
    this.proxy = proxy;
    this.front = front;
    this.client = client;
    this.pool = pool;
    this.request = r;
    this.http10 = r.protocolVersion().equals(HttpVersion.HTTP_1_0);
    this.head = r.method().equals(HttpMethod.HEAD);
  }

  boolean isDone() {
    return done;
  }

  boolean requestComplete() {
    return requestComplete;
  }

  void start() {
    keepAlive = HttpUtil.isKeepAlive(request);
    boolean hasBody =
        HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
    String method = request.method().name();
    String uri = request.uri();
    boolean forwarded = request.headers().contains(HOP_HEADER);
    Headers.prepareRequest(request, front.clientAddress());
    if (proxy.classifier().needsBody(method, uri, hasBody)) {
      if (HttpUtil.getContentLength(request, -1L) > proxy.classifier().bodyLimit()) {
        classified(RequestClass.WRITE, false);
      } else {
        classifying = true;
      }
      return;
    }
    RequestClass c = proxy.classifier().byHead(method, uri);
    if (forwarded && c == RequestClass.WRITE && !proxy.acceptsForwardedWrite()) {
      requestClass = c;
      reject(
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          "writer mismatch: forwarded write, not the writer");
      return;
    }
    classified(c, !hasBody);
  }

  private void classified(RequestClass c, boolean bodyHeldInFull) {
    requestClass = c;
    keepBody = c == RequestClass.READ && bodyHeldInFull && proxy.config().routing().retryReads();
    route();
  }

  void onRequestContent(HttpContent c) {
    boolean last = c instanceof LastHttpContent;
    if (last) {
      requestComplete = true;
    }
    if (done) {
      c.release();
      return;
    }
    if (classifying) {
      unsent.add(c);
      classifyBytes += c.content().readableBytes();
      if (classifyBytes > proxy.classifier().bodyLimit()) {
        classifying = false;
        classified(RequestClass.WRITE, false);
      } else if (last) {
        classifying = false;
        classified(classifyHeldBody(), true);
      }
      return;
    }
    Channel up = upstream;
    if (up == null) {
      unsent.add(c);
      return;
    }
    writeBody(up, c);
    if (!up.isWritable()) {
      client.config().setAutoRead(false);
    }
  }

  private RequestClass classifyHeldBody() {
    byte[] body = new byte[classifyBytes];
    int at = 0;
    for (HttpContent c : unsent) {
      ByteBuf b = c.content();
      int n = b.readableBytes();
      b.getBytes(b.readerIndex(), body, at, n);
      at += n;
    }
    return proxy.classifier().byBody(request.headers().get(HttpHeaderNames.CONTENT_TYPE), body);
  }

  private void route() {
    Instance target =
        requestClass == RequestClass.READ
            ? proxy.table().pickRead(tried)
            : proxy.table().pickWrite(tried);
    if (target == null) {
      reject(
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          requestClass == RequestClass.READ
              ? "no healthy region for reads"
              : proxy.table().writer() == null
                  ? "no writer region"
                  : "no healthy instance in writer region " + proxy.table().writer());
      return;
    }
    attempts++;
    instance = target;
    attemptOpen = true;
    target.requestStarted();
    // A retry takes a new connection: pooled ones to a failing instance are likely dead too.
    Channel pooled = retried ? null : pool.poll(target);
    if (pooled != null) {
      onConnected(target, pooled);
      return;
    }
    client.config().setAutoRead(false);
    pool.connect(target)
        .addListener(
            (ChannelFuture f) -> {
              if (f.isSuccess()) {
                onConnected(target, f.channel());
              } else {
                onConnectFailed(target);
              }
            });
  }

  private void onConnected(Instance target, Channel ch) {
    if (done || target != instance) {
      pool.offer(target, ch);
      return;
    }
    UpstreamHandler handler = UpstreamPool.handler(ch);
    handler.owner(this);
    upstream = ch;
    if (target.region().equals(proxy.hopRegion()) || proxy.hopRegion() == null) {
      request.headers().remove(HOP_HEADER);
    } else {
      request.headers().set(HOP_HEADER, proxy.hopRegion());
    }
    ch.write(request, ch.voidPromise());
    for (HttpContent c : unsent) {
      writeBody(ch, c);
    }
    unsent.clear();
    ch.flush();
    sentNanos = System.nanoTime();
    armedDeadline = pool.timeouts().arm(this);
    armed = true;
    if (!classifying && ch.isWritable() && !client.config().isAutoRead()) {
      client.config().setAutoRead(true);
    }
  }

  private void writeBody(Channel up, HttpContent c) {
    if (c instanceof LastHttpContent) {
      requestSent = true;
    }
    if (keepBody) {
      sent.add(c);
      up.write(c.retainedDuplicate(), up.voidPromise());
    } else {
      up.write(c, up.voidPromise());
    }
  }

  private void onConnectFailed(Instance target) {
    if (target != instance) {
      return;
    }
    endAttempt(target);
    proxy.outliers().onError(target);
    if (done) {
      return;
    }
    tried.add(target);
    if (attempts < MAX_ATTEMPTS) {
      route();
    } else {
      reject(HttpResponseStatus.SERVICE_UNAVAILABLE, "no reachable instance");
    }
  }

  void flushUpstream() {
    Channel up = upstream;
    if (up != null) {
      up.flush();
    }
  }

  void flushClient() {
    client.flush();
  }

  void onUpstreamWritabilityChanged() {
    Channel up = upstream;
    if (up != null && up.isWritable() && !classifying) {
      client.config().setAutoRead(true);
    }
  }

  void onClientWritabilityChanged() {
    Channel up = upstream;
    if (up != null && client.isWritable()) {
      up.config().setAutoRead(true);
    }
  }

  void onUpstreamMessage(Object msg) {
    Instance target = instance;
    Channel up = upstream;
    if (done || target == null || up == null) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpObject o && o.decoderResult().isFailure()) {
      // An unparseable response (say, headers over the limit): the instance failed.
      ReferenceCountUtil.release(msg);
      onUpstreamFailure(Failure.ERROR);
      return;
    }
    if (msg instanceof HttpResponse r) {
      int code = r.status().code();
      if (code >= 100 && code < 200) {
        // 100 Continue was answered by our own front end; other 1xx (103) are dropped.
        informational = true;
        ReferenceCountUtil.release(msg);
        return;
      }
      onResponseHead(target, r);
    } else if (!(msg instanceof HttpContent)) {
      ReferenceCountUtil.release(msg);
      return;
    } else if (informational) {
      informational = !(msg instanceof LastHttpContent);
      ReferenceCountUtil.release(msg);
      return;
    }
    client.write(msg, client.voidPromise());
    if (msg instanceof LastHttpContent) {
      onResponseComplete(target, up);
    } else if (!client.isWritable()) {
      up.config().setAutoRead(false);
    }
  }

  private void onResponseHead(Instance target, HttpResponse r) {
    responseStarted = true;
    cancelTimeout();
    status = r.status().code();
    RegionState region = proxy.table().region(target.region());
    if (region != null) {
      region.recordRtt((System.nanoTime() - sentNanos) / 1e6);
    }
    if (status >= 500) {
      proxy.outliers().onError(target);
    } else {
      proxy.outliers().onSuccess(target);
    }
    upstreamReusable = HttpUtil.isKeepAlive(r);
    keepAlive = Headers.prepareResponse(r, keepAlive, http10, head);
    releaseKeptBody();
  }

  private void onResponseComplete(Instance target, Channel up) {
    UpstreamPool.handler(up).owner(null);
    upstream = null;
    endAttempt(target);
    if (upstreamReusable && requestSent) {
      pool.offer(target, up);
    } else {
      up.close();
    }
    finish();
  }

  /** The upstream connection closed, failed or timed out before the response was complete. */
  void onUpstreamFailure(Failure failure) {
    Instance target = instance;
    Channel up = upstream;
    if (done || target == null || up == null) {
      return;
    }
    UpstreamPool.handler(up).owner(null);
    upstream = null;
    up.close();
    cancelTimeout();
    endAttempt(target);
    proxy.outliers().onError(target);
    if (responseStarted) {
      // Part of the response is out: the client's connection is the only way to say it failed.
      status = 502;
      keepAlive = false;
      done = true;
      releaseBodies();
      proxy.metrics().aborted(region(), requestClass);
      client.close();
      return;
    }
    tried.add(target);
    if (keepBody && !retried && attempts < MAX_ATTEMPTS) {
      retried = true;
      proxy.metrics().retried(requestClass);
      unsent.addAll(0, sent);
      sent.clear();
      requestSent = false;
      route();
      return;
    }
    reject(
        failure == Failure.TIMEOUT
            ? HttpResponseStatus.GATEWAY_TIMEOUT
            : HttpResponseStatus.BAD_GATEWAY,
        failure == Failure.TIMEOUT
            ? "instance " + target.endpoint() + " did not answer in time"
            : "instance " + target.endpoint() + " failed before answering");
  }

  /** The client went away. */
  void onClientClosed() {
    if (done) {
      return;
    }
    done = true;
    Channel up = upstream;
    Instance target = instance;
    if (up != null) {
      UpstreamPool.handler(up).owner(null);
      upstream = null;
      up.close();
    }
    if (target != null) {
      endAttempt(target);
    }
    cancelTimeout();
    releaseBodies();
    status = 499;
    proxy.metrics().record(region(), requestClass, status, System.nanoTime() - startNanos);
  }

  private void reject(HttpResponseStatus s, String message) {
    status = s.code();
    byte[] json =
        ("{\"error\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}\n")
            .getBytes(StandardCharsets.UTF_8);
    FullHttpResponse r =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, s, Unpooled.wrappedBuffer(json));
    r.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, json.length);
    if (s.code() == 503) {
      long seconds = Math.max(1, (proxy.config().routing().retryAfter().toMillis() + 999) / 1000);
      r.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString(seconds));
    }
    if (!keepAlive) {
      r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (http10) {
      r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    responseStarted = true;
    client.write(r, client.voidPromise());
    finish();
  }

  private void finish() {
    done = true;
    releaseBodies();
    proxy.metrics().record(region(), requestClass, status, System.nanoTime() - startNanos);
    client.flush();
    front.exchangeEnded(this, keepAlive);
  }

  private String region() {
    Instance i = instance;
    return i == null ? "none" : i.region();
  }

  private void endAttempt(Instance target) {
    if (attemptOpen) {
      attemptOpen = false;
      target.requestEnded();
    }
  }

  private void cancelTimeout() {
    armed = false;
  }

  /** Whether the response timeout armed with {@code deadline} still applies. */
  boolean isArmed(long deadline) {
    return armed && !done && armedDeadline == deadline;
  }

  private void releaseKeptBody() {
    for (HttpContent c : sent) {
      c.release();
    }
    sent.clear();
    keepBody = false;
  }

  private void releaseBodies() {
    releaseKeptBody();
    for (HttpContent c : unsent) {
      c.release();
    }
    unsent.clear();
  }
}
