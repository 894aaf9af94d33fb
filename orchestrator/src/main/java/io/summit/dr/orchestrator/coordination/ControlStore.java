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

  /** The last discovery version published, if any. */
  Optional<DiscoveryRecord> discovery();

  /** Records a published discovery version (before applications are told of it). */
  void saveDiscovery(DiscoveryRecord record);

  /** The write authority {@code region}'s agent holds now, if any. */
  Optional<Authority> authority(String region);

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
