package io.summit.dr.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WriterTest {
  @Test
  void parsesWhatTheOrchestratorWrites() {
    assertThat(Writer.parse("{\"region\":\"us-west-2\",\"term\":4}"))
        .isEqualTo(new Writer("us-west-2", 4));
    assertThat(new Writer("us-east-1", 2).toJson())
        .isEqualTo("{\"region\":\"us-east-1\",\"term\":2}");
  }

  @Test
  void namesTheFieldThatIsWrong() {
    assertThatThrownBy(() -> Writer.parse("{\"term\":4}"))
        .hasMessageStartingWith("writer.region: missing");
    assertThatThrownBy(() -> Writer.parse("{\"region\":\"x\",\"term\":\"a\"}"))
        .hasMessageStartingWith("writer.term: missing");
    assertThatThrownBy(() -> Writer.parse("{\"region\":\"x\",\"term\":0}"))
        .hasMessage("writer.term: 0 (expected: >= 1)");
    assertThatThrownBy(() -> Writer.parse("nope"))
        .hasMessageStartingWith("writer: 'nope' is not JSON");
  }
}
