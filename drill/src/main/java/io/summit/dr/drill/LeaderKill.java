package io.summit.dr.drill;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.summit.dr.lab.Fault;
import io.summit.dr.lab.Lab;
import io.summit.dr.orchestrator.plan.JournalEntry;
import io.summit.dr.replication.Endpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Kills the orchestrator leader (SIGKILL, through the lab) the moment the failover plan's journal
 * in etcd says a given step started, and counts what every replica journaled for that plan: how
 * often each step started and how it ended. It watches the journal's keys on the etcd members
 * outside the region the drill kills, like any etcd client, so the kill lands within a watch
 * notification (a few ms) of the step's start, while the step runs or just after.
 *
 * <p>What the counts show: the plan finished after the kill (a {@code plan-end succeeded} from the
 * next leader); no finished step started again; every promotion was applied at most once (a step
 * the killed leader had started is run again by the next one, and finds it {@code already-done}).
 */
public final class LeaderKill implements AutoCloseable {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /**
   * How one step went across every leader: starts, and ends by outcome.
   *
   * @param ends outcome ({@code applied}, {@code already-done}, {@code retry}, ...) to count
   */
  public record StepCount(int starts, Map<String, Integer> ends) {
    public int ended(String outcome) {
      return ends.getOrDefault(outcome, 0);
    }
  }

  /**
   * What happened.
   *
   * @param step the step at whose start the leader was killed
   * @param killed the replica killed, or null when the step never started
   * @param killedAfterStepStartMs from the step's journaled start to the SIGKILL
   * @param killedAt when the SIGKILL was sent
   * @param planEnd the plan's journaled end outcome, or null when none was seen
   * @param steps each step's count, in the order they first started
   * @param problems what breaks the contract: a finished step started again, a promotion applied
   *     twice, no end
   */
  public record Result(
      String step,
      @Nullable String killed,
      @Nullable Double killedAfterStepStartMs,
      @Nullable Instant killedAt,
      @Nullable String planEnd,
      Map<String, StepCount> steps,
      List<String> problems) {}

  private final String step;
  private final String leader;
  private final Function<String, Fault> killer;
  private @Nullable Client client;
  private Watch.@Nullable Watcher watcher;
  private final AtomicBoolean fired = new AtomicBoolean();
  private final Object lock = new Object();
  // Every entry since arming, by journal number: entries are sent without waiting, so etcd can
  // commit (and the watch deliver) a step's end before its start, or a step before its plan.
  private final java.util.TreeMap<Long, JournalEntry> entries = new java.util.TreeMap<>();
  private volatile @Nullable Fault kill;
  private volatile @Nullable Instant stepStartedAt;
  private volatile @Nullable String killFailed;

  /**
   * Counts journal entries given to {@link #onEntry} and kills {@code leader} through {@code
   * killer} when {@code step} starts.
   */
  LeaderKill(String step, String leader, Function<String, Fault> killer) {
    this.step = step;
    this.leader = leader;
    this.killer = killer;
  }

  /**
   * Arms the kill: finds the leader now, and watches the journal from now on.
   *
   * @param etcd client endpoints of etcd members that outlive the fault
   * @param deployment the topology's name (the journal is under {@code /summit-dr/<name>/journal/})
   */
  static LeaderKill arm(Lab lab, String step, List<Endpoint> etcd, String deployment) {
    String leader =
        lab.orchestratorLeader()
            .orElseThrow(
                () -> new DrillException("--kill-leader-at: no orchestrator replica leads"))
            .name();
    LeaderKill k = new LeaderKill(step, leader, lab::killComponent);
    k.client =
        Client.builder()
            .endpoints(etcd.stream().map(e -> "http://" + e).toArray(String[]::new))
            .build();
    ByteSequence prefix =
        ByteSequence.from("/summit-dr/" + deployment + "/journal/", StandardCharsets.UTF_8);
    k.watcher =
        k.client
            .getWatchClient()
            .watch(
                prefix,
                WatchOption.builder().isPrefix(true).build(),
                response -> response.getEvents().forEach(k::onEvent));
    return k;
  }

