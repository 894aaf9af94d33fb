package io.summit.dr.drill;

import io.summit.dr.drill.check.HistoryChecks;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One drill run: what was done, what was measured, and where the report is.
 *
 * @param writerBefore the writer region at T0
 * @param writerAfter the writer region once the drill ended
 * @param plan the plan that ran because of the fault (null when none did, as in a partition)
 * @param steps the plan's steps, in seconds from T0
 * @param events the orchestrator's events from the warm-up on, in seconds from T0
 * @param failures the canary's failed requests, grouped by kind and error
 * @param audited whether every store of the writer region could be read back (when not, the loss is
 *     unknown and the notes say why)
 * @param notes what a reader should know about this run (a missed target, a slow recovery)
 * @param checks the history checkers' results (the history is written beside the report)
 * @param residency the data residency figures; null when the topology has no data classes
 * @param zones the canary's requests by the zone of the instance that answered; null when no answer
 *     named a zone
 */
public record DrillResult(
    Scenario scenario,
    int run,
    Instant t0,
    Settings settings,
    String writerBefore,
    String writerAfter,
    @Nullable PlanSummary plan,
    DrillMetrics metrics,
    List<Step> steps,
    List<Event> events,
    Timeline timeline,
    List<Failure> failures,
    List<String> notes,
    boolean audited,
    Path reportJson,
    Path reportHtml,
    HistoryChecks checks,
    LeaderKill.@Nullable Result leaderKill,
    @Nullable ResidencyFigures residency,
    @Nullable ZoneFigures zones) {

  /** Without zones named by the answers. */
  public DrillResult(
      Scenario scenario,
      int run,
      Instant t0,
      Settings settings,
      String writerBefore,
      String writerAfter,
      @Nullable PlanSummary plan,
      DrillMetrics metrics,
      List<Step> steps,
      List<Event> events,
      Timeline timeline,
      List<Failure> failures,
      List<String> notes,
      boolean audited,
      Path reportJson,
      Path reportHtml,
      HistoryChecks checks,
      LeaderKill.@Nullable Result leaderKill,
      @Nullable ResidencyFigures residency) {
    this(
        scenario,
        run,
        t0,
        settings,
        writerBefore,
        writerAfter,
        plan,
        metrics,
        steps,
        events,
        timeline,
        failures,
        notes,
        audited,
        reportJson,
        reportHtml,
        checks,
        leaderKill,
        residency,
        null);
  }

  /** Without data classes in the topology. */
  public DrillResult(
      Scenario scenario,
      int run,
      Instant t0,
      Settings settings,
      String writerBefore,
      String writerAfter,
      @Nullable PlanSummary plan,
      DrillMetrics metrics,
      List<Step> steps,
      List<Event> events,
      Timeline timeline,
      List<Failure> failures,
      List<String> notes,
      boolean audited,
      Path reportJson,
      Path reportHtml,
      HistoryChecks checks,
      LeaderKill.@Nullable Result leaderKill) {
    this(
        scenario,
        run,
        t0,
        settings,
        writerBefore,
        writerAfter,
        plan,
        metrics,
        steps,
        events,
        timeline,
        failures,
        notes,
        audited,
        reportJson,
        reportHtml,
        checks,
        leaderKill,
        null,
        null);
  }

  /**
   * The canary's settings for this run.
   *
   * @param warmupS how long the canary ran before T0
   * @param warmupSteady whether write latency was steady at the end of the warm-up
   * @param warmupWriteP99Ms the write p99 of the warm-up's last seconds
   */
  public record Settings(
      double writesPerSecond,
      double readsPerSecond,
      double windowS,
      double warmupS,
      boolean warmupSteady,
      List<Double> warmupWriteP99Ms,
      String entryPoint,
      String lab) {
    public Settings {
      warmupWriteP99Ms = List.copyOf(warmupWriteP99Ms);
    }
  }

  /** The plan the fault caused. */
  public record PlanSummary(
      String id, String kind, String state, boolean forced, @Nullable String detail) {}

  /** One plan step, in seconds from T0. */
  public record Step(
      String name,
      String action,
      String region,
      @Nullable Double startS,
      @Nullable Double endS,
      @Nullable String outcome,
      @Nullable String detail) {}

  /** Failed canary requests of one kind with one error, in seconds from T0. */
  public record Failure(String kind, String error, long count, double firstS, double lastS) {}

  /** One orchestrator event, in seconds from T0. */
  public record Event(double atS, String type, String detail) {}
}
