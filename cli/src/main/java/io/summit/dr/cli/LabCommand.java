package io.summit.dr.cli;

import io.summit.dr.lab.ComponentStatus;
import io.summit.dr.lab.Lab;
import io.summit.dr.lab.LabAccess;
import io.summit.dr.lab.LabComponent;
import io.summit.dr.lab.process.OsProcesses;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code summit-dr lab ...}: the local two-region lab. */
@Command(
    name = "lab",
    mixinStandardHelpOptions = true,
    description =
        "Run a two-region lab on this machine: real PostgreSQL, Redis and etcd servers, WAN links"
            + " between its locations (us-west-2, us-east-1, witness, edge), faults.",
    subcommands = {
      LabCommand.Up.class,
      LabCommand.Status.class,
      LabCommand.Down.class,
      LabFaultCommand.class,
      LabStoreCommand.class,
      LabMeasureLagCommand.class,
      LabSnapshotCommand.class,
      LabPagesCommand.class,
      LabRotateTokenCommand.class
    })
final class LabCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The options every lab command takes. */
  static final class DirOption {
    @Option(
        names = "--dir",
        paramLabel = "DIR",
        defaultValue = ".lab",
        description = "The lab directory (default: ${DEFAULT-VALUE}).")
    Path dir = Path.of(".lab");

    Lab lab() {
      return Lab.at(dir);
    }
  }

  @Command(
      name = "up",
      mixinStandardHelpOptions = true,
      description = "Start the lab (harmless when it is already up).")
  static final class Up implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin DirOption dir = new DirOption();

    @Option(
        names = "--config",
        paramLabel = "FILE",
        defaultValue = "examples/lab.yaml",
        description = "The topology (default: ${DEFAULT-VALUE}).")
    Path config = Path.of("examples/lab.yaml");

    @Option(
        names = "--prometheus",
        description =
            "Also start Prometheus (Debian's package) scraping every component, at the edge"
                + " port +60, with the rules of deploy/prometheus/rules.yml when found.")
    boolean prometheus;

    @CommandLine.Mixin JsonOption json = new JsonOption();

    @Override
    public Integer call() {
      Lab lab = dir.lab();
      Consumer<String> progress = progress(json.progress(spec));
      long start = System.nanoTime();
      boolean started = lab.up(config, progress);
      if (prometheus
          && lab.requireState().components().stream()
              .noneMatch(c -> c.kind().equals("prometheus"))) {
        Path rules = Path.of("deploy/prometheus/rules.yml");
        io.summit.dr.lab.LabPrometheus.start(lab, Files.exists(rules) ? rules : null, progress);
      }
      List<ComponentStatus> status = lab.status();
      if (json.enabled) {
        double seconds = (System.nanoTime() - start) / 1e9;
        JsonOption.print(spec, Report.of(lab, config, started, seconds, status));
        return 0;
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println();
      printStatus(out, status);
      return 0;
    }

    /**
     * What {@code lab up --json} prints: the lab directory, the topology, whether this command
     * started the lab (false: it was up already), the seconds it took, every component as {@code
     * lab status} shows it, and where the lab's credentials are (paths only; null for a lab without
     * them).
     */
    record Report(
        Path dir,
        Path config,
        boolean started,
        double seconds,
        List<ComponentStatus> components,
        @Nullable Access access) {
      static Report of(
          Lab lab, Path config, boolean started, double seconds, List<ComponentStatus> status) {
        return new Report(
            lab.dir(),
            config,
            started,
            Math.round(seconds * 1000) / 1000.0,
            status,
            Access.of(lab.dir()));
      }
    }

    /** The lab's access list and the token file of each caller that has one. */
    record Access(Path directory, Path accessList, Map<String, Path> tokenFiles) {
      private static final List<String> CALLERS =
          List.of(
              LabAccess.ADMIN,
              LabAccess.OPERATOR,
              LabAccess.VIEWER,
              LabAccess.ORCHESTRATOR,
              LabAccess.DRILL,
              LabAccess.CLUSTER,
              LabAccess.SERVICE,
              LabAccess.PROMETHEUS);

      static @Nullable Access of(Path labDir) {
        Path list = LabAccess.accessList(labDir);
        if (list == null) {
          return null;
        }
        Map<String, Path> tokens = new LinkedHashMap<>();
        for (String caller : CALLERS) {
          Path file = LabAccess.tokenFile(labDir, caller);
          if (file != null && Files.exists(file)) {
            tokens.put(caller, file);
          }
        }
        return new Access(LabAccess.directory(labDir), list, tokens);
      }
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "Show every component: role, pid, port, health, replication lag.")
  static final class Status implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin DirOption dir = new DirOption();

    @CommandLine.Mixin JsonOption json = new JsonOption();

    @Override
    public Integer call() {
      List<ComponentStatus> status = dir.lab().status();
      if (json.enabled) {
        JsonOption.print(spec, Map.of("components", status));
      } else {
        printStatus(spec.commandLine().getOut(), status);
      }
      return status.stream().allMatch(ComponentStatus::healthy) ? 0 : 1;
    }
  }

  @Command(
      name = "down",
      mixinStandardHelpOptions = true,
      description = "Stop every process the lab started, from any shell.")
  static final class Down implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin DirOption dir = new DirOption();

    @Option(names = "--purge", description = "Also delete the lab directory and its data.")
    boolean purge;

    @CommandLine.Mixin JsonOption json = new JsonOption();

    @Override
    public Integer call() {
      Lab lab = dir.lab();
      // What down is about to stop, seen before it does (requireState reads PostgreSQL's pids).
      List<Stopped> recorded =
          lab.state().isEmpty()
              ? List.of()
              : lab.requireState().components().stream().map(Stopped::of).toList();
      lab.down(purge, progress(json.progress(spec)));
      if (json.enabled) {
        JsonOption.print(
            spec,
            new Report(
                lab.dir(), recorded, purge ? List.of(lab.dir(), lab.postgresDir()) : List.of()));
      }
      return 0;
    }

    /**
     * What {@code lab down --json} prints: the lab directory, each component it recorded (empty
     * when none was) and whether it was running when stopped, and the directories removed ({@code
     * --purge}).
     */
    record Report(Path dir, List<Stopped> components, List<Path> removed) {}

    /** A recorded component: name, kind, location, pid, and whether it was running. */
    record Stopped(String name, String kind, String region, long pid, boolean wasRunning) {
      static Stopped of(LabComponent c) {
        return new Stopped(c.name(), c.kind(), c.region(), c.pid(), OsProcesses.isAlive(c.pid()));
      }
    }
  }

  /** Progress lines to {@code out}, each flushed as it comes. */
  static Consumer<String> progress(PrintWriter out) {
    return line -> {
      out.println(line);
      out.flush();
    };
  }

  static void printStatus(PrintWriter out, List<ComponentStatus> status) {
    Table t = new Table("component", "kind", "region", "role", "pid", "address", "healthy", "lag");
    for (ComponentStatus s : status) {
      t.row(
          s.name(),
          s.kind(),
          s.region(),
          s.role(),
          Long.toString(s.pid()),
          s.host() + ":" + s.port(),
          s.healthy() ? "yes" : "NO",
          lag(s));
    }
    t.print(out);
  }

  private static String lag(ComponentStatus s) {
    if (s.lagBytes() == null && s.lagSeconds() == null) {
      return "-";
    }
    String bytes = s.lagBytes() == null ? "?" : s.lagBytes() + " B";
    String seconds =
        s.lagSeconds() == null ? "?" : String.format(Locale.ROOT, "%.3f s", s.lagSeconds());
    return bytes + " / " + seconds;
  }
}
