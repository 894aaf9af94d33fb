package io.summit.dr.stores.neo4j;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.Transaction;

/**
 * Snapshots of the graph at a known sequence number, and restores. Taking one holds the sequence
 * node's write lock for the whole export (commits wait meanwhile), so the snapshot holds exactly
 * the changes up to its sequence number. Restoring wipes the graph, loads the snapshot and sets the
 * sequence number to the snapshot's: a replica then replays the primary's changes from there.
 */
final class Snapshots {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BATCH = 5000;
  private final Graph graph;
  private final SnapshotStore store;
  private final InstantSource clock;

  Snapshots(Graph graph, SnapshotStore store, InstantSource clock) {
    this.graph = graph;
    this.store = store;
    this.clock = clock;
  }

  SnapshotStore store() {
    return store;
  }

  /** What the graph holds now: counts and content checksum, at the sequence number read. */
  record Content(long seq, long nodes, long relationships, String checksum) {}

  Content content() {
    try (Transaction tx = graph.db().beginTx()) {
      long seq = graph.lockSeq(tx);
      Checksum sum = new Checksum();
      export(tx, sum, null);
      return new Content(seq, sum.nodes(), sum.relationships(), sum.value());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  SnapshotManifest take() {
    Instant t0 = clock.instant();
    long started = System.nanoTime();
    try (Transaction tx = graph.db().beginTx()) {
      long seq = graph.lockSeq(tx);
      String id = "neo4j-" + seq + "-" + t0.toEpochMilli();
      Checksum sum = new Checksum();
      CountingOutput bytes = new CountingOutput(store.create(id));
      try (Writer out =
          new BufferedWriter(
              new OutputStreamWriter(
                  new GZIPOutputStream(bytes, 1 << 16), StandardCharsets.UTF_8))) {
        export(tx, sum, out);
      }
      SnapshotManifest m =
          new SnapshotManifest(
              id,
              seq,
              t0.toString(),
              sum.nodes(),
              sum.relationships(),
              sum.value(),
              bytes.count(),
              (System.nanoTime() - started) / 1_000_000);
      store.publish(m);
      return m;
    } catch (IOException e) {
      throw new UncheckedIOException("neo4j: snapshot failed: " + e.getMessage(), e);
    }
  }

  private static void export(Transaction tx, Checksum sum, @Nullable Writer out)
      throws IOException {
    for (Node n : tx.getAllNodes()) {
      if (!Ops.isInternal(n) && n.getProperty(Ops.KEY, null) instanceof String key) {
        String line = line("n", Ops.node(n, key));
        sum.node(line);
        write(out, line);
      }
    }
    for (Relationship r : tx.getAllRelationships()) {
      Object start = r.getStartNode().getProperty(Ops.KEY, null);
      Object end = r.getEndNode().getProperty(Ops.KEY, null);
      if (start instanceof String s && end instanceof String e) {
        String line = line("r", Ops.rel(r, s, e));
        sum.relationship(line);
        write(out, line);
      }
    }
  }

  private static void write(@Nullable Writer out, String line) throws IOException {
    if (out != null) {
      out.write(line);
      out.write('\n');
    }
  }

  private static String line(String type, Map<String, Object> op) {
    Map<String, Object> m = new LinkedHashMap<>(op);
    m.put("op", type);
    try {
      return JSON.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Replaces the graph with snapshot {@code id}; the sequence number becomes the snapshot's.
   *
   * @throws SnapshotNotFoundException before anything changes, for an unknown id
   */
  SnapshotManifest restore(String id) {
    SnapshotManifest m =
        store
            .find(id)
            .orElseThrow(
                () ->
                    new SnapshotNotFoundException(
                        "snapshot: '"
                            + id
                            + "' does not exist (expected: one of "
                            + store.list().stream().map(SnapshotManifest::id).toList()
                            + ")"));
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(store.open(id), 1 << 16), StandardCharsets.UTF_8))) {
      graph.wipe(m.seq());
      load(in);
      return m;
    } catch (IOException e) {
      throw new UncheckedIOException("neo4j: restore of " + id + " failed: " + e.getMessage(), e);
    }
  }

  private void load(BufferedReader in) throws IOException {
    List<Map<String, Object>> batch = new ArrayList<>(BATCH);
    String line;
    while ((line = in.readLine()) != null) {
      batch.add(Graph.parse("[" + line + "]").get(0));
      if (batch.size() == BATCH) {
        loadBatch(batch);
        batch.clear();
      }
    }
    loadBatch(batch);
  }

  private void loadBatch(List<Map<String, Object>> lines) {
    graph.applying(tx -> lines.forEach(l -> create(tx, l)));
  }

  @SuppressWarnings("unchecked")
  private static void create(Transaction tx, Map<String, Object> l) {
    Map<String, Object> props = (Map<String, Object>) l.getOrDefault("props", Map.of());
    if ("n".equals(l.get("op"))) {
      Node n = tx.createNode(Ops.KEYED);
      ((List<String>) l.getOrDefault("labels", List.of())).forEach(x -> n.addLabel(Label.label(x)));
      props.forEach((k, v) -> n.setProperty(k, Ops.fromJson(v)));
      return;
    }
    Node start = Ops.findOrCreate(tx, String.valueOf(l.get("start")));
    Node end = Ops.findOrCreate(tx, String.valueOf(l.get("end")));
    Relationship r =
        start.createRelationshipTo(end, RelationshipType.withName(String.valueOf(l.get("type"))));
    props.forEach((k, v) -> r.setProperty(k, Ops.fromJson(v)));
  }
}
