package io.summit.dr.drill.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryTest {
  @TempDir Path dir;

  @Test
  void everyOperationEndsExactlyOnce() {
    History h = new History();
    History.Pending p = h.invoke(h.newProcess(), Op.F.REGISTER_WRITE, "k", 1L, "edge");
    p.ok(null, 3L, "us-west-2");
    assertThatThrownBy(() -> p.info("late")).hasMessageContaining("completed twice");
    assertThat(h.ops())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.type()).isEqualTo(Op.Type.OK);
              assertThat(o.value()).isEqualTo(1L);
              assertThat(o.term()).isEqualTo(3L);
            });
  }

  @Test
  void anOperationNeverCompletedIsAnInfo() {
    History h = new History();
    h.invoke(h.newProcess(), Op.F.WRITE, "w1", 1L, "us-west-2");
    assertThat(h.ops()).singleElement().extracting(Op::type).isEqualTo(Op.Type.INFO);
  }

  @Test
  void theFileHasAnInvokeAndOneCompletionPerOperationInTimeOrder() throws Exception {
    History h = new History();
    History.Pending w = h.invoke(1, Op.F.REGISTER_WRITE, "k", 5L, "edge");
    History.Pending r = h.invoke(2, Op.F.REGISTER_READ, "k", null, "us-east-1");
    w.info("timeout");
    r.ok(5L, null, "us-east-1");
    Path file =
        HistoryFile.write(h.ops(), System.nanoTime(), Instant.now(), dir.resolve("h.jsonl"));
    List<JsonNode> lines = Files.readAllLines(file).stream().map(HistoryTest::json).toList();
    assertThat(lines)
        .extracting(l -> l.get("type").asText())
        .containsExactly("invoke", "invoke", "info", "ok");
    assertThat(lines.get(1).get("value").isNull()).isTrue();
    assertThat(lines.get(3).get("value").asLong()).isEqualTo(5L);
    assertThat(lines.get(3).get("process").asLong()).isEqualTo(2L);
    assertThat(lines.get(2).get("error").asText()).isEqualTo("timeout");
  }

  @Test
  void theZoneThatAnsweredIsOnTheCompletionLineAndOmittedWhenNoneWasNamed() throws Exception {
    History h = new History();
    h.invoke(1, Op.F.WRITE, "w1", 1L, "edge").ok(null, 3L, "us-west-2", "us-west-2a");
    h.invoke(2, Op.F.WRITE, "w2", 2L, "edge").info("status 503", "us-west-2b");
    h.invoke(3, Op.F.READ, "s1", null, "edge").fail("connection refused");

    Path file =
        HistoryFile.write(h.ops(), System.nanoTime(), Instant.now(), dir.resolve("z.jsonl"));

    List<JsonNode> completions =
        Files.readAllLines(file).stream()
            .map(HistoryTest::json)
            .filter(l -> !l.get("type").asText().equals("invoke"))
            .toList();
    assertThat(completions).hasSize(3);
    assertThat(completions.get(0).get("zone").asText()).isEqualTo("us-west-2a");
    assertThat(completions.get(1).get("zone").asText()).isEqualTo("us-west-2b");
    assertThat(completions.get(2).has("zone")).isFalse();
    assertThat(Files.readAllLines(file).stream().map(HistoryTest::json))
        .filteredOn(l -> l.get("type").asText().equals("invoke"))
        .allSatisfy(l -> assertThat(l.has("zone")).isFalse());
    assertThat(h.ops().get(0).describe(0)).endsWith(" by us-west-2 in us-west-2a");
  }

  private static JsonNode json(String line) {
    try {
      return new ObjectMapper().readTree(line);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
