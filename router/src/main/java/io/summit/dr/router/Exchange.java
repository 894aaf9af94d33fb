package io.summit.dr.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import io.summit.dr.routing.Instance;
import io.summit.dr.routing.RegionState;
import io.summit.dr.routing.RequestClass;
import io.summit.dr.routing.ResidencyRules;
import io.summit.dr.topology.DataClass;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One request from a client and its way to an instance and back. Everything runs on the client
 * connection's event loop, which the upstream connection shares.
 *
 * <p>The request head is forwarded (rewritten by {@link Headers}) as soon as the request is
 * classified and an instance picked; body bytes follow as they arrive, framing included
 * (backpressure by toggling auto-read on the other side). A GraphQL body is held until it is
 * complete or over the limit, to classify it. The body of a retryable read (no body, or a GraphQL
 * query held in full) is kept until the response starts so that a failure before the first response
 * byte can be retried once on another instance. A failed connect (nothing sent) is tried elsewhere,
 * for writes too, but only inside the writer region.
 *
 * <p>The response head is parsed ({@link HttpHead}), rewritten and sent to the client; its body is
 * forwarded as it comes ({@link BodyFramer} finds its end), except that a body delimited by the
 * upstream closing its connection is re-framed as chunked for an HTTP/1.1 client, and a chunked
 * body is sent without its framing to an HTTP/1.0 client (which then sees the connection close).
 */
final class Exchange implements BodyFramer.DataSink {
  /** How an upstream attempt ended before its response was complete. */
  enum Failure {
    CLOSED,
    ERROR,
    TIMEOUT
  }

  private static final int MAX_ATTEMPTS = 3;
  static final String HOP_HEADER = "x-summit-dr-forwarded-by";

  /** Response body bytes up to this many that come with the head go out in the head's buffer. */
  private static final int MERGE_LIMIT = 2048;

  private static final byte[] CONTINUE = Headers.ascii("HTTP/1.1 100 Continue\r\n\r\n");
  private static final byte[] LAST_CHUNK = Headers.ascii("0\r\n\r\n");

  /** Body bytes are forwarded as they come. */
  private static final int PASS = 0;

  /** Chunk framing is removed (chunked response, HTTP/1.0 client). */
  private static final int DECHUNK = 1;

  /** Chunk framing is added (body delimited by the connection's end, HTTP/1.1 client). */
  private static final int CHUNK = 2;

  private final Proxy proxy;
  private final FrontendHandler front;
  private final Channel client;
  private final UpstreamPool pool;
  private final HttpHead request;
  private final boolean http10;
  private final boolean head;
  private final long startNanos = System.nanoTime();

  /** The clock when the response head was read (reused when the response ends in that read). */
  private long lastNanos;

  private boolean keepAlive;
  private RequestClass requestClass = RequestClass.WRITE;

  /** Request body bytes (framing included) not sent yet, and those sent but kept for a retry. */
  private @Nullable List<ByteBuf> unsent;

  private @Nullable List<ByteBuf> sent;
  private boolean keepBody;
  private boolean classifying;
  private byte @Nullable [] classifyData;
  private int classifyBytes;
  private boolean requestComplete;

  private @Nullable List<Instance> tried;

  /** The request's data class (residency), or null: any region may serve it. */
  private @Nullable DataClass dataClass;

  /** The regions the request may go to by its data class, or null for any. */
  private @Nullable List<String> allowed;

  private int attempts;
  private boolean retried;
  private @Nullable Instance instance;
  private boolean attemptOpen;
  private @Nullable Channel upstream;
  private boolean requestSent;
  private long sentNanos;

  /** Links and deadline of the response timeout, kept by {@link ResponseTimeouts}. */
  @Nullable Exchange timeoutPrev;

  @Nullable Exchange timeoutNext;
  long timeoutDeadline;
  boolean timeoutArmed;

  /** The list this exchange's timeout is armed in, or null. */
  private @Nullable ResponseTimeouts armedIn;

  private boolean upstreamReusable;
  private boolean responseStarted;
  private boolean done;
  private int status;

  private @Nullable HeadFinder responseFinder;
  private @Nullable ByteBuf responseCumulation;
  private @Nullable BodyFramer responseBody;
  private int responseMode;
  private @Nullable ByteBuf pendingHead;

  Exchange(
      Proxy proxy, FrontendHandler front, Channel client, UpstreamPool pool, HttpHead request) {
    this.proxy = proxy;
    this.front = front;
    this.client = client;
    this.pool = pool;
    this.request = request;
    this.http10 = request.http10();
    this.head = "HEAD".equals(request.method());
    this.requestComplete = !request.hasBody();
  }

