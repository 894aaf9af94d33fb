package io.summit.dr.stores.neo4j;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Entity;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.Transaction;

/**
 * Changes as replicated operations, by business key (element ids are store-local): every node
 * carries a unique string {@code key}; a relationship is named by its start key, type and end key
 * (at most one per triple). Each operation carries the full state it leaves, so applying it twice,
 * or over a state that already holds part of a later change, ends in the same graph:
 *
 * <ul>
 *   <li>{@code {op: node, key, labels, props}}: the node exists with exactly these labels and
 *       properties;
 *   <li>{@code {op: delnode, key}}: the node and its relationships are gone;
 *   <li>{@code {op: rel, start, type, end, props}}: the relationship exists with these properties
 *       (missing end nodes are created with their key only; their own operation follows);
 *   <li>{@code {op: delrel, start, type, end}}: the relationship is gone.
 * </ul>
 *
 * Property values: strings, numbers, booleans and arrays of them travel exactly; other types
 * (temporal, spatial) travel as their string form.
 */
final class Ops {
  static final Label KEYED = Label.label("Keyed");
  static final Label OUTBOX = Label.label("SummitOutbox");
  static final Label SEQ = Label.label("SummitSeq");
  static final String KEY = "key";

  private Ops() {}

  static boolean isInternal(Node n) {
    return n.hasLabel(OUTBOX) || n.hasLabel(SEQ);
  }

  static Map<String, Object> node(Node n, String key) {
    List<String> labels = new ArrayList<>();
    n.getLabels().forEach(l -> labels.add(l.name()));
    labels.remove(KEYED.name());
    labels.sort(null);
    Map<String, Object> op = new LinkedHashMap<>();
    op.put("op", "node");
    op.put("key", key);
    op.put("labels", labels);
    op.put("props", props(n));
    return op;
  }

  static Map<String, Object> delNode(String key) {
    Map<String, Object> op = new LinkedHashMap<>();
    op.put("op", "delnode");
    op.put("key", key);
    return op;
  }

  static Map<String, Object> rel(Relationship r, String start, String end) {
    Map<String, Object> op = relId("rel", start, r.getType().name(), end);
    op.put("props", props(r));
    return op;
  }

  static Map<String, Object> relId(String kind, String start, String type, String end) {
    Map<String, Object> op = new LinkedHashMap<>();
    op.put("op", kind);
    op.put("start", start);
    op.put("type", type);
    op.put("end", end);
    return op;
  }

  /** An entity's properties, sorted by name, arrays as lists. */
  static Map<String, Object> props(Entity e) {
    Map<String, Object> out = new TreeMap<>();
    e.getAllProperties().forEach((k, v) -> out.put(k, toJson(v)));
    return out;
  }

  static Object toJson(Object v) {
    if (v instanceof String || v instanceof Number || v instanceof Boolean) {
      return v;
    }
    if (v.getClass().isArray()) {
      List<Object> list = new ArrayList<>();
      for (int i = 0; i < Array.getLength(v); i++) {
        list.add(toJson(Array.get(v, i)));
      }
      return list;
    }
    return v.toString();
  }

  static Object fromJson(Object v) {
    if (v instanceof Integer i) {
      return i.longValue();
    }
    if (v instanceof List<?> list) {
      return toArray(list);
    }
    return v;
  }

  private static Object toArray(List<?> list) {
    if (!list.isEmpty() && list.get(0) instanceof Number && !(list.get(0) instanceof Double)) {
      return list.stream().mapToLong(x -> ((Number) x).longValue()).toArray();
    }
    if (!list.isEmpty() && list.get(0) instanceof Double) {
      return list.stream().mapToDouble(x -> ((Number) x).doubleValue()).toArray();
    }
    if (!list.isEmpty() && list.get(0) instanceof Boolean) {
      boolean[] out = new boolean[list.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = (Boolean) list.get(i);
      }
      return out;
    }
    return list.stream().map(String::valueOf).toArray(String[]::new);
  }

  /** Applies operations in order inside {@code tx}. */
  static void apply(Transaction tx, List<Map<String, Object>> ops) {
    for (Map<String, Object> op : ops) {
      String kind = String.valueOf(op.get("op"));
      switch (kind) {
        case "node" -> upsertNode(tx, op);
        case "delnode" -> deleteNode(tx, str(op, "key"));
        case "rel" -> upsertRel(tx, op);
        case "delrel" -> deleteRel(tx, op);
        default -> throw new IllegalArgumentException("op: '" + kind + "' (expected: node, ...)");
      }
    }
  }

  private static String str(Map<String, Object> op, String field) {
    return String.valueOf(op.get(field));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> propsOf(Map<String, Object> op) {
    Object p = op.get("props");
    return p == null ? Map.of() : (Map<String, Object>) p;
  }

  static Node findOrCreate(Transaction tx, String key) {
    Node n = tx.findNode(KEYED, KEY, key);
    if (n == null) {
      n = tx.createNode(KEYED);
      n.setProperty(KEY, key);
    }
    return n;
  }

  @SuppressWarnings("unchecked")
  private static void upsertNode(Transaction tx, Map<String, Object> op) {
    Node n = findOrCreate(tx, str(op, "key"));
    List<String> labels = (List<String>) op.getOrDefault("labels", List.of());
    for (Label l : n.getLabels()) {
      if (!l.equals(KEYED) && !labels.contains(l.name())) {
        n.removeLabel(l);
      }
    }
    labels.forEach(l -> n.addLabel(Label.label(l)));
    setAll(n, propsOf(op));
  }

  private static void setAll(Entity e, Map<String, Object> props) {
    for (String k : e.getPropertyKeys()) {
      if (!props.containsKey(k)) {
        e.removeProperty(k);
      }
    }
    props.forEach((k, v) -> e.setProperty(k, fromJson(v)));
  }

  private static void deleteNode(Transaction tx, String key) {
    Node n = tx.findNode(KEYED, KEY, key);
    if (n != null) {
      n.getRelationships().forEach(Relationship::delete);
      n.delete();
    }
  }

  private static @Nullable Relationship find(Node start, String type, String endKey) {
    for (Relationship r :
        start.getRelationships(Direction.OUTGOING, RelationshipType.withName(type))) {
      if (endKey.equals(r.getEndNode().getProperty(KEY, null))) {
        return r;
      }
    }
    return null;
  }

  private static void upsertRel(Transaction tx, Map<String, Object> op) {
    Node start = findOrCreate(tx, str(op, "start"));
    Node end = findOrCreate(tx, str(op, "end"));
    String type = str(op, "type");
    Relationship r = find(start, type, str(op, "end"));
    if (r == null) {
      r = start.createRelationshipTo(end, RelationshipType.withName(type));
    }
    setAll(r, propsOf(op));
  }

  private static void deleteRel(Transaction tx, Map<String, Object> op) {
    Node start = tx.findNode(KEYED, KEY, str(op, "start"));
    if (start != null) {
      Relationship r = find(start, str(op, "type"), str(op, "end"));
      if (r != null) {
        r.delete();
      }
    }
  }
}
