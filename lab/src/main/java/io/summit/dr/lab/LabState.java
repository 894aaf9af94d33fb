package io.summit.dr.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.summit.dr.lab.process.LabException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a lab directory records: the topology it was started from, every component, and where the
 * PostgreSQL data lives ({@code postgresDir}, outside the lab directory; null in a record written
 * before it moved there).
 */
public record LabState(
    String config, String topology, List<LabComponent> components, @Nullable String postgresDir) {
  static final String FILE = "state.json";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public LabState {
    components = List.copyOf(components);
  }

  public LabState(String config, String topology, List<LabComponent> components) {
    this(config, topology, components, null);
  }

  static Optional<LabState> read(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(file.toFile(), LabState.class));
    } catch (IOException e) {
      throw new LabException(
          file
              + ": unreadable lab state ("
              + e.getMessage()
              + "); remove the lab directory to start afresh",
          e);
    }
  }

  /** Writes the state atomically (a temporary file renamed over the old one). */
  void write(Path dir) {
    try {
      // A file of this writer's own: two processes writing at once never share one.
      Path tmp = Files.createTempFile(dir, FILE, ".tmp");
      JSON.writeValue(tmp.toFile(), this);
      Files.move(
          tmp,
          dir.resolve(FILE),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new LabException(dir + ": cannot write the lab state: " + e.getMessage(), e);
    }
  }

  Optional<LabComponent> component(String name) {
    return components.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  LabState with(LabComponent changed) {
    List<LabComponent> out = new ArrayList<>();
    boolean replaced = false;
    for (LabComponent c : components) {
      if (c.name().equals(changed.name())) {
        out.add(changed);
        replaced = true;
      } else {
        out.add(c);
      }
    }
    if (!replaced) {
      out.add(changed);
    }
    return new LabState(config, topology, out, postgresDir);
  }
}
