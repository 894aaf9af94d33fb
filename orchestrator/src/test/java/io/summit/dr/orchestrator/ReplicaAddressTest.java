package io.summit.dr.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.summit.dr.replication.Endpoint;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The API address a replica publishes for the others' redirects. */
class ReplicaAddressTest {
  @Test
  void aReplicaListeningOnOneAddressPublishesIt() {
    Endpoint listen = Endpoint.parse("127.0.0.1:7301");

    assertThat(Replica.advertised(listen)).isEqualTo(listen);
  }

  @Test
  void aReplicaListeningOnEveryInterfacePublishesItsHostsAddressNotTheWildcard() throws Exception {
    Endpoint advertised = Replica.advertised(Endpoint.parse("0.0.0.0:8080"));

    assertThat(advertised.host())
        .isNotEqualTo("0.0.0.0")
        .isEqualTo(InetAddress.getLocalHost().getHostAddress());
    assertThat(advertised.port()).isEqualTo(8080);
  }
}
