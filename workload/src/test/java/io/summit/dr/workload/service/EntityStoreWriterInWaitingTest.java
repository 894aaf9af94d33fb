package io.summit.dr.workload.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.summit.dr.replication.Endpoint;
import io.summit.dr.topology.TopologyLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The writer pool an instance keeps open to its own region's PostgreSQL node while another region
 * writes: kept for the node discovery names, replaced when it names another address, none while the
 * instance's own region writes. Nothing listens at the addresses (the pools connect when they can,
 * and these never can): only which pool is held is looked at.
 */
class EntityStoreWriterInWaitingTest {
  private static final Endpoint WEST = new Endpoint("127.0.0.1", 9);
  private static final Endpoint EAST = new Endpoint("127.0.0.2", 9);
  private static final Endpoint EAST_MOVED = new Endpoint("127.0.0.3", 9);

  private static Endpoints discovery(long version, String writer, Endpoint eastNode) {
    Endpoint writerNode = writer.equals("us-west-2") ? WEST : eastNode;
    Map<String, Endpoint> readers = Map.of("us-west-2", WEST, "us-east-1", eastNode);
    return new Endpoints(
        version,
        writer,
        version,
        Map.of(
            "postgres", new Endpoints.StoreAddresses(writerNode, readers),
            "redis", new Endpoints.StoreAddresses(writerNode, readers)));
  }

  private static EntityStore store() {
    return new EntityStore(
        TopologyLoader.load(Path.of("..", "examples", "lab.yaml")),
        "us-east-1",
        "test",
        UnaryOperator.identity(),
        Duration.ofMillis(200));
  }

  @Test
  void whileAnotherRegionWritesAPoolToThisRegionsNodeIsKeptAndTakenWhenTheWriterComesHere() {
    try (EntityStore s = store()) {
      s.apply(discovery(1, "us-west-2", EAST));
      assertThat(s.writerInWaiting()).contains(EAST);

      s.apply(discovery(2, "us-east-1", EAST));

      assertThat(s.writerInWaiting()).as("taken as the writer's pool").isEmpty();
      assertThat(s.current().pgWriter().address()).isEqualTo(EAST);
    }
  }

  @Test
  void aPoolToAnAddressDiscoveryNoLongerNamesIsReplacedNotKept() {
    try (EntityStore s = store()) {
      s.apply(discovery(1, "us-west-2", EAST));

      s.apply(discovery(2, "us-west-2", EAST_MOVED));

      assertThat(s.writerInWaiting()).contains(EAST_MOVED);
    }
  }

  @Test
  void whenTheWriterComesHereAtAnotherAddressTheKeptPoolIsDroppedAndNoneIsHeld() {
    try (EntityStore s = store()) {
      s.apply(discovery(1, "us-west-2", EAST));

      s.apply(discovery(2, "us-east-1", EAST_MOVED));

      assertThat(s.writerInWaiting()).isEmpty();
      assertThat(s.current().pgWriter().address()).isEqualTo(EAST_MOVED);
    }
  }
}
