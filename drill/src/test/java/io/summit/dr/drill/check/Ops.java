package io.summit.dr.drill.check;

import io.summit.dr.drill.history.Op;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Hand-written histories: times in milliseconds from 0. */
final class Ops {
  private final List<Op> ops = new ArrayList<>();

  Ops op(
      Op.F f,
      String key,
      @Nullable Long value,
      long invokeMs,
      long completeMs,
      Op.Type type,
      @Nullable Long term,
      @Nullable String region,
      String client) {
    ops.add(
        new Op(
            ops.size() + 1,
            ops.size() + 1,
            f,
            key,
            value,
            invokeMs * 1_000_000,
            Instant.EPOCH.plusMillis(invokeMs),
            completeMs * 1_000_000,
            type,
            term,
            region,
            client,
            type == Op.Type.OK ? null : "planted",
            null));
    return this;
  }

  Ops write(String key, long value, long from, long to, Op.Type type) {
    return op(Op.F.REGISTER_WRITE, key, value, from, to, type, 1L, "us-west-2", "edge");
  }

  Ops read(String key, @Nullable Long value, long from, long to) {
    return op(Op.F.REGISTER_READ, key, value, from, to, Op.Type.OK, null, "us-west-2", "edge");
  }

  Ops ack(String id, long from, long to, String region, @Nullable Long term) {
    return op(Op.F.WRITE, id, 1L, from, to, Op.Type.OK, term, region, "edge");
  }

  List<Op> list() {
    return List.copyOf(ops);
  }
}
