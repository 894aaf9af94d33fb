package io.summit.dr.agent.zones;

import io.summit.dr.agent.zones.ZoneNodeClient.Probe.Answered;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreResult;
import io.summit.dr.topology.StandbyLoss;
import io.summit.dr.topology.StandbyMode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standby side of a {@link ZoneFailover} while its writer node lives: the loss alert and its
 * policy, the rejoin of a node that does not stream, the synchronous standby setting. Called under
 * the failover's lock, except for the rejoin's end, which comes from the operations executor.
 */
final class StandbyWatch {
  private static final Logger LOG = LoggerFactory.getLogger(ZoneFailover.class);

  /** Logs a line at WARN unless the topic's last line had the same reason. */
  @FunctionalInterface
  interface Once {
    void log(String topic, String reason, String line);
  }

  private final ZoneSettings settings;
  private final String id;
  private final Executor operations;
  private final Once once;
  private final AtomicBoolean rejoining = new AtomicBoolean();
  private final AtomicReference<@Nullable StoreResult> rejoined = new AtomicReference<>();
  // Guarded by the failover's lock.
  private int gap;
  private @Nullable String lostAlert;
  private long notStreamingSince;
  private boolean streamingSeen = true;
  private long rejoinNotBefore;
  private boolean backingOff;
  private @Nullable String rejoinProblem;

  StandbyWatch(ZoneSettings settings, Executor operations, Once once) {
    this.settings = settings;
    this.id = settings.store();
    this.operations = operations;
    this.once = once;
  }

  boolean rejoining() {
    return rejoining.get();
  }

  /** What needs an operator now. */
  List<String> alerts() {
    List<String> out = new ArrayList<>();
    if (lostAlert != null) {
      out.add(lostAlert);
    }
    if (rejoinProblem != null) {
      out.add(rejoinProblem);
    }
    return out;
  }

  /** Forgets the standby's history: the writer node changed. */
  void reset() {
    gap = 0;
    lostAlert = null;
    streamingSeen = true;
    backingOff = false;
    rejoinProblem = null;
  }

  /**
   * Counts the writer's probes that did not see the standby streaming, raises or ends the loss
   * alert, and with {@code keep-writing} clears the writer's synchronous standby while it is lost.
   *
   * @param writerClient the writer node when the agent may act on it (holding, writer a primary)
   */
  void observe(
      Answered writer,
      NodeTrack standby,
      ZoneNode standbyNode,
      @Nullable ZoneNodeClient writerClient) {
    boolean streaming = writer.peerStreaming();
    gap = streaming ? 0 : gap + 1;
    int threshold = settings.failureThreshold();
    if (lostAlert == null && (standby.failures >= threshold || gap >= threshold)) {
      String how =
          standby.failures >= threshold
              ? standby.failures + " failed probes, last: " + standby.lastFailure
              : "the writer saw it not streaming in " + gap + " probes";
      lostAlert =
          "standby in zone "
              + standbyNode.zone()
              + " lost ("
              + how
              + "): "
              + consequence(writer, writerClient);
      LOG.warn("{}: alert: {}", id, lostAlert);
    } else if (lostAlert != null && streaming && standby.last instanceof Answered) {
      LOG.info("{}: standby in zone {} streams again; alert ended", id, standbyNode.zone());
      lostAlert = null;
    }
    if (lostAlert != null
        && writerClient != null
        && settings.standby() == StandbyMode.SYNCHRONOUS
        && settings.onStandbyLoss() == StandbyLoss.KEEP_WRITING
        && !writer.synchronousStandbyNames().isEmpty()) {
      StoreResult r = writerClient.setSynchronousStandbyNames("");
      report("keep-writing", r, "the writer goes on alone until the standby is back");
    }
  }

  private String consequence(Answered writer, @Nullable ZoneNodeClient writerClient) {
    if (writerClient == null) {
      return "reported only (the agent acts only on a primary writer node while it holds the"
          + " region's write authority)";
    }
    if (settings.standby() == StandbyMode.ASYNCHRONOUS
        || writer.synchronousStandbyNames().isEmpty()) {
      return "the writer goes on alone";
    }
    return settings.onStandbyLoss() == StandbyLoss.WAIT
        ? "commits wait until it is back (on_standby_loss: wait)"
        : "the writer goes on alone, asynchronous until it is back (on_standby_loss: keep-writing)";
  }

