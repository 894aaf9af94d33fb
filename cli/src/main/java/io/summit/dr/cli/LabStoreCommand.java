package io.summit.dr.cli;

import io.summit.dr.lab.Lab;
import io.summit.dr.lab.LabComponent;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreAdapter;
import io.summit.dr.replication.StoreObservation;
import io.summit.dr.replication.StoreResult;
import io.summit.dr.topology.StoreKind;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code summit-dr lab store ACTION COMPONENT}: runs one store adapter operation by hand and says
 * what it did and how long it took. The orchestrator runs the same operations in its plans.
 */
@Command(
    name = "store",
    mixinStandardHelpOptions = true,
    description = {
      "Run one store operation on a lab component and time it:",
      "  observe   role, lag and position",
      "  fence     stop an old primary accepting writes (reads keep working)",
      "  promote   make a replica (or a fenced primary) the writer",
      "  rejoin    make an old primary a replica of the store in --to REGION (pg_rewind / REPLICAOF)"
    })
final class LabStoreCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin LabCommand.DirOption dir = new LabCommand.DirOption();
  @CommandLine.Mixin JsonOption json = new JsonOption();

  enum Action {
    observe,
    fence,
    promote,
    rejoin
  }

  @Parameters(
      index = "0",
      paramLabel = "ACTION",
      description = "observe, fence, promote or rejoin.")
  Action action = Action.observe;

  @Parameters(
      index = "1",
      paramLabel = "COMPONENT",
      description = "A store component, e.g. postgres-us-east-1.")
  String component = "";

  @Option(
      names = "--to",
      paramLabel = "REGION",
      description = "With rejoin: the region of the new primary.")
  @Nullable String to;

  @Override
  public Integer call() {
    Lab lab = dir.lab();
    PrintWriter out = spec.commandLine().getOut();
    try (StoreAdapter adapter = lab.adapter(component)) {
      long t0 = System.nanoTime();
      if (action == Action.observe) {
        StoreObservation o = adapter.observe();
        double millis = (System.nanoTime() - t0) / 1e6;
        if (json.enabled) {
          JsonOption.print(spec, Observed.of(component, o, millis));
          return o.reachable() ? 0 : 1;
        }
        out.printf(
            Locale.ROOT,
            "%s: %s, role %s, lag %s B / %s s, position %s%s (%.0f ms)%n",
            component,
            o.reachable() ? "reachable" : "unreachable",
            o.role().name().toLowerCase(Locale.ROOT),
            o.lagBytes(),
            o.lagSeconds(),
            o.position(),
            o.detail() == null ? "" : ", " + o.detail(),
            millis);
        return o.reachable() ? 0 : 1;
      }
      StoreResult result =
          switch (action) {
            case fence -> adapter.fence();
            case promote -> adapter.promote();
            default -> adapter.rejoin(rejoinTarget(lab));
          };
      double millis = (System.nanoTime() - t0) / 1e6;
      if (json.enabled) {
        JsonOption.print(spec, Acted.of(component, action, result, millis));
        return result.succeeded() ? 0 : 1;
      }
      out.printf(
          Locale.ROOT,
          "%s %s: %s: %s (%.0f ms)%n",
          component,
          action,
          result.getClass().getSimpleName(),
          result.detail(),
          millis);
      return result.succeeded() ? 0 : 1;
    }
  }

  /**
   * What {@code lab store observe --json} prints: the component, what it showed (role in lower
   * case, lag in bytes and seconds, position, detail; null when not known) and how long the look
   * took.
   */
  record Observed(
      String component,
      String action,
      boolean reachable,
      String role,
      @Nullable Long lagBytes,
      @Nullable Double lagSeconds,
      @Nullable String position,
      @Nullable String detail,
      double millis) {
    static Observed of(String component, StoreObservation o, double millis) {
      return new Observed(
          component,
          Action.observe.name(),
          o.reachable(),
          o.role().name().toLowerCase(Locale.ROOT),
          o.lagBytes(),
          o.lagSeconds(),
          o.position(),
          o.detail(),
          Math.round(millis * 10) / 10.0);
    }
  }

  /**
   * What {@code lab store fence|promote|rejoin --json} prints: the component, the action, its
   * result ({@code Applied}, {@code AlreadyDone}, {@code Retry} or {@code Fatal}), whether that is
   * a success, the adapter's detail and how long it took.
   */
  record Acted(
      String component,
      String action,
      String result,
      boolean succeeded,
      String detail,
      double millis) {
    static Acted of(String component, Action action, StoreResult r, double millis) {
      return new Acted(
          component,
          action.name(),
          r.getClass().getSimpleName(),
          r.succeeded(),
          r.detail(),
          Math.round(millis * 10) / 10.0);
    }
  }

  private Endpoint rejoinTarget(Lab lab) {
    if (to == null) {
      throw new IllegalArgumentException(
          "--to: missing (expected: the region of the new primary, with rejoin)");
    }
    LabComponent c =
        lab.requireState().components().stream()
            .filter(x -> x.name().equals(component))
            .findFirst()
            .orElseThrow();
    if (to.equals(c.region())) {
      throw new IllegalArgumentException(
          "--to: '" + to + "' is the component's own region (expected: the new primary's region)");
    }
    lab.layout().index(to);
    return lab.layout().wan(c.region(), to, StoreKind.valueOf(c.kind().toUpperCase(Locale.ROOT)));
  }
}