  boolean isDone() {
    return done;
  }

  boolean requestComplete() {
    return requestComplete;
  }

  /** Whether request body data is being collected for classification (see {@link #data}). */
  boolean classifying() {
    return classifying;
  }

  void start() {
    keepAlive = request.keepAlive();
    if (request.expectsContinue()) {
      client.writeAndFlush(Unpooled.wrappedBuffer(CONTINUE), client.voidPromise());
    }
    boolean hasBody = request.hasBody();
    String method = request.method();
    String uri = request.target();
    if (proxy.residency().active() && !resolveDataClass()) {
      return;
    }
    if (proxy.classifier().needsBody(method, uri, hasBody)) {
      if (request.contentLength() > proxy.classifier().bodyLimit()) {
        classified(RequestClass.WRITE, false, startNanos);
      } else {
        classifying = true;
      }
      return;
    }
    RequestClass c = proxy.classifier().byHead(method, uri);
    if (request.forwardedBy()
        && c == RequestClass.WRITE
        && allowed == null
        && !proxy.acceptsForwardedWrite()) {
      requestClass = c;
      reject(
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          "writer mismatch: forwarded write, not the writer");
      return;
    }
    classified(c, !hasBody, startNanos);
  }

  /**
   * Finds the request's data class and the regions it may go to; answers 400 for a class header
   * that names no class, 503 for a request another gateway forwarded here when this region may not
   * serve its class. A forwarded request of a class is served here or refused, never forwarded
   * again (two gateways that disagree about the writer would otherwise bounce it).
   *
   * @return whether the request goes on
   */
  private boolean resolveDataClass() {
    ResidencyRules rules = proxy.residency();
    try {
      dataClass =
          rules.classOf(request.value(rules.classHeader()), request.value(rules.tenantHeader()));
    } catch (ResidencyRules.UnknownClassException e) {
      reject(HttpResponseStatus.BAD_REQUEST, String.valueOf(e.getMessage()));
      return false;
    }
    DataClass c = dataClass;
    if (c == null) {
      return true;
    }
    allowed = c.regions();
    String own = proxy.hopRegion();
    if (own != null && request.forwardedBy()) {
      if (!c.allows(own)) {
        reject(
            HttpResponseStatus.SERVICE_UNAVAILABLE,
            "data class '" + c.name() + "' may not be served in " + own + " (data residency)");
        return false;
      }
      allowed = List.of(own);
    }
    return true;
  }

  private void classified(RequestClass c, boolean bodyHeldInFull, long now) {
    requestClass = c;
    keepBody = c == RequestClass.READ && bodyHeldInFull && proxy.config().routing().retryReads();
    route(now);
  }

  /**
   * Request body bytes as received (chunk framing included); {@code last}: the body ends with them.
   * Takes ownership of {@code raw}.
   */
  void onRequestBody(ByteBuf raw, boolean last) {
    if (last) {
      requestComplete = true;
    }
    if (done) {
      raw.release();
      return;
    }
    if (classifying) {
      unsent().add(raw);
      if (classifyBytes > proxy.classifier().bodyLimit()) {
        classifying = false;
        classifyData = null;
        classified(RequestClass.WRITE, false, System.nanoTime());
      } else if (last) {
        classifying = false;
        classified(classifyHeldBody(), true, System.nanoTime());
      }
      return;
    }
    Channel up = upstream;
    if (up == null) {
      unsent().add(raw);
      return;
    }
    writeBody(up, raw, last);
    if (!up.isWritable()) {
      client.config().setAutoRead(false);
    }
  }

  /**
   * Body data: while classifying, request data (chunk framing removed) collected up to the limit;
   * otherwise response data for an HTTP/1.0 client (see {@link #DECHUNK}).
   */
  @Override
  public void data(ByteBuf buf, int index, int length) {
    if (!classifying) {
      emit(buf, index, length);
      return;
    }
    int limit = proxy.classifier().bodyLimit();
    int room = limit + 1 - classifyBytes;
    int n = Math.min(room, length);
    if (n > 0) {
      byte[] d = classifyData;
      if (d == null) {
        long expected = request.contentLength();
        d = new byte[(int) Math.min(limit + 1L, expected > 0 ? expected : 1024)];
      }
      if (d.length < classifyBytes + n) {
        d = Arrays.copyOf(d, Math.min(limit + 1, Math.max(classifyBytes + n, d.length * 2)));
      }
      buf.getBytes(index, d, classifyBytes, n);
      classifyData = d;
    }
    classifyBytes += length;
  }

