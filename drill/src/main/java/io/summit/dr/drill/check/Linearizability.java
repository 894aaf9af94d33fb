package io.summit.dr.drill.check;

import io.summit.dr.drill.history.Op;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Linearizability of each register key: the Wing–Gong–Lowe search with Lowe's cache of (linearized
 * set, state), over each key alone (P-compositionality: a history is linearizable iff each key's
 * is), as Porcupine does. The model is a register holding one value (none at first): a write sets
 * it, a strong read must return it.
 *
 * <p>Which operations count: register writes that ended {@code ok}, and those that ended {@code
 * info} with an open end (they may take effect at any instant after their invocation, or never: a
 * write linearized after everything else changes nothing observed); strong reads that ended {@code
 * ok}. Failed writes did not happen; failed reads and local reads (which read a replica and are
 * allowed to be stale: see {@link StaleReads}) say nothing here.
 *
 * <p>Bounded: past the deadline the key's answer is unknown.
 */
public final class Linearizability {
  public static final String NAME = "linearizability";

  private Linearizability() {}

  /** The operations of one key that take part, with their call and return times. */
  private record Call(int id, Op op, long call, long ret, boolean write, @Nullable Long value) {}

  /** A node of the doubly linked entry list: a call or a return of {@link #call}. */
  private static final class Entry {
    final Call call;
    final boolean isCall;
    @Nullable Entry match;
    @Nullable Entry prev;
    @Nullable Entry next;

    Entry(Call call, boolean isCall) {
      this.call = call;
      this.isCall = isCall;
    }
  }

  private enum KeyVerdict {
    OK,
    ILLEGAL,
    TIMEOUT
  }

  private record KeyResult(KeyVerdict verdict, @Nullable Call stuck) {}

  public static CheckResult check(List<Op> ops, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    Map<String, List<Op>> byKey = new TreeMap<>();
    for (Op o : ops) {
      if (counts(o)) {
        byKey.computeIfAbsent(o.key(), k -> new ArrayList<>()).add(o);
      }
    }
    List<CheckResult.Violation> found = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    long checked = 0;
    for (Map.Entry<String, List<Op>> key : byKey.entrySet()) {
      KeyResult r = checkKey(key.getValue(), deadline);
      checked += key.getValue().size();
      if (r.verdict() == KeyVerdict.TIMEOUT) {
        unknown.add(key.getKey());
      } else if (r.verdict() == KeyVerdict.ILLEGAL) {
        found.add(violation(key.getKey(), key.getValue(), Objects.requireNonNull(r.stuck())));
      }
    }
    String summary =
        found.size()
            + " of "
            + byKey.size()
            + " keys not linearizable ("
            + checked
            + " operations)"
            + (unknown.isEmpty() ? "" : "; unknown for " + unknown + " (over " + limit + ")");
    if (found.isEmpty() && !unknown.isEmpty()) {
      return CheckResult.unknown(NAME, summary);
    }
    return CheckResult.of(NAME, found, summary);
  }

  private static boolean counts(Op o) {
    return switch (o.f()) {
      case REGISTER_WRITE -> o.type() != Op.Type.FAIL;
      case REGISTER_READ -> o.ok();
      default -> false;
    };
  }

  private static KeyResult checkKey(List<Op> ops, long deadline) {
    List<Call> calls = new ArrayList<>();
    for (Op o : ops) {
      boolean write = o.f() == Op.F.REGISTER_WRITE;
      long ret = o.type() == Op.Type.INFO ? Long.MAX_VALUE : o.completeNanos();
      calls.add(new Call(calls.size(), o, o.invokeNanos(), ret, write, o.value()));
    }
    Entry head = entries(calls);
    return search(head, calls.size(), deadline);
  }

  /** The call and return entries by time (a call before a return at the same instant). */
  private static Entry entries(List<Call> calls) {
    List<Entry> list = new ArrayList<>();
    for (Call c : calls) {
      Entry call = new Entry(c, true);
      Entry ret = new Entry(c, false);
      call.match = ret;
      list.add(call);
      list.add(ret);
    }
    list.sort(
        Comparator.comparingLong((Entry e) -> e.isCall ? e.call.call() : e.call.ret())
            .thenComparing(e -> e.isCall ? 0 : 1));
    Entry head = new Entry(new Call(-1, calls.get(0).op(), 0, 0, false, null), true);
    Entry prev = head;
    for (Entry e : list) {
      prev.next = e;
      e.prev = prev;
      prev = e;
    }
    return head;
  }

