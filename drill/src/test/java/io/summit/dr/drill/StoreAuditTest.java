package io.summit.dr.drill;

import static org.assertj.core.api.Assertions.assertThat;

import io.summit.dr.drill.canary.Outcome;
import io.summit.dr.drill.check.CheckResult;
import io.summit.dr.drill.check.LostWrites;
import io.summit.dr.drill.history.History;
import io.summit.dr.drill.history.Op;
import io.summit.dr.topology.ReplicationMode;
import io.summit.dr.topology.Store;
import io.summit.dr.topology.StoreKind;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which writes the drill's audit looks for in each store: an objects store only for the writes that
 * asked for a document, so that a write without one never counts as a lost object.
 */
class StoreAuditTest {
  private static final List<Store> STORES =
      List.of(store("pg", StoreKind.POSTGRES), store("cache", StoreKind.REDIS), objects());

  private static Store store(String name, StoreKind kind) {
    return new Store(
        name,
        kind,
        "us-west-2",
        List.of("us-east-1"),
        ReplicationMode.ASYNC,
        Duration.ofSeconds(1),
        null,
        null);
  }

  private static Store objects() {
    return store("docs", StoreKind.OBJECTS);
  }

  @Test
  void anObjectsStoreIsLookedInOnlyForTheWritesWithADocumentTheOthersForEveryWrite() {
    Map<String, Set<String>> ids =
        StoreAudit.idsByStore(STORES, List.of("w1", "w2", "w3", "w4"), Set.of("w2", "w4", "other"));

    assertThat(ids).containsOnlyKeys("pg", "cache", "docs");
    assertThat(ids.get("pg")).containsExactly("w1", "w2", "w3", "w4");
    assertThat(ids.get("cache")).containsExactly("w1", "w2", "w3", "w4");
    assertThat(ids.get("docs")).containsExactly("w2", "w4");
  }

  @Test
  void aNeo4jStoreIsLookedInOnlyForTheWritesThatAskedForANode() {
    List<Store> stores = List.of(store("pg", StoreKind.POSTGRES), store("graph", StoreKind.NEO4J));
    Map<String, Set<String>> ids =
        StoreAudit.idsByStore(stores, List.of("w1", "w2", "w3"), Set.of("w3"));

    assertThat(ids.get("pg")).containsExactly("w1", "w2", "w3");
    assertThat(ids.get("graph")).containsExactly("w3");
  }

  @Test
  void withoutAnObjectsStoreTheDocumentsChangeNothing() {
    Map<String, Set<String>> ids =
        StoreAudit.idsByStore(STORES.subList(0, 2), List.of("w1", "w2"), Set.of());

    assertThat(ids.get("pg")).containsExactly("w1", "w2");
    assertThat(ids.get("cache")).containsExactly("w1", "w2");
  }

  @Test
  void aWriteWithoutADocumentIsNeitherALostNorAPresentObject() {
    // w1 acknowledged with a document, w2 acknowledged without, w3 failed without, w4 failed with.
    History history = new History();
    List<Op> ops = ops(history);
    Map<String, Set<String>> looked =
        StoreAudit.idsByStore(STORES, Drill.auditedIds(ops), Set.of("w1", "w4"));
    // The acknowledged writes are in every store they were written to; the bucket holds w1 only.
    Map<String, Set<String>> present =
        Map.of("pg", Set.of("w1", "w2"), "cache", Set.of("w1", "w2"), "docs", Set.of("w1"));
    Map<String, Set<String>> missing = missing(looked, present);

    CheckResult check = LostWrites.check(ops, missing, looked, true);
    DrillMetrics metrics =
        DrillMetrics.compute(
            outcomes(), 10_000_000_000L, Duration.ofSeconds(5), missing, "us-west-2", "us-west-2");

    assertThat(missing.get("docs")).containsExactly("w4");
    assertThat(check.verdict()).isEqualTo(CheckResult.Verdict.VALID);
    assertThat(metrics.lostWrites()).isZero();
    assertThat(metrics.lostByStore()).containsEntry("docs", 0L);
  }

  @Test
  void aWriteWithADocumentMissingFromTheBucketIsALostObject() {
    History history = new History();
    List<Op> ops = ops(history);
    Map<String, Set<String>> looked =
        StoreAudit.idsByStore(STORES, Drill.auditedIds(ops), Set.of("w1", "w4"));
    Map<String, Set<String>> present =
        Map.of("pg", Set.of("w1", "w2"), "cache", Set.of("w1", "w2"), "docs", Set.of());
    Map<String, Set<String>> missing = missing(looked, present);

    CheckResult check = LostWrites.check(ops, missing, looked, true);
    DrillMetrics metrics =
        DrillMetrics.compute(
            outcomes(), 10_000_000_000L, Duration.ofSeconds(5), missing, "us-west-2", "us-west-2");

    assertThat(check.violations()).isEqualTo(1);
    assertThat(check.examples().get(0).what()).isEqualTo("acknowledged write w1 missing from docs");
    assertThat(metrics.lostByStore()).containsEntry("docs", 1L).containsEntry("pg", 0L);
    assertThat(metrics.lost()).extracting(DrillMetrics.LostWrite::id).containsExactly("w1");
  }

  private static List<Op> ops(History history) {
    ok(history, "w1", 1);
    ok(history, "w2", 2);
    history.invoke(history.newProcess(), Op.F.WRITE, "w3", 3L, "edge").fail("status 400");
    history.invoke(history.newProcess(), Op.F.WRITE, "w4", 4L, "edge").fail("status 400");
    return history.ops();
  }

  private static void ok(History history, String id, long seq) {
    history.invoke(history.newProcess(), Op.F.WRITE, id, seq, "edge").ok(null, 1L, "us-west-2");
  }

  private static List<Outcome> outcomes() {
    long t = 9_000_000_000L;
    return List.of(
        new Outcome(Outcome.Kind.WRITE, 1, "w1", t, t + 1, 201, "us-west-2", "us-west-2", null),
        new Outcome(Outcome.Kind.WRITE, 2, "w2", t, t + 2, 201, "us-west-2", "us-west-2", null),
        new Outcome(Outcome.Kind.WRITE, 3, "w3", t, t + 3, 400, null, "us-west-2", "bad"),
        new Outcome(Outcome.Kind.WRITE, 4, "w4", t, t + 4, 400, null, "us-west-2", "bad"));
  }

  /** What {@link StoreAudit#missing} finds: the ids looked for that the store does not hold. */
  private static Map<String, Set<String>> missing(
      Map<String, Set<String>> looked, Map<String, Set<String>> present) {
    Map<String, Set<String>> missing = new LinkedHashMap<>();
    looked.forEach(
        (store, ids) -> {
          Set<String> m = new HashSet<>(ids);
          m.removeAll(present.get(store));
          missing.put(store, m);
        });
    return missing;
  }
}
