package io.summit.dr.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {
  @ParameterizedTest
  @CsvSource({
    "10.0.0.0/16,10.0.128.0/17,true",
    "10.10.0.0/16,10.20.0.0/16,false",
    "10.0.0.0/8,10.200.0.0/16,true",
    "192.168.1.0/24,192.168.2.0/24,false"
  })
  void overlapIsSymmetric(String a, String b, boolean overlaps) {
    assertThat(Cidr.parse(a).overlaps(Cidr.parse(b))).isEqualTo(overlaps);
    assertThat(Cidr.parse(b).overlaps(Cidr.parse(a))).isEqualTo(overlaps);
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.0", "10.0.0.256/16", "10.0.0.0/4", "10.0.0.0/30", "x/16"})
  void invalidBlocksAreRejected(String text) {
    assertThat(Cidr.isValid(text)).isFalse();
  }
}
