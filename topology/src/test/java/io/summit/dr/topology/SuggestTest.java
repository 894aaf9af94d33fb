package io.summit.dr.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestTest {
  @Test
  void suggestsTheClosestNameWithinAFewEdits() {
    assertThat(Suggest.didYouMean("regoins", List.of("regions", "services")))
        .isEqualTo(" (did you mean 'regions'?)");
  }

  @Test
  void suggestsNothingForAnUnrelatedWord() {
    assertThat(Suggest.didYouMean("colour", List.of("name", "role", "zones", "cidr"))).isEmpty();
  }
}
