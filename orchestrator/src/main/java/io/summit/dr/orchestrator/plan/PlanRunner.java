package io.summit.dr.orchestrator.plan;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.failsafe.Timeout;
import dev.failsafe.TimeoutExceededException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs plans one at a time. Each step's start and end are journaled in order (sent without waiting,
 * except that a promotion starts only once every entry before it and its own start are durable:
 * {@link JournalPipeline}); consecutive steps of one parallel group run at the same time; each
 * attempt has the step's timeout and a {@link StepResult.Retry} is retried up to the step's retries
 * (Failsafe). A step behind an approval gate waits for {@link #approve}. After a crash, {@link
 * #resume} finishes the plan the journal left open, skipping the steps it records as ended well.
 *
 * <p>A step that throws (a journal append that fails on a full disk, a bug) ends as {@link
 * StepResult.Fatal}; the plan then ends instead of hanging. A plan that ends before any promotion
 * started is rolled back ({@link Rollback}): the old writer is unfenced and writes are routed back
 * to it, each undo step journaled like any step, and the plan ends {@code rolled-back}.
 *
 * <p>Thread-safe. Plans run on their own virtual thread; listeners are called on it.
 */
public final class PlanRunner {
  private static final Logger LOG = LoggerFactory.getLogger(PlanRunner.class);
  private final Journal journal;
  private final StepExecutor executor;
  // Set for good by stop(): see there. The threads running steps now, to interrupt then.
  private volatile boolean stopped;
  private final java.util.Set<Thread> working = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final Clock clock;
  private final Consumer<PlanStatus> listener;
  private final Map<String, PlanProgress> plans = new LinkedHashMap<>();
  private final Map<String, CompletableFuture<String>> approvals = new HashMap<>();
  private final Map<String, JournalPipeline> pipes = new java.util.concurrent.ConcurrentHashMap<>();
  private final AtomicInteger sequence = new AtomicInteger();
  private @Nullable PlanProgress running;

  public PlanRunner(
      Journal journal, StepExecutor executor, Clock clock, Consumer<PlanStatus> listener) {
    this.journal = journal;
    this.executor = executor;
    this.clock = clock;
    this.listener = listener;
  }

  /** A fresh plan id: {@code kind-yyyymmddThhmmss-n}. */
  public String newId(PlanKind kind) {
    String stamp = clock.instant().toString().replaceAll("[-:]", "").replaceAll("\\..*", "");
    return kind.name().toLowerCase(java.util.Locale.ROOT)
        + "-"
        + stamp
        + "-"
        + sequence.incrementAndGet();
  }

  /**
   * Starts {@code plan}.
   *
   * @throws PlanRefusedException when another plan runs
   */
  public synchronized PlanStatus submit(Plan plan) {
    if (running != null && !running.isFinished()) {
      throw new PlanRefusedException(running.plan().id());
    }
    PlanProgress progress = new PlanProgress(plan, clock.instant());
    pipe(plan).send(JournalEntry.planStart(plan, clock.instant()));
    start(progress);
    return progress.snapshot();
  }

  /**
   * Finishes the plan the journal left open, if any: steps journaled as ended well are not run
   * again; a step journaled as started but not ended runs again, and, being idempotent, finds its
   * work done.
   */
  public Optional<PlanStatus> resume() {
    return resume(journal.read());
  }

  /** {@link #resume()} from {@code entries}, the whole journal as just read. */
  public synchronized Optional<PlanStatus> resume(List<JournalEntry> entries) {
    Map<String, Plan> started = new LinkedHashMap<>();
    Map<String, List<JournalEntry>> byPlan = new HashMap<>();
    for (JournalEntry e : entries) {
      byPlan.computeIfAbsent(e.plan(), k -> new ArrayList<>()).add(e);
      if (e.event().equals("plan-start") && e.kind() != null) {
        started.put(
            e.plan(),
            new Plan(
                e.plan(),
                e.kind(),
                Objects.requireNonNull(e.from()),
                Objects.requireNonNull(e.to()),
                Boolean.TRUE.equals(e.forced()),
                String.valueOf(e.requestedBy()),
                Objects.requireNonNull(e.steps()),
                e.at()));
      }
    }
    PlanProgress open = null;
    for (Plan p : started.values()) {
      List<JournalEntry> history = byPlan.getOrDefault(p.id(), List.of());
      PlanProgress progress = new PlanProgress(p, p.createdAt());
      Map<String, Instant> starts = new HashMap<>();
      boolean ended = false;
      for (JournalEntry e : history) {
        switch (e.event()) {
          case "step-start" -> {
            starts.put(String.valueOf(e.step()), e.at());
            progress.started(String.valueOf(e.step()), e.at());
          }
          case "step-end" -> {
            if ("applied".equals(e.outcome()) || "already-done".equals(e.outcome())) {
              progress.restored(
                  String.valueOf(e.step()),
                  starts.get(String.valueOf(e.step())),
                  e.at(),
                  "applied".equals(e.outcome())
                      ? new StepResult.Applied(String.valueOf(e.detail()))
                      : new StepResult.AlreadyDone(String.valueOf(e.detail())));
            }
          }
          case "plan-end" -> {
            ended = true;
            progress.finish(String.valueOf(e.outcome()), String.valueOf(e.detail()), e.at());
          }
          default -> {}
        }
      }
      plans.put(p.id(), progress);
      if (!ended) {
        open = progress;
      }
    }
    if (open == null) {
      return Optional.empty();
    }
    open.state("running", "resumed after an orchestrator restart");
    start(open);
    return Optional.of(open.snapshot());
  }

  /**
   * Stops every plan of this runner where it is, for good: each running step's thread is
   * interrupted (a command it runs is killed: {@code OsProcesses.run}), retries stop, no further
   * step starts, nothing is rolled back and no end is recorded. For a replica that lost the lead:
   * the leader that resumes the plan from the journal owns it now. Before, the deposed replica's
   * step went on: a failback's {@code pg_rewind} of us-west-2 kept running while two successive
   * leaders resumed the plan and ran the same rejoin again, and the third attempt's base backup
   * failed the plan.
   */
  public void stop() {
    stopped = true;
    working.forEach(Thread::interrupt);
  }

  /** Whether {@link #stop} was called (then a plan's thread gives up without ending the plan). */
  private boolean stoppedHere(Plan plan) {
    if (stopped) {
      LOG.warn("{}: stopped where it was (this replica no longer leads)", plan.id());
    }
    return stopped;
  }

  private void start(PlanProgress progress) {
    plans.put(progress.plan().id(), progress);
    running = progress;
    Thread.ofVirtual().name("plan-" + progress.plan().id()).start(() -> run(progress));
  }

  private void run(PlanProgress progress) {
    Plan plan = progress.plan();
    try {
      if (progress.wasRollingBack()) {
        end(progress, "resumed the rollback after an orchestrator restart");
        return;
      }
      List<List<StepSpec>> groups = groups(plan.steps());
      for (List<StepSpec> group : groups) {
        StepResult failed = runGroup(plan, progress, group);
        if (stoppedHere(plan)) {
          return;
        }
        if (failed != null) {
          end(progress, failed.detail());
          return;
        }
      }
      try {
        pipe(plan).barrier();
      } catch (JournalException e) {
        end(progress, "journal: " + e.getMessage());
        return;
      }
      finish(progress, "succeeded", plan.steps().size() + " steps");
    } catch (RuntimeException e) {
      LOG.error("{}: plan runner failed", plan.id(), e);
      end(progress, "plan runner: " + e);
    }
  }

  /** Ends a plan that did not succeed: rolled back when no promotion started, else failed. */
  private void end(PlanProgress progress, String why) {
    Plan plan = progress.plan();
    if (stoppedHere(plan)) {
      return;
    }
    List<StepSpec> undo = Rollback.of(progress);
    if (undo.isEmpty()) {
      finish(progress, "failed", why);
      return;
    }
    LOG.warn(
        "{}: stopped before promotion ({}); rolling back {} steps", plan.id(), why, undo.size());
    progress.rollingBack(undo);
    progress.state("rolling-back", why + "; rolling back");
    notify(progress);
    List<String> failures = new ArrayList<>();
    for (StepSpec step : undo) {
      if (stoppedHere(plan)) {
        return;
      }
      if (progress.isDone(step.id())) {
        continue;
      }
      StepResult r = runStep(plan, progress, step);
      if (!r.succeeded()) {
        failures.add(r.detail());
      }
    }
    if (failures.isEmpty()) {
      finish(
          progress,
          "rolled-back",
          why + "; rolled back: " + plan.from() + " is the writer again, its stores writable");
    } else {
      finish(progress, "failed", why + "; rollback incomplete: " + String.join("; ", failures));
    }
  }

  private void notify(PlanProgress progress) {
    try {
      listener.accept(progress.snapshot());
    } catch (RuntimeException e) {
      LOG.warn("{}: plan listener failed", progress.plan().id(), e);
    }
  }

  private JournalPipeline pipe(Plan plan) {
    return pipes.computeIfAbsent(plan.id(), k -> new JournalPipeline(journal));
  }

  private @Nullable StepResult runGroup(Plan plan, PlanProgress progress, List<StepSpec> group) {
    Optional<String> lost = pipe(plan).failure();
    if (lost.isPresent()) {
      return new StepResult.Fatal("journal: " + lost.get());
    }
    List<CompletableFuture<StepResult>> results = new ArrayList<>();
    for (StepSpec step : group) {
      if (progress.isDone(step.id())) {
        continue;
      }
      awaitApproval(plan, progress, step);
      CompletableFuture<StepResult> f = new CompletableFuture<>();
      Thread.ofVirtual()
          .name("step-" + step.id())
          .start(
              () -> {
                working.add(Thread.currentThread());
                try {
                  logContext(plan, step);
                  f.complete(
                      stopped
                          ? new StepResult.Fatal(step.id() + ": not started (stopped)")
                          : runStep(plan, progress, step));
                } finally {
                  working.remove(Thread.currentThread());
                  MDC.clear();
                  // An Error escaped runStep: the group must still end.
                  f.complete(new StepResult.Fatal(step.id() + ": step thread died"));
                }
              });
      results.add(f);
    }
    StepResult failed = null;
    for (CompletableFuture<StepResult> f : results) {
      StepResult r = f.join();
      if (!r.succeeded() && failed == null) {
        failed = r;
      }
    }
    return failed;
  }

  /**
   * Puts the plan, the step, its region and its store (when it has one) in this thread's MDC: every
   * line logged while the step runs carries them (fields of their own in the JSON logs).
   */
  private static void logContext(Plan plan, StepSpec step) {
    MDC.put("plan", plan.id());
    MDC.put("step", step.id());
    MDC.put("region", step.region());
    if (step.store() != null) {
      MDC.put("store", step.store());
    }
  }

  /**
   * Runs one step, journaled; whatever it throws ends it as {@link StepResult.Fatal}. Entries are
   * sent without waiting; a promotion acts only once everything before it and its own start are
   * durable (the executor waits for that after the gate: {@link StepExecutor#execute(Plan,
   * StepSpec, Runnable)}).
   */
  private StepResult runStep(Plan plan, PlanProgress progress, StepSpec step) {
    try {
      JournalPipeline pipe = pipe(plan);
      Instant start = clock.instant();
      JournalEntry started = JournalEntry.step(plan.id(), "step-start", start, step.id(), null);
      pipe.send(started);
      progress.started(step.id(), start);
      notify(progress);
      Runnable journaled = step.action() == Action.PROMOTE ? pipe::barrier : () -> {};
      StepResult result = attempt(plan, step, journaled);
      Instant end = clock.instant();
      pipe.send(JournalEntry.step(plan.id(), "step-end", end, step.id(), result));
      progress.ended(step.id(), end, result);
      notify(progress);
      return result;
    } catch (RuntimeException e) {
      LOG.error("{}: step {} threw", plan.id(), step.id(), e);
      StepResult fatal = new StepResult.Fatal(step.id() + ": " + e);
      progress.ended(step.id(), clock.instant(), fatal);
      notify(progress);
      return fatal;
    }
  }

  private StepResult attempt(Plan plan, StepSpec step, Runnable journaled) {
    RetryPolicy<StepResult> retry =
        RetryPolicy.<StepResult>builder()
            .handleResultIf(r -> r instanceof StepResult.Retry)
            .handle(RuntimeException.class)
            .withMaxRetries(step.retries())
            .abortIf((r, e) -> stopped)
            .withDelay(Duration.ofMillis(200))
            .build();
    Timeout<StepResult> timeout =
        Timeout.<StepResult>builder(step.timeout()).withInterrupt().build();
    try {
      return Failsafe.with(retry)
          .compose(timeout)
          .get(() -> executor.execute(plan, step, journaled));
    } catch (TimeoutExceededException e) {
      return new StepResult.Fatal(step.id() + ": timed out after " + step.timeout());
    } catch (FailsafeException e) {
      return new StepResult.Fatal(step.id() + ": " + (e.getCause() == null ? e : e.getCause()));
    } catch (RuntimeException e) {
      return new StepResult.Fatal(step.id() + ": " + e);
    }
  }

  private void awaitApproval(Plan plan, PlanProgress progress, StepSpec step) {
    if (!step.approval()) {
      return;
    }
    CompletableFuture<String> gate;
    synchronized (this) {
      gate = approvals.computeIfAbsent(plan.id(), k -> new CompletableFuture<>());
    }
    // A gated step that reaches its gate after the plan's approval (another of its parallel group
    // was approved) goes on without announcing a wait nobody has to act on.
    if (!gate.isDone()) {
      journal.append(
          JournalEntry.step(plan.id(), "approval-wait", clock.instant(), step.id(), null));
      progress.state(
          "waiting-approval",
          "waiting for: summit-dr approve " + plan.id() + " (before " + step.id() + ")");
      listener.accept(progress.snapshot());
    }
    try {
      String who = gate.get();
      journal.append(
          new JournalEntry(
              plan.id(),
              "approved",
              clock.instant(),
              step.id(),
              null,
              who,
              null,
              null,
              null,
              null,
              null,
              null));
      progress.state("running", "approved by " + who);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(plan.id() + ": interrupted while waiting for approval", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(plan.id() + ": approval failed", e);
    }
  }

  /**
   * Lets a plan waiting at an approval gate go on.
   *
   * @throws IllegalArgumentException when no such plan waits for approval
   */
  public synchronized PlanStatus approve(String planId, String who) {
    PlanProgress p = plans.get(planId);
    if (p == null) {
      throw new IllegalArgumentException(
          "plan: '" + planId + "' (expected: the id of a plan, see GET /v1/plans)");
    }
    if (!p.snapshot().state().equals("waiting-approval")) {
      throw new IllegalArgumentException(
          "plan: '"
              + planId
              + "' is "
              + p.snapshot().state()
              + " (expected: a plan waiting for approval)");
    }
    approvals.computeIfAbsent(planId, k -> new CompletableFuture<>()).complete(who);
    return p.snapshot();
  }

  private void finish(PlanProgress progress, String state, String detail) {
    try {
      pipe(progress.plan()).barrier(); // outside the lock: status readers must not wait on etcd
    } catch (JournalException e) {
      LOG.error("{}: journal entries before the plan's end not durable", progress.plan().id(), e);
    }
    finishJournaled(progress, state, detail);
  }

  private synchronized void finishJournaled(PlanProgress progress, String state, String detail) {
    String said = detail;
    try {
      journal.append(JournalEntry.planEnd(progress.plan().id(), clock.instant(), state, detail));
    } catch (RuntimeException e) {
      // The plan still ends here; a restart finds it open and resumes it (steps are idempotent).
      LOG.error("{}: plan end ({}) not journaled", progress.plan().id(), state, e);
      said = detail + "; plan end not journaled: " + e.getMessage();
    }
    progress.finish(state, said, clock.instant());
    approvals.remove(progress.plan().id());
    pipes.remove(progress.plan().id());
    notify(progress);
  }

  /** The steps as the runner runs them: batches of consecutive steps of one parallel group. */
  public static List<List<StepSpec>> groups(List<StepSpec> steps) {
    List<List<StepSpec>> out = new ArrayList<>();
    for (StepSpec s : steps) {
      List<StepSpec> last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && s.group() != null && s.group().equals(last.get(0).group())) {
        last.add(s);
      } else {
        List<StepSpec> group = new ArrayList<>();
        group.add(s);
        out.add(group);
      }
    }
    return out;
  }

  public synchronized List<PlanStatus> plans() {
    return plans.values().stream().map(PlanProgress::snapshot).toList();
  }

  public synchronized Optional<PlanStatus> plan(String id) {
    return Optional.ofNullable(plans.get(id)).map(PlanProgress::snapshot);
  }

  public synchronized Optional<PlanStatus> running() {
    return running == null || running.isFinished()
        ? Optional.empty()
        : Optional.of(running.snapshot());
  }

  public synchronized Optional<PlanStatus> last() {
    return running == null ? Optional.empty() : Optional.of(running.snapshot());
  }
}
