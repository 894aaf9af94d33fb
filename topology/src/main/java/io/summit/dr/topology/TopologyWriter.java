package io.summit.dr.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Writes a topology back as YAML, every field spelled out (defaults included), in the form {@link
 * TopologyLoader} reads: {@code parse(write(t)).equals(t)}.
 */
public final class TopologyWriter {
  private static final YAMLMapper YAML =
      new YAMLMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .build());

  private TopologyWriter() {}

  public static String toYaml(Topology topology) {
    try {
      return YAML.writeValueAsString(plain(topology));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The topology as plain maps, lists, strings, numbers and booleans. */
  public static Object plain(Object value) {
    if (value instanceof Record record) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (RecordComponent c : record.getClass().getRecordComponents()) {
        Object field = read(c, record);
        if (field != null) {
          out.put(Model.fieldName(c), plain(field));
        }
      }
      return out;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(TopologyWriter::plain).toList();
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), plain(v)));
      return out;
    }
    if (value instanceof Duration d) {
      return Durations.format(d);
    }
    if (value instanceof Enum<?> e) {
      return Model.enumName(e);
    }
    return value;
  }

  private static @Nullable Object read(RecordComponent c, Record record) {
    try {
      return c.getAccessor().invoke(record);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(c + " cannot be read", e);
    }
  }
}
