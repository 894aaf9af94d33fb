package io.summit.dr.agent;

import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * Runs what is handed to {@link #execute} at once on the caller's thread, so a test sees etcd
 * answers in order.
 */
final class InlineScheduler extends ScheduledThreadPoolExecutor {
  InlineScheduler() {
    super(1);
  }

  @Override
  public void execute(Runnable command) {
    command.run();
  }
}
