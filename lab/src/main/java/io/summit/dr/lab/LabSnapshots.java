package io.summit.dr.lab;

import com.fasterxml.jackson.databind.JsonNode;
import io.summit.dr.access.ApiClient;
import io.summit.dr.access.ApiException;
import io.summit.dr.lab.process.LabException;
import io.summit.dr.lab.process.OsProcesses;
import io.summit.dr.topology.Store;
import io.summit.dr.topology.StoreKind;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code lab snapshot neo4j [--restore ID] [--region R]}: a snapshot of a Neo4j store taken on its
 * current primary, or a restore of one onto the store's replicas (or onto the node of one region).
 * Each check comes before anything changes: an unknown store or region, an unknown snapshot id and
 * a restore onto a running (unfenced) primary are refused by name.
 */
public final class LabSnapshots {
  private final Lab lab;

  public LabSnapshots(Lab lab) {
    this.lab = lab;
  }

  /** What a node's admin API answered: a snapshot's manifest, or what a restore did. */
  public record Answer(String component, JsonNode body) {}

  private Store neo4jStore(String name) {
    List<Store> neo4j =
        lab.topology().stores().stream().filter(s -> s.kind() == StoreKind.NEO4J).toList();
    return neo4j.stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "STORE: '"
                        + name
                        + "' (expected: a neo4j store of the topology: "
                        + (neo4j.isEmpty()
                            ? "none declared"
                            : neo4j.stream().map(Store::name).toList())
                        + ")"));
  }

  /** The store's nodes, with their role now. */
  private List<LabComponent> nodes(Store store) {
    List<LabComponent> out = new ArrayList<>();
    for (String region : lab.layout().regions()) {
      if (store.involves(region)) {
        out.add(lab.component(Lab.componentName("neo4j", region)));
      }
    }
    return out;
  }

  /**
   * Takes a snapshot on the node that is primary now; returns its manifest as the server gave it.
   */
  public Answer take(String storeName) {
    Store store = neo4jStore(storeName);
    for (LabComponent c : nodes(store)) {
      if (OsProcesses.isAlive(c.pid())
          && call(c, "GET", "/v1/status").path("role").asText().equals("primary")) {
        return new Answer(c.name(), call(c, "POST", "/v1/snapshots"));
      }
    }
    throw new LabException(storeName + ": no node is primary now; nothing taken");
  }

  /**
   * Restores snapshot {@code id} onto {@code region}'s node, or onto every replica when null.
   *
   * @return one answer per node restored
   */
  public List<Answer> restore(String storeName, String id, @Nullable String region) {
    Store store = neo4jStore(storeName);
    if (region != null) {
      lab.layout().index(region);
      if (!store.involves(region)) {
        throw new IllegalArgumentException(
            "--region: '" + region + "' holds no node of " + storeName);
      }
    }
    List<LabComponent> targets =
        nodes(store).stream()
            .filter(c -> region == null ? isReplica(c) : c.region().equals(region))
            .toList();
    if (targets.isEmpty()) {
      throw new LabException(storeName + ": no replica to restore onto (name one with --region)");
    }
    List<Answer> out = new ArrayList<>();
    for (LabComponent c : targets) {
      out.add(new Answer(c.name(), call(c, "POST", "/v1/restore?id=" + id)));
    }
    return out;
  }

  private boolean isReplica(LabComponent c) {
    return OsProcesses.isAlive(c.pid())
        && call(c, "GET", "/v1/status").path("role").asText().equals("replica");
  }

  /**
   * One call to {@code c}'s admin API (HTTPS in a lab with TLS, the operator's token: see
   * docs/neo4j.md), a snapshot's minutes.
   */
  private JsonNode call(LabComponent c, String method, String path) {
    try (ApiClient api =
        new ApiClient(
            c.name(),
            LabTls.neo4jAdmin(c),
            // restoring a snapshot is a control operation: the operator's token
            LabAccess.token(lab.dir(), LabAccess.OPERATOR),
            LabTls.trustFor(c),
            Duration.ofSeconds(5))) {
      return Lab.JSON.readTree(api.send(method, path, null, Duration.ofMinutes(10)));
    } catch (ApiException e) {
      if (e.status() == 404 || e.status() == 400 || e.status() == 409) {
        throw new IllegalArgumentException(c.name() + ": " + e.explanation(), e);
      }
      throw new LabException(c.name() + ": " + e.explanation(), e);
    } catch (IOException e) {
      throw new LabException(c.name() + ": admin API unreachable: " + e.getMessage(), e);
    }
  }
}