  /**
   * Rejoins the standby to {@code writerPeer} in the background when it answers as a primary, or as
   * a standby that has not streamed for {@code rejoinAfter}; after a failed rejoin, not again
   * before {@code rejoinAfter}.
   */
  void rejoinIfDue(
      Answered writer,
      NodeTrack standby,
      ZoneNode standbyNode,
      ZoneNodeClient standbyClient,
      Endpoint writerPeer,
      long now) {
    if (!(standby.last instanceof Answered s)) {
      streamingSeen = true; // the rejoin clock starts when it answers again
      return;
    }
    if (s.inRecovery() && (s.receiving() || writer.peerStreaming())) {
      streamingSeen = true;
      return;
    }
    if (streamingSeen) {
      streamingSeen = false;
      notStreamingSince = now;
    }
    long waited = now - notStreamingSince;
    boolean due = !s.inRecovery() || waited >= settings.rejoinAfter().toNanos();
    if (!due || rejoining.get() || (backingOff && now - rejoinNotBefore < 0)) {
      return;
    }
    String why =
        s.inRecovery()
            ? "it has not streamed for "
                + waited / 1_000_000
                + " ms (receiver "
                + s.receiverStatus()
                + ")"
            : "it is a primary";
    // a node that cannot be rejoined is tried every rejoinAfter: one line for the first try
    LOG.atLevel(backingOff ? org.slf4j.event.Level.DEBUG : org.slf4j.event.Level.WARN)
        .log(
            "{}: rejoining zone {}'s node as a standby of the writer node at {}: {}",
            id,
            standbyNode.zone(),
            writerPeer,
            why);
    rejoining.set(true);
    try {
      operations.execute(() -> rejoin(standbyClient, writerPeer));
    } catch (RejectedExecutionException e) {
      rejoining.set(false);
      throw e;
    }
  }

  private void rejoin(ZoneNodeClient client, Endpoint writerPeer) {
    StoreResult r;
    try {
      r = client.rejoin(writerPeer);
    } catch (RuntimeException e) {
      r = new StoreResult.Retry("rejoin failed: " + e);
    }
    rejoined.set(r);
    rejoining.set(false);
  }

  /** Takes the outcome of a rejoin that ended since the last tick. */
  void takeRejoinOutcome(long now) {
    StoreResult r = rejoined.getAndSet(null);
    if (r == null) {
      return;
    }
    streamingSeen = true;
    if (r.succeeded()) {
      LOG.info("{}: rejoined: {}", id, r.detail());
      rejoinProblem = null;
      backingOff = false;
      return;
    }
    rejoinProblem = r.detail();
    backingOff = true;
    rejoinNotBefore = now + settings.rejoinAfter().toNanos();
    once.log(
        "rejoin", r.detail(), id + ": alert: rejoin not done, tried again later: " + r.detail());
  }

  /**
   * Synchronous mode: when the standby streams from the writer node and answered its last probe,
   * the writer's {@code synchronous_standby_names} names it.
   */
  void keepSynchronousStandby(
      Answered writer, NodeTrack standby, ZoneNode standbyNode, ZoneNodeClient writerClient) {
    if (settings.standby() != StandbyMode.SYNCHRONOUS
        || !writer.peerStreaming()
        || !(standby.last instanceof Answered)
        || lostAlert != null) {
      return;
    }
    String wanted = "\"" + standbyNode.applicationName() + "\"";
    if (!wanted.equals(writer.synchronousStandbyNames())) {
      StoreResult r = writerClient.setSynchronousStandbyNames(wanted);
      report(
          "sync-upkeep",
          r,
          "commits wait for zone "
              + standbyNode.zone()
              + "'s standby again (was '"
              + writer.synchronousStandbyNames()
              + "')");
    }
  }

  private void report(String topic, StoreResult r, String meaning) {
    if (r.succeeded()) {
      LOG.info("{}: {}; {}", id, r.detail(), meaning);
    } else {
      once.log(
          topic, r.detail(), id + ": " + topic + " failed, tried again next tick: " + r.detail());
    }
  }
}
