package io.summit.dr.cloud.aws;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Makes each AWS call of a step: logs it as the dry run prints it, hands it to a listener (the
 * tests compare a run with the runbook), and retries throttling ({@code Throttling}, {@code
 * RequestLimitExceeded}, HTTP 429), server errors (HTTP 5xx) and failures to reach the endpoint
 * with exponential backoff, within a number of attempts and a deadline per call. Other errors (a
 * documented error such as {@code InvalidDBInstanceState}) are not retried here: the adapter turns
 * them into a step result. The SDK's own retries are off ({@link AwsClients}), so this is the one
 * retry policy. Thread-safe.
 *
 * @param attempts tries per call, at least 1
 * @param backoff the first wait between tries (doubling, at most 20 times that)
 * @param deadline the longest one call may take, its retries included
 */
public record CallRunner(
    int attempts, Duration backoff, Duration deadline, Consumer<AwsCall> listener) {
  private static final Logger LOG = LoggerFactory.getLogger(CallRunner.class);

  public CallRunner {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts: " + attempts + " (expected: >= 1)");
    }
    if (backoff.isNegative() || backoff.isZero()) {
      throw new IllegalArgumentException("backoff: " + backoff + " (expected: > 0)");
    }
    if (deadline.compareTo(backoff) <= 0) {
      throw new IllegalArgumentException(
          "deadline: " + deadline + " (expected: longer than backoff " + backoff + ")");
    }
  }

  /** 5 attempts from 200 ms, 20 s per call. */
  public static CallRunner defaults() {
    return new CallRunner(5, Duration.ofMillis(200), Duration.ofSeconds(20), c -> {});
  }

  /** Whether an error is worth another try: throttling, a server error, or no answer. */
  static boolean transient_(Throwable e) {
    if (e instanceof AwsServiceException a) {
      return a.isThrottlingException() || a.statusCode() >= 500;
    }
    return e instanceof SdkClientException;
  }

  /**
   * An error as a step detail: the API's error code and message, e.g. {@code Throttling: Rate
   * exceeded}.
   */
  public static String describe(RuntimeException e) {
    if (e instanceof AwsServiceException a && a.awsErrorDetails() != null) {
      return a.awsErrorDetails().errorCode()
          + ": "
          + a.awsErrorDetails().errorMessage()
          + " (HTTP "
          + a.statusCode()
          + ")";
    }
    return String.valueOf(e.getMessage());
  }

  /**
   * Makes {@code call} with {@code request}.
   *
   * @throws SdkException the last error when it is not transient or the tries are spent
   */
  public <T> T run(AwsCall call, Supplier<T> request) {
    LOG.info("{}", call.line());
    listener.accept(call);
    RetryPolicy<T> retry =
        RetryPolicy.<T>builder()
            .handleIf(CallRunner::transient_)
            .withMaxAttempts(attempts)
            .withBackoff(backoff, backoff.multipliedBy(20))
            .withMaxDuration(deadline)
            .onRetry(
                e ->
                    LOG.warn(
                        "{} {}: attempt {} failed, retrying: {}",
                        call.service(),
                        call.action(),
                        e.getAttemptCount(),
                        e.getLastException() == null ? "?" : e.getLastException().getMessage()))
            .build();
    try {
      return Failsafe.with(retry).get(request::get);
    } catch (FailsafeException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SdkException s) {
        throw s;
      }
      throw SdkClientException.create(call.line() + ": " + e.getMessage(), e);
    }
  }
}
