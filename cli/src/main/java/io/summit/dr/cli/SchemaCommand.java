package io.summit.dr.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.topology.SchemaGenerator;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code summit-dr schema}: prints the JSON Schema of topology files. */
@Command(
    name = "schema",
    mixinStandardHelpOptions = true,
    description = {
      "Print the JSON Schema (draft 2020-12) of topology files, for editors to complete and"
          + " check them."
    })
final class SchemaCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws JsonProcessingException {
    spec.commandLine()
        .getOut()
        .println(
            new ObjectMapper()
                .writerWithDefaultPrettyPrinter()
                .writeValueAsString(SchemaGenerator.topologySchema()));
    return 0;
  }
}
