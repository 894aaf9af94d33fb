package io.summit.dr.workload.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.summit.dr.replication.Endpoint;
import io.summit.dr.topology.DataClass;
import io.summit.dr.topology.ObjectRule;
import io.summit.dr.topology.ReplicationMode;
import io.summit.dr.topology.Residency;
import io.summit.dr.topology.Store;
import io.summit.dr.topology.StoreKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The last residency guard of a document write: on the bucket actually about to be written, so a
 * writer region that moved after the service's own check cannot receive a pinned document. Nothing
 * is sent: the guard refuses before any request (the addresses lead nowhere).
 */
class EntityObjectsResidencyTest {
  private static final Store OBJECTS =
      new Store(
          "objects",
          StoreKind.OBJECTS,
          "us-west-2",
          List.of("us-east-1"),
          ReplicationMode.ASYNC,
          Duration.ofMillis(500),
          new ObjectRule("summit-objects-{region}", "", false, false, 1024),
          null);
  private static final Residency PINNED =
      new Residency(
          "x-summit-data-class",
          "x-summit-tenant",
          List.of(
              new DataClass(
                  "gov",
                  List.of("us-west-2"),
                  List.of("objects"),
                  List.of("acme-gov"),
                  List.of(),
                  List.of("entities/acme-gov-"),
                  Map.of())));

  private static Endpoints writerIn(String region) {
    Endpoint nowhere = new Endpoint("127.0.0.1", 9);
    return new Endpoints(
        1,
        region,
        1,
        Map.of(
            "objects",
            new Endpoints.StoreAddresses(
                nowhere, Map.of("us-west-2", nowhere, "us-east-1", nowhere))));
  }

  @Test
  void aPinnedDocumentIsNotWrittenToAWriterBucketOutsideItsClass() {
    try (EntityObjects objects =
        new EntityObjects(
            OBJECTS, "us-west-2", UnaryOperator.identity(), Duration.ofMillis(200), PINNED)) {
      objects.apply(writerIn("us-east-1"));

      EntityStore.StoreException put =
          catchThrowableOfType(
              EntityStore.StoreException.class, () -> objects.put("acme-gov-1", "{}"));
      EntityStore.StoreException delete =
          catchThrowableOfType(
              EntityStore.StoreException.class, () -> objects.delete("acme-gov-1"));

      assertThat(put)
          .hasMessage(
              "objects@us-east-1: entities/acme-gov-1.json belongs to a data class that may not be"
                  + " stored in us-east-1, which became the writer region during this write; the"
                  + " document is not written");
      assertThat(put.getCause()).isNull();
      assertThat(delete).hasMessageContaining("may not be stored in us-east-1");
      // an unpinned document goes on to the bucket (and fails there: nothing listens)
      EntityStore.StoreException unpinned =
          catchThrowableOfType(EntityStore.StoreException.class, () -> objects.put("7", "{}"));
      assertThat(unpinned.getCause()).isNotNull();
    }
  }
}
