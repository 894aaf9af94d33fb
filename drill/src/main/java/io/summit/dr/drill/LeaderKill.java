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
  private @Nullable String plan;
  private final Map<String, Integer> starts = new LinkedHashMap<>();
  private final Map<String, Map<String, Integer>> ends = new LinkedHashMap<>();
  private final List<String> restarted = new ArrayList<>();
  private @Nullable String planEnd;
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
    onEntry(entry);
  }

  /** Counts one journal entry (of the first plan started since arming); kills at the step. */
  void onEntry(JournalEntry entry) {
    boolean killNow = false;
    synchronized (lock) {
      if (plan == null && entry.event().equals("plan-start")) {
        plan = entry.plan();
      }
      if (!entry.plan().equals(plan)) {
        return;
      }
      String s = entry.step();
      switch (entry.event()) {
        case "step-start" -> {
          if (s != null && ends.containsKey(s) && succeeded(ends.get(s))) {
            restarted.add(s);
          }
          starts.merge(String.valueOf(s), 1, Integer::sum);
          if (step.equals(s) && fired.compareAndSet(false, true)) {
            stepStartedAt = entry.at();
            killNow = true;
          }
        }
        case "step-end" ->
            ends.computeIfAbsent(String.valueOf(s), k -> new LinkedHashMap<>())
                .merge(String.valueOf(entry.outcome()), 1, Integer::sum);
        case "plan-end" -> planEnd = entry.outcome();
        default -> {
          // approvals: nothing to count
        }
      }
    }
    if (killNow) {
      // off the watch's thread: the kill waits for the process to exit
      Thread.ofPlatform().name("leader-kill").start(this::killLeader);
    }
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
      return planEnd != null;
    }
  }

  /** What happened so far (call it once the plan has ended). */
  Result result() {
    synchronized (lock) {
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
      if (planEnd == null) {
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
