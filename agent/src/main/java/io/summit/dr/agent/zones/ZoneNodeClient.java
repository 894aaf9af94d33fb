package io.summit.dr.agent.zones;

import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreResult;
import org.jspecify.annotations.Nullable;

/**
 * What the zone failover reads from and does to one PostgreSQL node. Every operation is idempotent
 * by the end state it observes: a retried promotion of a primary reports {@link
 * StoreResult.AlreadyDone}, and so does a rejoin of a node already streaming from the writer. The
 * production implementation works over pgjdbc ({@link ZoneFailover#postgres}); tests play the nodes
 * with a fake. Implementations are thread-safe.
 */
public interface ZoneNodeClient extends AutoCloseable {

  /**
   * Looks at the node: its role, its {@code synchronous_standby_names}, its {@code
   * pg_stat_replication} row for the other node, its {@code pg_stat_wal_receiver} status. Returns
   * within about the probe timeout; never throws.
   */
  Probe probe();

  /** Promotes the node (a standby) to primary. */
  StoreResult promote();

  /** Sets {@code synchronous_standby_names} to {@code value} and reloads the configuration. */
  StoreResult setSynchronousStandbyNames(String value);

  /**
   * Makes the node a standby streaming from {@code writerPeer} (stop, pg_rewind or a fresh base
   * backup, standby configuration, start); may take seconds.
   */
  StoreResult rejoin(Endpoint writerPeer);

  /**
   * Creates the other regions' replication slots on this node where missing (before the region's
   * replication source is moved to it; on a standby too, for replicas that cascade from it).
   */
  default StoreResult ensureSlots() {
    return new StoreResult.AlreadyDone("no slots to keep");
  }

  /** Drops the other regions' replication slots that no replica uses on this node any more. */
  default StoreResult dropIdleSlots() {
    return new StoreResult.AlreadyDone("no slots to drop");
  }

  /**
   * Whether a copy of this node is being taken now: a {@code pg_rewind} or {@code pg_basebackup}
   * session connected to it (a replica being rejoined or re-cloned through the region's replication
   * source). Moving the source closes its connections and would fail the copy.
   */
  default boolean copyInProgress() {
    return false;
  }

  /** Releases its sessions; a second close does nothing. */
  @Override
  void close();

  /** The outcome of one probe. */
  sealed interface Probe {
    /** The node did not answer in time, or refused the session. */
    record Unanswered(String detail) implements Probe {}

    /**
     * The node answered.
     *
     * @param inRecovery {@code pg_is_in_recovery()}: true on a standby
     * @param synchronousStandbyNames its setting ('' when none)
     * @param peerState the {@code state} of its {@code pg_stat_replication} row for the other
     *     node's application name ({@code streaming}, {@code catchup}, ...); null without a row
     * @param peerSyncState that row's {@code sync_state} ({@code sync}, {@code async}, ...)
     * @param receiverStatus its {@code pg_stat_wal_receiver} status; null without a WAL receiver
     */
    record Answered(
        boolean inRecovery,
        String synchronousStandbyNames,
        @Nullable String peerState,
        @Nullable String peerSyncState,
        @Nullable String receiverStatus)
        implements Probe {

      /** Whether its row for the other node says that node streams from it. */
      public boolean peerStreaming() {
        return "streaming".equals(peerState);
      }

      /** Whether that row says the other node is a synchronous standby (sync or quorum). */
      public boolean peerSynchronous() {
        return peerStreaming() && ("sync".equals(peerSyncState) || "quorum".equals(peerSyncState));
      }

      /** Whether it is a standby whose WAL receiver streams. */
      public boolean receiving() {
        return inRecovery && "streaming".equals(receiverStatus);
      }

      public String role() {
        return inRecovery ? "standby" : "primary";
      }
    }
  }
}
