package io.summit.dr.orchestrator.plan;

import io.summit.dr.replication.StoreResult;

/**
 * The outcome of one attempt of a plan step. {@link AlreadyDone} means the step's target state held
 * before it acted, which is how a resumed or retried step avoids acting twice.
 */
public sealed interface StepResult {
  String detail();

  record Applied(String detail) implements StepResult {}

  record AlreadyDone(String detail) implements StepResult {}

  /** Not done yet; the runner tries again while the step has retries left. */
  record Retry(String detail) implements StepResult {}

  /** Cannot succeed; the plan stops here. */
  record Fatal(String detail) implements StepResult {}

  default boolean succeeded() {
    return this instanceof Applied || this instanceof AlreadyDone;
  }

  default String outcome() {
    return switch (this) {
      case Applied a -> "applied";
      case AlreadyDone a -> "already-done";
      case Retry r -> "retry";
      case Fatal f -> "fatal";
    };
  }

  static StepResult of(StoreResult r) {
    return switch (r) {
      case StoreResult.Applied a -> new Applied(a.detail());
      case StoreResult.AlreadyDone a -> new AlreadyDone(a.detail());
      case StoreResult.Retry a -> new Retry(a.detail());
      case StoreResult.Fatal a -> new Fatal(a.detail());
    };
  }
}