  private RequestClass classifyHeldBody() {
    byte[] d = classifyData;
    byte[] body =
        d == null ? new byte[0] : d.length == classifyBytes ? d : Arrays.copyOf(d, classifyBytes);
    classifyData = null;
    return proxy.classifier().byBody(request.value(HttpHead.CONTENT_TYPE), body);
  }

  private List<ByteBuf> unsent() {
    List<ByteBuf> l = unsent;
    if (l == null) {
      l = new ArrayList<>(2);
      unsent = l;
    }
    return l;
  }

  /** Picks an instance and sends the request there; {@code now}: the clock, read just before. */
  private void route(long now) {
    List<Instance> avoid = tried == null ? List.of() : tried;
    List<String> only = allowed;
    Instance target =
        requestClass == RequestClass.READ
            ? proxy.table().pickRead(avoid, only)
            : proxy.table().pickWrite(avoid, only);
    DataClass c = dataClass;
    if (target == null && c != null && only != null) {
      reject(
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          "data class '"
              + c.name()
              + "' may only be served from "
              + String.join(", ", only)
              + ", which has no available instance; not served from another region (data"
              + " residency)");
      return;
    }
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
    Channel pooled = retried ? null : pool.poll(target, now);
    if (pooled != null) {
      onConnected(target, pooled, now);
      return;
    }
    client.config().setAutoRead(false);
    pool.connect(target)
        .addListener(
            (ChannelFuture f) -> {
              if (f.isSuccess()) {
                onConnected(target, f.channel(), System.nanoTime());
              } else {
                onConnectFailed(target);
              }
            });
  }

  /** The upstream connection for {@code target}; {@code now}: the clock, read just before. */
  private void onConnected(Instance target, Channel ch, long now) {
    if (done || target != instance) {
      pool.offer(target, ch, now);
      return;
    }
    UpstreamHandler handler = UpstreamPool.handler(ch);
    handler.owner(this);
    upstream = ch;
    String hopRegion = proxy.hopRegion();
    byte[] hop =
        hopRegion == null || target.region().equals(hopRegion) ? null : Headers.ascii(hopRegion);
    ch.write(Headers.request(ch.alloc(), request, front.clientAddress(), hop), ch.voidPromise());
    List<ByteBuf> pending = unsent;
    if (pending != null) {
      for (ByteBuf c : pending) {
        writeBody(ch, c, false);
      }
      pending.clear();
    }
    requestSent = requestComplete;
    ch.flush();
    sentNanos = now;
    // A retryable read's first attempt waits less: one behind a cut link would otherwise hold the
    // read for the whole response timeout, with healthy instances elsewhere.
    ResponseTimeouts t =
        keepBody && !retried && attempts < MAX_ATTEMPTS
            ? pool.readAttemptTimeouts()
            : pool.timeouts();
    cancelTimeout();
    t.arm(this, now);
    armedIn = t;
    if (!classifying && ch.isWritable() && !client.config().isAutoRead()) {
      client.config().setAutoRead(true);
    }
  }