  private void onEvent(WatchEvent e) {
    if (e.getEventType() != WatchEvent.EventType.PUT) {
      return;
    }
    JournalEntry entry;
    try {
      entry =
          JSON.readValue(
              e.getKeyValue().getValue().toString(StandardCharsets.UTF_8), JournalEntry.class);
    } catch (IOException | RuntimeException ex) {
      return; // the orchestrator refuses a damaged entry itself; nothing to count here
    }
    String key = e.getKeyValue().getKey().toString(StandardCharsets.UTF_8);
    try {
      onEntry(Long.parseLong(key.substring(key.lastIndexOf('/') + 1)), entry);
    } catch (NumberFormatException ex) {
      // not a journal entry number: not ours to count
    }
  }

  /** Records journal entry {@code n}; kills the leader at the first start of the step. */
  void onEntry(long n, JournalEntry entry) {
    boolean killNow = false;
    synchronized (lock) {
      entries.put(n, entry);
      if (entry.event().equals("step-start")
          && step.equals(entry.step())
          && fired.compareAndSet(false, true)) {
        stepStartedAt = entry.at();
        killNow = true;
      }
    }
    if (killNow) {
      // off the watch's thread: the kill waits for the process to exit
      Thread.ofPlatform().name("leader-kill").start(this::killLeader);
    }
  }

  /** The first plan started since arming, if its start was seen. */
  private @Nullable String plan() {
    return entries.values().stream()
        .filter(x -> x.event().equals("plan-start"))
        .map(JournalEntry::plan)
        .findFirst()
        .orElse(null);
  }

  private @Nullable String planEnd(@Nullable String plan) {
    return entries.values().stream()
        .filter(x -> x.event().equals("plan-end") && x.plan().equals(plan))
        .map(JournalEntry::outcome)
        .findFirst()
        .orElse(null);
  }

  private static boolean succeeded(Map<String, Integer> ended) {
    return ended.containsKey("applied") || ended.containsKey("already-done");
  }

  private void killLeader() {
    try {
      kill = killer.apply(leader);
    } catch (RuntimeException e) {
      killFailed = leader + ": " + e.getMessage();
    }
  }

  /** Whether the plan's end was journaled. */
  boolean planEnded() {
    synchronized (lock) {
      return planEnd(plan()) != null;
    }
  }

  /** What happened so far (call it once the plan has ended). */
  Result result() {
    synchronized (lock) {
      String plan = plan();
      String planEnd = planEnd(plan);
      Map<String, Integer> starts = new LinkedHashMap<>();
      Map<String, Map<String, Integer>> ends = new LinkedHashMap<>();
      List<String> restarted = new ArrayList<>();
      for (JournalEntry x : entries.values()) {
        if (!x.plan().equals(plan) || x.step() == null) {
          continue;
        }
        String s = x.step();
        if (x.event().equals("step-start")) {
          if (ends.containsKey(s) && succeeded(ends.get(s))) {
            restarted.add(s);
          }
          starts.merge(s, 1, Integer::sum);
        } else if (x.event().equals("step-end")) {
          ends.computeIfAbsent(s, k -> new LinkedHashMap<>())
              .merge(String.valueOf(x.outcome()), 1, Integer::sum);
        }
      }
      Map<String, StepCount> steps = new LinkedHashMap<>();
      starts.forEach(
          (s, n) -> steps.put(s, new StepCount(n, Map.copyOf(ends.getOrDefault(s, Map.of())))));
      List<String> problems = new ArrayList<>();
      Fault k = kill;
      Instant started = stepStartedAt;
      if (killFailed != null) {
        problems.add("the kill failed: " + killFailed);
      } else if (!fired.get()) {
        problems.add("step " + step + " never started: the leader was not killed");
      }
      restarted.forEach(s -> problems.add("step " + s + " started again after it had ended"));
      steps.forEach(
          (s, c) -> {
            if (s.startsWith("promote/") && c.ended("applied") > 1) {
              problems.add(s + " applied " + c.ended("applied") + " times");
            }
          });
      if (plan == null) {
        problems.add("no plan start journaled since the drill armed the kill");
      } else if (planEnd == null) {
        problems.add("no plan end journaled");
      }
      return new Result(
          step,
          k == null ? null : leader,
          k == null || started == null
              ? null
              : Duration.between(started, k.tookEffect()).toNanos() / 1e6,
          k == null ? null : k.tookEffect(),
          planEnd,
          steps,
          problems);
    }
  }

  @Override
  public void close() {
    if (watcher != null) {
      watcher.close();
    }
    if (client != null) {
      client.close();
    }
  }
}