  private record Frame(Entry entry, @Nullable Long state) {}

  private record Seen(BitSet linearized, @Nullable Long state) {}

  private static KeyResult search(Entry head, int n, long deadline) {
    BitSet linearized = new BitSet(n);
    Set<Seen> cache = new HashSet<>();
    Deque<Frame> stack = new ArrayDeque<>();
    @Nullable Long state = null;
    Entry entry = head.next;
    int steps = 0;
    int deepest = -1;
    Call stuck = null;
    while (head.next != null) {
      if ((++steps & 0xFFF) == 0 && System.nanoTime() > deadline) {
        return new KeyResult(KeyVerdict.TIMEOUT, null);
      }
      Entry e = Objects.requireNonNull(entry, "entry list ended before its returns");
      if (e.isCall) {
        Call c = e.call;
        boolean legal = c.write() || Objects.equals(c.value(), state);
        @Nullable Long next = c.write() ? c.value() : state;
        if (legal) {
          BitSet with = (BitSet) linearized.clone();
          with.set(c.id());
          if (cache.add(new Seen(with, next))) {
            stack.push(new Frame(e, state));
            state = next;
            linearized.set(c.id());
            lift(e);
            entry = head.next;
            continue;
          }
        }
        entry = e.next;
      } else {
        if (linearized.cardinality() > deepest) {
          deepest = linearized.cardinality();
          stuck = e.call;
        }
        if (stack.isEmpty()) {
          return new KeyResult(KeyVerdict.ILLEGAL, stuck);
        }
        Frame top = stack.pop();
        state = top.state();
        linearized.clear(top.entry().call.id());
        unlift(top.entry());
        entry = top.entry().next;
      }
    }
    return new KeyResult(KeyVerdict.OK, null);
  }

  /** Takes a call and its return out of the list. */
  private static void lift(Entry call) {
    Entry ret = Objects.requireNonNull(call.match);
    Objects.requireNonNull(call.prev).next = call.next;
    if (call.next != null) {
      call.next.prev = call.prev;
    }
    Objects.requireNonNull(ret.prev).next = ret.next;
    if (ret.next != null) {
      ret.next.prev = ret.prev;
    }
  }

  /** Puts them back, in reverse order. */
  private static void unlift(Entry call) {
    Entry ret = Objects.requireNonNull(call.match);
    Objects.requireNonNull(ret.prev).next = ret;
    if (ret.next != null) {
      ret.next.prev = ret;
    }
    Objects.requireNonNull(call.prev).next = call;
    if (call.next != null) {
      call.next.prev = call;
    }
  }

  /**
   * The violation at the operation the deepest search could not place: it with every operation of
   * the key that overlaps the span from the last write completed before it to its end (the shortest
   * window that shows it, approximately: the search cannot name a minimal one cheaply).
   */
  private static CheckResult.Violation violation(String key, List<Op> ops, Call stuck) {
    Op bad = stuck.op();
    long from =
        ops.stream()
            .filter(o -> o.f() == Op.F.REGISTER_WRITE && o.ok())
            .filter(o -> o.completeNanos() < bad.invokeNanos())
            .mapToLong(Op::invokeNanos)
            .max()
            .orElse(bad.invokeNanos());
    long to = stuck.ret() == Long.MAX_VALUE ? bad.completeNanos() : stuck.ret();
    List<Op> window =
        ops.stream()
            .filter(o -> o.invokeNanos() <= to)
            .filter(o -> o.type() == Op.Type.INFO || o.completeNanos() >= from)
            .sorted(Comparator.comparingLong(Op::invokeNanos))
            .toList();
    return new CheckResult.Violation(
        "key "
            + key
            + ": "
            + bad.f().name().toLowerCase(java.util.Locale.ROOT)
            + " of "
            + bad.value()
            + " cannot be placed in any order consistent with real time",
        window);
  }
}
