package io.summit.dr.orchestrator.coordination;

import io.summit.dr.orchestrator.plan.Journal;
import java.time.Duration;
import java.util.Optional;

/**
 * What the control plane keeps outside its own memory. One leader writes (every write of an etcd
 * store is conditional on this replica's leadership); any replica reads. Thread-safe.
 */
public interface ControlStore extends AutoCloseable {
  /** The plan journal. */
  Journal journal();

  /**
   * The writer record, created as {@code initial} when the store holds none yet.
   *
   * @throws CoordinationException when the store cannot be reached
   */
  WriterRecord writer(WriterRecord initial);

  /**
   * Moves the writer to {@code to} under a new term, once per plan: when the record already names
   * {@code plan}, returns it unchanged.
   *
   * @throws CoordinationException when the store cannot be reached, the record changed meanwhile,
   *     or this replica is not the leader
   */
  WriterRecord advanceTerm(String to, String plan);

  /**
   * What {@link #advanceTerm(String, String, String)} found: the writer record now in force and the
   * authority the old writer region held right after the move (empty when its key was gone).
   */
  record TermAdvance(WriterRecord writer, Optional<Authority> oldAuthority) {}

  /**
   * {@link #advanceTerm(String, String)}, and {@code from}'s authority read after the move. A store
   * that can do both in one round trip does (etcd: one transaction, so no agent can re-create the
   * key between the move and the read).
   */
  default TermAdvance advanceTerm(String from, String to, String plan) {
    WriterRecord w = advanceTerm(to, plan);
    return new TermAdvance(w, authority(from));
  }

  /** The last discovery version published, if any. */
  Optional<DiscoveryRecord> discovery();

  /** Records a published discovery version (before applications are told of it). */
  void saveDiscovery(DiscoveryRecord record);

  /** The write authority {@code region}'s agent holds now, if any. */
  Optional<Authority> authority(String region);

  /**
   * Whether this replica already knows, without a round trip, that {@code region} holds no write
   * authority (a watch saw its key deleted and not re-created). False means "not known": ask {@link
   * #authority}. A stale true is harmless to safety: the promotion gate reads the authority again
   * in its own transaction.
   */
  default boolean authorityKnownGone(String region) {
    return false;
  }

  /**
   * Revokes {@code authority}'s lease: its key disappears at once, and its agent, whose next
   * renewal fails, fences its region's primaries (or has already, when it could not renew).
   */
  void revoke(Authority authority);

  /**
   * How long after a revocation (or the last renewal an agent could have made) its agent has
   * certainly stopped its primaries: the agents' lease TTL plus a margin. Zero for a store without
   * leases.
   */
  Duration authorityBound();

  /** Where it lives, for messages. */
  String describe();

  @Override
  void close();
}
