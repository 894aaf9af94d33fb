package io.summit.dr.topology;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * How the model's records look in a file: field names in snake_case, enum constants in lower
 * kebab-case, and what each type expects. Shared by the binder, the writer and the schema.
 */
final class Model {
  private Model() {}

  static String fieldName(RecordComponent c) {
    return snake(c.getName());
  }

  static List<String> fieldNames(Class<?> record) {
    return Arrays.stream(record.getRecordComponents()).map(Model::fieldName).toList();
  }

  static String snake(String camel) {
    StringBuilder out = new StringBuilder();
    for (char ch : camel.toCharArray()) {
      if (Character.isUpperCase(ch)) {
        out.append('_').append(Character.toLowerCase(ch));
      } else {
        out.append(ch);
      }
    }
    return out.toString();
  }

  static String enumName(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static List<String> enumNames(Class<?> type) {
    return Arrays.stream(type.getEnumConstants()).map(e -> enumName((Enum<?>) e)).toList();
  }

  static boolean isNullable(RecordComponent c) {
    return c.getAnnotatedType().isAnnotationPresent(Nullable.class);
  }

  /** Whether a file may leave the field out. */
  static boolean isOptional(RecordComponent c) {
    return isNullable(c) || c.isAnnotationPresent(Default.class);
  }

  static Class<?> rawClass(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    }
    throw new IllegalArgumentException("unsupported model type " + type);
  }

  static Type typeArgument(Type type, int index) {
    return ((ParameterizedType) type).getActualTypeArguments()[index];
  }

  static String join(String parent, String child) {
    return parent.isEmpty() ? child : parent + "." + child;
  }

  static String expected(RecordComponent c) {
    Doc doc = c.getAnnotation(Doc.class);
    String what = expected(c.getType());
    return doc == null ? what : what + ": " + decapitalise(doc.value());
  }

  static String expected(Class<?> raw) {
    if (raw == String.class) {
      return "a string";
    }
    if (raw == int.class || raw == Integer.class) {
      return "an integer";
    }
    if (raw == double.class) {
      return "a number";
    }
    if (raw == boolean.class) {
      return "true or false";
    }
    if (raw == Duration.class) {
      return Durations.EXPECTED;
    }
    if (raw.isEnum()) {
      return "one of " + String.join(", ", enumNames(raw));
    }
    if (raw == List.class) {
      return "a list";
    }
    return "a mapping";
  }

  private static String decapitalise(String s) {
    String trimmed = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    return trimmed.isEmpty()
        ? trimmed
        : Character.toLowerCase(trimmed.charAt(0)) + trimmed.substring(1);
  }
}
