package io.summit.dr.topology;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Binds {@link Node}s onto the model's records, collecting every problem instead of stopping at the
 * first. The records themselves are the schema: each component is a field named in snake_case;
 * {@link Default} gives the value of a missing field (as YAML text), a {@code @Nullable} type makes
 * it optional; everything else is required. Jackson's data binding stops at the first error, which
 * is why this walk is written here; the same walk generates the JSON Schema ({@link
 * SchemaGenerator}), so the two cannot disagree.
 */
final class Binder {
  private final List<Problem> problems = new ArrayList<>();

  List<Problem> problems() {
    return problems;
  }

  /** Returns the bound value, or null when a problem was recorded for {@code node} or below. */
  @Nullable Object bind(Node node, Type type, String path) {
    Class<?> raw = Model.rawClass(type);
    if (raw.isRecord()) {
      return bindRecord(node, raw, path);
    }
    if (raw == List.class) {
      return bindList(node, Model.typeArgument(type, 0), path);
    }
    if (raw == Map.class) {
      return bindMap(node, Model.typeArgument(type, 1), path);
    }
    if (!(node instanceof Node.Scalar scalar) || scalar.kind() == Node.Scalar.Kind.NULL) {
      return fail(node, path, node.describe(), Model.expected(raw));
    }
    return bindScalar(scalar, raw, path);
  }

  private @Nullable Object bindScalar(Node.Scalar scalar, Class<?> raw, String path) {
    String text = Objects.requireNonNull(scalar.text());
    Node.Scalar.Kind kind = scalar.kind();
    if (raw == String.class && kind == Node.Scalar.Kind.STRING) {
      return text;
    }
    if ((raw == int.class || raw == Integer.class) && kind == Node.Scalar.Kind.INTEGER) {
      try {
        return Integer.parseInt(text);
      } catch (NumberFormatException e) {
        return fail(scalar, path, scalar.describe() + " is too large", Model.expected(raw));
      }
    }
    if (raw == double.class
        && (kind == Node.Scalar.Kind.INTEGER || kind == Node.Scalar.Kind.DECIMAL)) {
      return Double.parseDouble(text);
    }
    if (raw == boolean.class && kind == Node.Scalar.Kind.BOOLEAN) {
      return Boolean.parseBoolean(text);
    }
    if (raw == Duration.class && kind == Node.Scalar.Kind.STRING) {
      try {
        return Durations.parse(text);
      } catch (IllegalArgumentException e) {
        return fail(scalar, path, "'" + text + "' is not a duration", Durations.EXPECTED);
      }
    }
    if (raw.isEnum() && kind == Node.Scalar.Kind.STRING) {
      return bindEnum(scalar, raw, path);
    }
    return fail(scalar, path, scalar.describe(), Model.expected(raw));
  }

  private @Nullable Object bindEnum(Node.Scalar scalar, Class<?> raw, String path) {
    List<String> names = Model.enumNames(raw);
    int index = names.indexOf(scalar.text());
    if (index < 0) {
      return fail(
          scalar,
          path,
          "'"
              + scalar.text()
              + "' is not allowed"
              + Suggest.didYouMean(String.valueOf(scalar.text()), names),
          Model.expected(raw));
    }
    return raw.getEnumConstants()[index];
  }

  private @Nullable Object bindList(Node node, Type item, String path) {
    if (!(node instanceof Node.Sequence seq)) {
      return fail(node, path, node.describe(), "a list");
    }
    List<Object> out = new ArrayList<>();
    boolean ok = true;
    for (int i = 0; i < seq.items().size(); i++) {
      Object v = bind(seq.items().get(i), item, path + "[" + i + "]");
      ok &= v != null;
      out.add(v == null ? "" : v);
    }
    return ok ? out : null;
  }

  private @Nullable Object bindMap(Node node, Type value, String path) {
    if (!(node instanceof Node.Mapping map)) {
      return fail(node, path, node.describe(), "a mapping");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    boolean ok = true;
    for (Map.Entry<String, Node> e : map.entries().entrySet()) {
      Object v = bind(e.getValue(), value, Model.join(path, e.getKey()));
      ok &= v != null;
      out.put(e.getKey(), v == null ? "" : v);
    }
    return ok ? out : null;
  }

  private @Nullable Object bindRecord(Node node, Class<?> type, String path) {
    if (!(node instanceof Node.Mapping map)) {
      return fail(
          node,
          path,
          node.describe(),
          "a mapping with fields " + String.join(", ", Model.fieldNames(type)));
    }
    RecordComponent[] components = type.getRecordComponents();
    List<String> known = Model.fieldNames(type);
    map.keys()
        .forEach(
            (key, where) -> {
              if (!known.contains(key)) {
                problems.add(
                    new Problem(
                        Model.join(path, key),
                        "unknown field" + Suggest.didYouMean(key, known),
                        "one of " + String.join(", ", known),
                        where));
              }
            });
    @Nullable Object[] args = new Object[components.length];
    boolean ok = true;
    for (int i = 0; i < components.length; i++) {
      RecordComponent c = components[i];
      String name = Model.fieldName(c);
      Node child = map.entries().get(name);
      if (child == null
          || (child instanceof Node.Scalar s
              && s.kind() == Node.Scalar.Kind.NULL
              && Model.isOptional(c))) {
        args[i] = missing(c, map, Model.join(path, name));
        ok &= args[i] != null || Model.isNullable(c);
      } else {
        args[i] = bind(child, c.getGenericType(), Model.join(path, name));
        ok &= args[i] != null;
      }
    }
    return ok ? construct(type, components, args, node, path) : null;
  }

  private @Nullable Object missing(RecordComponent c, Node.Mapping parent, String path) {
    Default fallback = c.getAnnotation(Default.class);
    if (fallback != null) {
      Node parsed = YamlReader.read("<default of " + path + ">", "value: " + fallback.value());
      Node value = ((Node.Mapping) parsed).entries().get("value");
      return bind(Objects.requireNonNull(value), c.getGenericType(), path);
    }
    if (Model.isNullable(c)) {
      return null;
    }
    problems.add(new Problem(path, "missing required field", Model.expected(c), parent.location()));
    return null;
  }

  private @Nullable Object construct(
      Class<?> type,
      RecordComponent[] components,
      @Nullable Object[] args,
      Node node,
      String path) {
    try {
      Class<?>[] types =
          Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
      Constructor<?> constructor = type.getDeclaredConstructor(types);
      return constructor.newInstance(args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof InvalidTopologyException invalid) {
        for (Problem p : invalid.problems()) {
          Problem full = path.isEmpty() ? p : p.prefixed(path);
          problems.add(full.at(Locator.locate(node, p.path())));
        }
        return null;
      }
      throw new IllegalStateException(
          path + ": constructor of " + type.getSimpleName() + " failed", e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(type + " cannot be constructed", e);
    }
  }

  private @Nullable Object fail(Node node, String path, String what, String expected) {
    problems.add(new Problem(path, what, expected, node.location()));
    return null;
  }
}
