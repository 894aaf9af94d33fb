package io.summit.dr.agent.zones;

import static org.assertj.core.api.Assertions.assertThat;

import io.summit.dr.agent.zones.ZoneNodeClient.Probe;
import io.summit.dr.replication.redis.RedisAdapter;
import org.junit.jupiter.api.Test;

/** How {@code INFO replication} answers (as Redis 7.0 prints them) become probes. */
class RedisZoneNodeTest {
  private static final int PEER = 26033;

  @Test
  void aPrimaryListingThePeerOnlineSeesItStreamingAsynchronously() {
    Probe p =
        read(
            "# Replication",
            "role:master",
            "connected_slaves:2",
            "slave0:ip=127.0.0.1,port=26131,state=online,offset=602,lag=1",
            "slave1:ip=127.0.0.1,port=26033,state=online,offset=602,lag=0",
            "master_repl_offset:602");

    assertThat(p).isEqualTo(new Probe.Answered(false, "", "streaming", "async", null));
    assertThat(((Probe.Answered) p).peerStreaming()).isTrue();
    assertThat(((Probe.Answered) p).peerSynchronous()).isFalse();
  }

  @Test
  void aPrimaryWhosePeerIsStillLoadingOrAbsentDoesNotSeeItStreaming() {
    assertThat(
            read("role:master", "slave0:ip=127.0.0.1,port=26033,state=wait_bgsave,offset=0,lag=0"))
        .isEqualTo(new Probe.Answered(false, "", "wait_bgsave", "async", null));
    // only the cross-region replica: the peer is not among the primary's replicas
    assertThat(read("role:master", "slave0:ip=127.0.0.1,port=26131,state=online,offset=9,lag=0"))
        .isEqualTo(new Probe.Answered(false, "", null, null, null));
  }

  @Test
  void aReplicaIsInRecoveryAndStreamsWhileItsLinkIsUp() {
    Probe up = read("role:slave", "master_host:127.0.0.1", "master_link_status:up");
    Probe down = read("role:slave", "master_host:127.0.0.1", "master_link_status:down");

    assertThat(((Probe.Answered) up).receiving()).isTrue();
    assertThat(((Probe.Answered) down).inRecovery()).isTrue();
    assertThat(((Probe.Answered) down).receiving()).isFalse();
  }

  private static Probe read(String... lines) {
    return RedisZoneNode.read(RedisAdapter.parseInfo(String.join("\r\n", lines)), PEER);
  }
}
