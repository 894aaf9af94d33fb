package io.summit.dr.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The {@code --json} option every command that reports a result mixes in. With it the command
 * prints exactly one JSON document on stdout (pretty-printed; record components as snake_case
 * fields, instants as ISO-8601 text, paths as they were given) and its progress lines on stderr, so
 * that stdout stays parseable. Exit codes are the same either way, and bad input is still a line of
 * text on stderr ({@link ErrorHandler}): a command that fails prints no JSON at all.
 */
final class JsonOption {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .registerModule(new SimpleModule().addSerializer(Path.class, new ToStringSerializer()))
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  @Option(
      names = "--json",
      description =
          "Print the result as one JSON document on stdout (progress lines go to stderr); the exit"
              + " code is the same.")
  boolean enabled;

  /** Where progress lines go: stderr with {@code --json}, stdout otherwise. */
  PrintWriter progress(CommandSpec spec) {
    return enabled ? spec.commandLine().getErr() : spec.commandLine().getOut();
  }

  /** Prints {@code result} on stdout as the command's one JSON document. */
  static void print(CommandSpec spec, Object result) {
    PrintWriter out = spec.commandLine().getOut();
    out.println(text(result));
    out.flush();
  }

  /** {@code result} as {@link #print} writes it. */
  static String text(Object result) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code result} as a tree, for a command that adds to it and for tests of the mapping. */
  static JsonNode tree(Object result) {
    return JSON.valueToTree(result);
  }
}
