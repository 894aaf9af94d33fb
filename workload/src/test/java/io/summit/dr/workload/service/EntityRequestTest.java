package io.summit.dr.workload.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The body of {@code POST /entities}: what is taken, what is refused and with which message. */
class EntityRequestTest {
  private static EntityRequest parse(String body) {
    return EntityRequest.parse(body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aWriteWithoutTheDocumentFieldAsksForADocument() {
    EntityRequest r = parse("{\"id\":\"e1\",\"seq\":7,\"payload\":\"hello\"}");

    assertThat(r).isEqualTo(new EntityRequest("e1", 7L, "hello", true, true));
  }

  @Test
  void theDocumentFieldSaysWhetherTheWriteAsksForADocument() {
    assertThat(parse("{\"id\":\"e1\",\"document\":false}").document()).isFalse();
    assertThat(parse("{\"id\":\"e1\",\"document\":true}").document()).isTrue();
    assertThat(parse("{\"id\":\"e1\",\"document\":null}").document()).isTrue();
    assertThat(parse("{\"id\":\"e1\",\"graph\":false}").graph()).isFalse();
    assertThat(parse("{\"id\":\"e1\"}").graph()).isTrue();
  }

  @Test
  void anEmptyBodyLeavesTheIdAndSeqToTheServiceAndAsksForADocument() {
    assertThat(parse("")).isEqualTo(new EntityRequest(null, null, "", true, true));
  }

  @Test
  void aDocumentFieldThatIsNotABooleanIsRefusedNamingTheField() {
    assertThatThrownBy(() -> parse("{\"id\":\"e1\",\"document\":\"x\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("document: \"x\" (expected: true or false)");
    assertThatThrownBy(() -> parse("{\"id\":\"e1\",\"document\":\"true\"}"))
        .hasMessage("document: \"true\" (expected: true or false)");
    assertThatThrownBy(() -> parse("{\"id\":\"e1\",\"document\":1}"))
        .hasMessage("document: 1 (expected: true or false)");
    assertThatThrownBy(() -> parse("{\"id\":\"e1\",\"graph\":\"yes\"}"))
        .hasMessage("graph: \"yes\" (expected: true or false)");
  }

  @Test
  void anUnknownFieldIsRefusedListingTheFieldsAllowed() {
    assertThatThrownBy(() -> parse("{\"id\":\"bad1\",\"colour\":\"red\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("colour: unknown field (expected: id, seq, payload, document, graph)");
  }

  @Test
  void theOtherFieldsAreCheckedAsBefore() {
    assertThatThrownBy(() -> parse("{\"id\":42}")).hasMessageStartingWith("id: 42 (expected:");
    assertThatThrownBy(() -> parse("{\"seq\":\"seven\"}"))
        .hasMessage("seq: \"seven\" (expected: an integer)");
    assertThatThrownBy(() -> parse("{\"payload\":3}"))
        .hasMessage("payload: 3 (expected: a string)");
    assertThatThrownBy(() -> parse("{id: bad3")).hasMessageStartingWith("body: not JSON");
    assertThatThrownBy(() -> parse("[1]"))
        .hasMessage("body: not an object (expected: a JSON object)");
  }
}
