package io.summit.dr.stores.neo4j;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.Transaction;
import org.neo4j.graphdb.event.LabelEntry;
import org.neo4j.graphdb.event.PropertyEntry;
import org.neo4j.graphdb.event.TransactionData;
import org.neo4j.graphdb.event.TransactionEventListener;

/**
 * Captures every committed change into the outbox, inside the committing transaction: {@code
 * beforeCommit} turns the transaction's changes into {@link Ops}, takes the write lock of the
 * sequence node (so sequence order is commit order: a second writer waits there until the first has
 * committed), raises its sequence number and adds an outbox node with the operations and the commit
 * time. The outbox entry commits, or rolls back, with the change itself.
 *
 * <p>It also vetoes (before and again under the sequence node's lock): every commit on a replica
 * (except the applier's own) and on a fenced primary; a transaction whose metadata carries a {@code
 * term} older than the server's; a node without a string {@code key}; the deletion of an internal
 * node.
 */
final class ChangeCapture implements TransactionEventListener<Long> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Graph graph;
  private final Supplier<ServerState> state;
  private final InstantSource clock;

  ChangeCapture(Graph graph, Supplier<ServerState> state, InstantSource clock) {
    this.graph = graph;
    this.state = state;
    this.clock = clock;
  }

  @Override
  public Long beforeCommit(TransactionData data, Transaction tx, GraphDatabaseService db) {
    if (graph.isApplying()) {
      return -1L;
    }
    check(data, state.get());
    List<Map<String, Object>> ops = capture(data);
    if (ops.isEmpty()) {
      return -1L;
    }
    long seq = graph.appendOutbox(tx, json(ops), clock.millis());
    // Checked again under the sequence node's lock: a rejoin that reads this node's last entry
    // under that lock (Graph.tip) then knows that nothing commits after it.
    check(data, state.get());
    return seq;
  }

  private static String json(List<Map<String, Object>> ops) {
    try {
      return JSON.writeValueAsString(ops);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("neo4j: cannot encode the change: " + e.getMessage(), e);
    }
  }

  private static void check(TransactionData data, ServerState s) {
    if (!s.isPrimary()) {
      throw new WriteRefusedException(
          "neo4j: this node is a replica of "
              + s.upstream()
              + " (expected: writes on the primary)");
    }
    if (s.fenced()) {
      throw new WriteRefusedException("neo4j: this primary is fenced; it refuses every write");
    }
    Object term = data.metaData().get("term");
    if (term instanceof Number n && n.longValue() < s.term()) {
      throw new WriteRefusedException(
          "neo4j: writer term " + n + " is older than this primary's term " + s.term());
    }
  }

  static List<Map<String, Object>> capture(TransactionData data) {
    Map<String, String> deletedKeys = deletedKeys(data);
    List<Map<String, Object>> ops = new ArrayList<>();
    for (Relationship r : data.deletedRelationships()) {
      ops.add(
          Ops.relId(
              "delrel",
              keyOf(r.getStartNode(), deletedKeys),
              r.getType().name(),
              keyOf(r.getEndNode(), deletedKeys)));
    }
    for (Node n : data.deletedNodes()) {
      String key = deletedKeys.get(n.getElementId());
      if (key != null) {
        ops.add(Ops.delNode(key));
      }
    }
    for (PropertyEntry<Node> p : data.assignedNodeProperties()) {
      Object before = p.previouslyCommittedValue();
      if (p.key().equals(Ops.KEY) && before != null && !before.equals(p.value())) {
        ops.add(Ops.delNode(String.valueOf(before)));
      }
    }
    for (Node n : touchedNodes(data)) {
      ops.add(Ops.node(n, requireKey(n, true)));
    }
    for (Relationship r : touchedRelationships(data)) {
      ops.add(Ops.rel(r, requireKey(r.getStartNode(), false), requireKey(r.getEndNode(), false)));
    }
    return ops;
  }

  private static Map<String, String> deletedKeys(TransactionData data) {
    Map<String, String> keys = new HashMap<>();
    for (LabelEntry l : data.removedLabels()) {
      if (data.isDeleted(l.node()) && (l.label().equals(Ops.OUTBOX) || l.label().equals(Ops.SEQ))) {
        throw new WriteRefusedException(
            "neo4j: the replication's own nodes (" + l.label().name() + ") cannot be deleted");
      }
    }
    for (PropertyEntry<Node> p : data.removedNodeProperties()) {
      if (data.isDeleted(p.entity()) && p.key().equals(Ops.KEY)) {
        keys.put(p.entity().getElementId(), String.valueOf(p.previouslyCommittedValue()));
      }
    }
    return keys;
  }

  private static String keyOf(Node n, Map<String, String> deletedKeys) {
    String k = deletedKeys.get(n.getElementId());
    return k != null ? k : String.valueOf(n.getProperty(Ops.KEY, ""));
  }

  private static String requireKey(Node n, boolean label) {
    if (!(n.getProperty(Ops.KEY, null) instanceof String key) || key.isEmpty()) {
      throw new WriteRefusedException(
          "neo4j: a node without a string 'key' property (expected: every node carries its"
              + " business key, by which replication finds it)");
    }
    if (label && !n.hasLabel(Ops.KEYED)) {
      n.addLabel(Ops.KEYED);
    }
    return key;
  }

  private static Set<Node> touchedNodes(TransactionData data) {
    Set<Node> out = new LinkedHashSet<>();
    data.createdNodes().forEach(out::add);
    data.assignedNodeProperties().forEach(p -> out.add(p.entity()));
    data.removedNodeProperties().forEach(p -> out.add(p.entity()));
    data.assignedLabels().forEach(l -> out.add(l.node()));
    data.removedLabels().forEach(l -> out.add(l.node()));
    out.removeIf(n -> data.isDeleted(n) || Ops.isInternal(n));
    return out;
  }

  private static Set<Relationship> touchedRelationships(TransactionData data) {
    Set<Relationship> out = new LinkedHashSet<>();
    data.createdRelationships().forEach(out::add);
    data.assignedRelationshipProperties().forEach(p -> out.add(p.entity()));
    data.removedRelationshipProperties().forEach(p -> out.add(p.entity()));
    out.removeIf(data::isDeleted);
    return out;
  }

  @Override
  public void afterCommit(TransactionData data, Long seq, GraphDatabaseService db) {
    if (seq > 0) {
      graph.committed(seq);
    }
  }

  @Override
  public void afterRollback(TransactionData data, Long seq, GraphDatabaseService db) {}
}