  private void writeBody(Channel up, ByteBuf c, boolean last) {
    if (last) {
      requestSent = true;
    }
    if (keepBody) {
      List<ByteBuf> s = sent;
      if (s == null) {
        s = new ArrayList<>(2);
        sent = s;
      }
      s.add(c);
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
    tried().add(target);
    if (attempts < MAX_ATTEMPTS) {
      route(System.nanoTime());
    } else {
      reject(HttpResponseStatus.SERVICE_UNAVAILABLE, "no reachable instance");
    }
  }

  private List<Instance> tried() {
    List<Instance> l = tried;
    if (l == null) {
      l = new ArrayList<>(2);
      tried = l;
    }
    return l;
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

  /** Bytes from the upstream connection; takes ownership of {@code in}. */
  void onUpstreamData(ByteBuf in) {
    Instance target = instance;
    Channel up = upstream;
    if (done || target == null || up == null) {
      in.release();
      return;
    }
    ByteBuf buf = in;
    ByteBuf cumulation = responseCumulation;
    if (cumulation != null) {
      responseCumulation = null;
      buf = ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(up.alloc(), cumulation, in);
    }
    boolean headInThisRead = false;
    try {
      while (true) {
        BodyFramer body = responseBody;
        if (body == null) {
          if (!buf.isReadable()) {
            break;
          }
          HeadFinder finder = responseFinder;
          if (finder == null) {
            finder = new HeadFinder(false);
            responseFinder = finder;
          }
          int n = finder.find(buf);
          if (n < 0) {
            responseCumulation = buf.retain();
            break;
          }
          byte[] bytes = new byte[n];
          buf.readBytes(bytes);
          HttpHead r = HttpHead.parseResponse(bytes);
          if (r.status() < 200) {
            if (r.status() == 101) {
              throw new HttpHead.MalformedException(502, "protocol switch");
            }
            // 100 Continue was answered by the router itself; other 1xx (103) are dropped.
            continue;
          }
          body = onResponseHead(target, r);
          headInThisRead = true;
        }
        if (!body.isComplete()) {
          if (!buf.isReadable()) {
            break;
          }
          int from = buf.readerIndex();
          int end =
              body.consume(buf, from, buf.writerIndex(), responseMode == DECHUNK ? this : null);
          if (responseMode == PASS) {
            emit(buf, from, end - from);
          } else if (responseMode == CHUNK) {
            emitChunk(buf, from, end - from);
          }
          buf.readerIndex(end);
        }
        if (body.isComplete()) {
          if (buf.isReadable()) {
            upstreamReusable = false; // bytes after the response: the connection is out of step
          }
          writePendingHead();
          // A response that came in one read ends at the time its head was read.
          onResponseComplete(target, up, headInThisRead ? lastNanos : System.nanoTime());
          return;
        }
      }
      writePendingHead();
      if (!client.isWritable()) {
        up.config().setAutoRead(false);
      }
    } catch (HttpHead.MalformedException e) {
      // An unparseable response (say, a head over the limit): the instance failed.
      onUpstreamFailure(Failure.ERROR);
    } finally {
      buf.release();
    }
  }

  /** Sets up the response's framing and its head for the client; returns the framing. */
  private BodyFramer onResponseHead(Instance target, HttpHead r) {
    responseStarted = true;
    cancelTimeout();
    status = r.status();
    RegionState region = proxy.table().region(target.region());
    long now = System.nanoTime();
    lastNanos = now;
    if (region != null) {
      region.recordRtt((now - sentNanos) / 1e6);
    }
    if (status >= 500) {
      proxy.outliers().onError(target);
    } else {
      proxy.outliers().onSuccess(target);
    }
    boolean bodyless = head || status == 204 || status == 304;
    BodyFramer body;
    if (bodyless) {
      body = BodyFramer.length(0);
    } else if (r.chunked()) {
      body = BodyFramer.chunked();
    } else if (r.hasTransferEncoding() || r.contentLength() < 0) {
      body = BodyFramer.untilClose();
    } else {
      body = BodyFramer.length(r.contentLength());
    }
    upstreamReusable = r.keepAlive() && !body.isUntilClose() && !r.dropsContentLength();
    boolean open = keepAlive;
    boolean dropTransferEncoding = false;
    boolean addChunked = false;
    responseMode = PASS;
    if (http10) {
      if (r.chunked()) {
        dropTransferEncoding = true;
        open = false;
        responseMode = bodyless ? PASS : DECHUNK;
      } else if (body.isUntilClose()) {
        open = false;
      }
    } else if (body.isUntilClose()) {
      addChunked = true;
      responseMode = CHUNK;
    }
    keepAlive = open;
    pendingHead =
        Headers.response(
            client.alloc(),
            r,
            open,
            http10,
            dropTransferEncoding,
            addChunked,
            // room for a small body that comes with the head (see emit); the buffer grows if not
            responseMode == PASS && !bodyless && r.contentLength() >= 0
                ? (int) Math.min(r.contentLength(), MERGE_LIMIT)
                : 0);
    releaseKeptBody();
    responseBody = body;
    return body;
  }

  /** Sends response body bytes to the client, in the head's buffer when they are few. */
  private void emit(ByteBuf buf, int index, int length) {
    if (length == 0) {
      return;
    }
    ByteBuf h = pendingHead;
    if (h != null) {
      pendingHead = null;
      if (length <= MERGE_LIMIT) {
        h.writeBytes(buf, index, length);
        client.write(h, client.voidPromise());
        return;
      }
      client.write(h, client.voidPromise());
    }
    client.write(buf.retainedSlice(index, length), client.voidPromise());
  }

  private void emitChunk(ByteBuf buf, int index, int length) {
    if (length == 0) {
      return;
    }
    writePendingHead();
    String size = Integer.toHexString(length);
    ByteBuf c = client.alloc().directBuffer(size.length() + length + 4);
    c.writeCharSequence(size, StandardCharsets.US_ASCII);
    c.writeShort(0x0d0a).writeBytes(buf, index, length).writeShort(0x0d0a);
    client.write(c, client.voidPromise());
  }

  private void writePendingHead() {
    ByteBuf h = pendingHead;
    if (h != null) {
      pendingHead = null;
      client.write(h, client.voidPromise());
    }
  }

  /** The response is complete; {@code now}: the clock read for it (see {@link #lastNanos}). */
  private void onResponseComplete(Instance target, Channel up, long now) {
    UpstreamPool.handler(up).owner(null);
    upstream = null;
    endAttempt(target);
    if (upstreamReusable && requestSent) {
      pool.offer(target, up, now);
    } else {
      up.close();
    }
    finish(now);
  }

  /** The upstream connection closed: the end of a body delimited by it, or a failure. */
  void onUpstreamClosed() {
    BodyFramer body = responseBody;
    Instance target = instance;
    Channel up = upstream;
    if (!done && body != null && body.isUntilClose() && target != null && up != null) {
      writePendingHead();
      if (responseMode == CHUNK) {
        client.write(Unpooled.wrappedBuffer(LAST_CHUNK), client.voidPromise());
      }
      upstreamReusable = false;
      onResponseComplete(target, up, System.nanoTime());
      return;
    }
    onUpstreamFailure(Failure.CLOSED);
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
    resetResponse();
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
    tried().add(target);
    List<ByteBuf> kept = sent;
    if (keepBody && !retried && attempts < MAX_ATTEMPTS) {
      retried = true;
      proxy.metrics().retried(requestClass);
      if (kept != null) {
        unsent().addAll(0, kept);
        kept.clear();
      }
      requestSent = false;
      route(System.nanoTime());
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

  /** Forgets what arrived of a response (before a retry, or when the attempt failed). */
  private void resetResponse() {
    ByteBuf c = responseCumulation;
    responseCumulation = null;
    if (c != null) {
      c.release();
    }
    ByteBuf h = pendingHead;
    pendingHead = null;
    if (h != null) {
      h.release();
    }
    HeadFinder f = responseFinder;
    if (f != null) {
      f.reset();
    }
    responseBody = null;
  }

  /** The client went away. */
  void onClientClosed() {
    abort(499);
  }

  /**
   * Ends the exchange without a response (the client left, or its request turned out malformed) and
   * records {@code code}. Returns whether part of a response had already been written.
   */
  boolean abort(int code) {
    if (done) {
      return responseStarted;
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
    resetResponse();
    releaseBodies();
    status = code;
    proxy.metrics().record(region(), requestClass, status, System.nanoTime() - startNanos);
    return responseStarted;
  }

  private void reject(HttpResponseStatus s, String message) {
    status = s.code();
    String json = "{\"error\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}\n";
    StringBuilder head = new StringBuilder(160);
    head.append("HTTP/1.1 ").append(s.code()).append(' ').append(s.reasonPhrase());
    head.append("\r\ncontent-type: application/json\r\ncontent-length: ");
    head.append(json.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
    if (s.code() == 503) {
      long seconds = Math.max(1, (proxy.config().routing().retryAfter().toMillis() + 999) / 1000);
      head.append("retry-after: ").append(seconds).append("\r\n");
    }
    if (!keepAlive) {
      head.append("connection: close\r\n");
    } else if (http10) {
      head.append("connection: keep-alive\r\n");
    }
    head.append("\r\n").append(json);
    responseStarted = true;
    client.write(
        Unpooled.wrappedBuffer(head.toString().getBytes(StandardCharsets.UTF_8)),
        client.voidPromise());
    finish(System.nanoTime());
  }

  private void finish(long now) {
    done = true;
    releaseBodies();
    proxy.metrics().record(region(), requestClass, status, now - startNanos);
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
    ResponseTimeouts t = armedIn;
    if (t != null) {
      t.disarm(this);
      armedIn = null;
    }
  }

  private void releaseKeptBody() {
    List<ByteBuf> s = sent;
    if (s != null) {
      s.forEach(ReferenceCountUtil::release);
      s.clear();
    }
    keepBody = false;
  }

  private void releaseBodies() {
    releaseKeptBody();
    List<ByteBuf> u = unsent;
    if (u != null) {
      u.forEach(ReferenceCountUtil::release);
      u.clear();
    }
    classifyData = null;
  }
}
