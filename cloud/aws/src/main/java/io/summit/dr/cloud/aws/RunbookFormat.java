package io.summit.dr.cloud.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.Locale;

/** A runbook as the dry run prints it: text for a person, or JSON. */
public final class RunbookFormat {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private RunbookFormat() {}

  /** Numbered steps, each with its calls ({@code *} marks the calls that change something). */
  public static String text(Runbook r) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "%s %s -> %s: %d steps, %d AWS calls (%d change something); dry run, nothing was called%n",
            r.kind().name().toLowerCase(Locale.ROOT),
            r.from(),
            r.to(),
            r.steps().size(),
            r.calls().size(),
            r.calls().stream().filter(AwsCall::mutating).count()));
    int n = 1;
    for (Runbook.Step s : r.steps()) {
      b.append(
          String.format(Locale.ROOT, "%2d. %s  [%s]%n", n++, s.spec().id(), s.spec().region()));
      if (!s.note().isEmpty()) {
        b.append("      # ").append(s.note()).append(System.lineSeparator());
      }
      for (AwsCall c : s.calls()) {
        b.append(c.mutating() ? "    * " : "      ")
            .append(c.line())
            .append(System.lineSeparator());
      }
    }
    b.append("IAM actions: ")
        .append(String.join(", ", r.iamActions()))
        .append(System.lineSeparator());
    return b.toString();
  }

  public static String json(Runbook r) {
    ObjectNode root = JSON.createObjectNode();
    root.put("kind", r.kind().name().toLowerCase(Locale.ROOT));
    root.put("from", r.from());
    root.put("to", r.to());
    root.put("dry_run", true);
    ArrayNode steps = root.putArray("steps");
    for (Runbook.Step s : r.steps()) {
      ObjectNode step = steps.addObject();
      step.put("id", s.spec().id());
      step.put("action", s.spec().action().wireName());
      step.put("region", s.spec().region());
      step.put("store", s.spec().store());
      step.put("note", s.note());
      ArrayNode calls = step.putArray("calls");
      for (AwsCall c : s.calls()) {
        ObjectNode call = calls.addObject();
        call.put("service", c.service());
        call.put("action", c.action());
        call.put("region", c.region());
        call.put("mutating", c.mutating());
        c.iamAction().ifPresent(a -> call.put("iam_action", a));
        ObjectNode params = call.putObject("params");
        c.params().forEach(params::put);
      }
    }
    r.iamActions().forEach(root.putArray("iam_actions")::add);
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
