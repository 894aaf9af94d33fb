package io.summit.dr.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.lab.ComponentStatus;
import io.summit.dr.lab.Lab;
import io.summit.dr.lab.LabComponent;
import io.summit.dr.topology.Durations;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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
      LabCommand.Fault.class,
      LabStoreCommand.class,
      LabCommand.MeasureLag.class,
      LabSnapshotCommand.class
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

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      Lab lab = dir.lab();
      java.util.function.Consumer<String> progress =
          line -> {
            out.println(line);
            out.flush();
          };
      lab.up(config, progress);
      if (prometheus
          && lab.requireState().components().stream()
              .noneMatch(c -> c.kind().equals("prometheus"))) {
        Path rules = Path.of("deploy/prometheus/rules.yml");
        io.summit.dr.lab.LabPrometheus.start(lab, Files.exists(rules) ? rules : null, progress);
      }
      out.println();
      printStatus(out, lab.status());
      return 0;
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "Show every component: role, pid, port, health, replication lag.")
  static final class Status implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin DirOption dir = new DirOption();

    @Option(names = "--json", description = "Print {\"components\": [...]} as JSON.")
    boolean json;

    @Override
    public Integer call() throws JsonProcessingException {
      List<ComponentStatus> status = dir.lab().status();
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(
            new ObjectMapper()
                .writerWithDefaultPrettyPrinter()
                .writeValueAsString(Map.of("components", status)));
      } else {
        printStatus(out, status);
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

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      dir.lab()
          .down(
              purge,
              line -> {
                out.println(line);
                out.flush();
              });
      return 0;
    }
  }

  @Command(
      name = "fault",
      mixinStandardHelpOptions = true,
      description = "Inject a fault into the running lab.",
      subcommands = {
        Fault.KillRegion.class,
        Fault.Partition.class,
        Fault.Isolate.class,
        Fault.Heal.class,
        Fault.SlowLink.class,
        Fault.Kill.class,
        Fault.Restart.class
      })
  static final class Fault implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
        name = "kill-region",
        mixinStandardHelpOptions = true,
        description = "SIGKILL every process of REGION and cut its WAN links.")
    static final class KillRegion implements Callable<Integer> {
      @CommandLine.Spec CommandLine.Model.CommandSpec spec;
      @CommandLine.Mixin DirOption dir = new DirOption();

      @Parameters(paramLabel = "REGION")
      String region = "";

      @Override
      public Integer call() {
        io.summit.dr.lab.Fault fault = dir.lab().crashRegion(region);
        List<LabComponent> killed = fault.killed();
        spec.commandLine()
            .getOut()
            .println(
                "fault: "
                    + region
                    + " killed ("
                    + String.join(
                        ", ", killed.stream().map(c -> c.name() + " pid " + c.pid()).toList())
                    + "), its WAN links cut at "
                    + fault.tookEffect()
                    + " (T0)");
        return 0;
      }
    }

    @Command(
        name = "partition",
        mixinStandardHelpOptions = true,
        description =
            "Cut the WAN link between two locations (us-west-2, us-east-1, witness, edge); both"
                + " stay up.")
    static final class Partition implements Callable<Integer> {
      @CommandLine.Spec CommandLine.Model.CommandSpec spec;
      @CommandLine.Mixin DirOption dir = new DirOption();

      @Parameters(index = "0", paramLabel = "LOCATION_A")
      String a = "";

      @Parameters(index = "1", paramLabel = "LOCATION_B")
      String b = "";

      @Override
      public Integer call() {
        io.summit.dr.lab.Fault fault = dir.lab().partition(a, b);
        spec.commandLine()
            .getOut()
            .println("fault: link " + a + " <-> " + b + " cut at " + fault.tookEffect() + " (T0)");
        return 0;
      }
    }

    @Command(
        name = "isolate",
        mixinStandardHelpOptions = true,
        description = "Cut every WAN link of LOCATION at once (it keeps running, alone).")
    static final class Isolate implements Callable<Integer> {
      @CommandLine.Spec CommandLine.Model.CommandSpec spec;
      @CommandLine.Mixin DirOption dir = new DirOption();

      @Parameters(paramLabel = "LOCATION")
      String location = "";

      @Override
      public Integer call() {
        io.summit.dr.lab.Fault fault = dir.lab().isolate(location);
        spec.commandLine()
            .getOut()
            .println(
                "fault: "
                    + location
                    + " cut from every other location at "
                    + fault.tookEffect()
                    + " (T0)");
        return 0;
      }
    }

    @Command(
        name = "heal",
        mixinStandardHelpOptions = true,
        description = "Restore every WAN link at its configured latency.")
    static final class Heal implements Callable<Integer> {
      @CommandLine.Spec CommandLine.Model.CommandSpec spec;
      @CommandLine.Mixin DirOption dir = new DirOption();

      @Override
      public Integer call() {
        dir.lab().heal();
        spec.commandLine().getOut().println("fault: every link restored");
        return 0;
      }
    }

    @Command(
        name = "slow-link",
        mixinStandardHelpOptions = true,
        description = "Set the one-way latency of the link between two locations.")
    static final class SlowLink implements Callable<Integer> {
      @CommandLine.Spec CommandLine.Model.CommandSpec spec;
      @CommandLine.Mixin DirOption dir = new DirOption();

      @Parameters(index = "0", paramLabel = "LOCATION_A")
      String a = "";

      @Parameters(index = "1", paramLabel = "LOCATION_B")
      String b = "";

      @Option(
          names = "--latency",
          required = true,
          paramLabel = "DURATION",
          description = "One-way latency, e.g. 200ms.")
      String latency = "";

      @Override
      public Integer call() {
        Duration d;
        try {
          d = Durations.parse(latency);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("--latency: " + e.getMessage(), e);
        }
        dir.lab().slowLink(a, b, d);
        spec.commandLine()
            .getOut()
            .println("fault: link " + a + " <-> " + b + " one-way latency " + Durations.format(d));
        return 0;
      }
    }

    @Command(
        name = "kill",
        mixinStandardHelpOptions = true,
        description = "SIGKILL one component (e.g. postgres-us-west-2, etcd-witness).")
    static final class Kill implements Callable<Integer> {
      @CommandLine.Spec CommandLine.Model.CommandSpec spec;
      @CommandLine.Mixin DirOption dir = new DirOption();

      @Parameters(paramLabel = "COMPONENT")
      String component = "";

      @Override
      public Integer call() {
        io.summit.dr.lab.Fault fault = dir.lab().killComponent(component);
        LabComponent c = fault.killed().get(0);
        spec.commandLine()
            .getOut()
            .println(
                "fault: "
                    + c.name()
                    + " (pid "
                    + c.pid()
                    + ") killed at "
                    + fault.tookEffect()
                    + " (T0)");
        return 0;
      }
    }

    @Command(
        name = "restart",
        mixinStandardHelpOptions = true,
        description =
            "Start a stopped component again from its own data (an etcd member rejoins its"
                + " cluster).")
    static final class Restart implements Callable<Integer> {
      @CommandLine.Spec CommandLine.Model.CommandSpec spec;
      @CommandLine.Mixin DirOption dir = new DirOption();

      @Parameters(paramLabel = "COMPONENT")
      String component = "";

      @Override
      public Integer call() {
        LabComponent c = dir.lab().restart(component);
        spec.commandLine()
            .getOut()
            .println("fault: " + c.name() + " running (pid " + c.pid() + ")");
        return 0;
      }
    }
  }

  @Command(
      name = "measure-lag",
      mixinStandardHelpOptions = true,
      description =
          "Time writes on each primary until the replica shows them (WAN latency included).")
  static final class MeasureLag implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin DirOption dir = new DirOption();

    @Option(
        names = "--samples",
        defaultValue = "50",
        description = "Writes per store (default: ${DEFAULT-VALUE}).")
    int samples = 50;

    @Override
    public Integer call() {
      if (samples < 1 || samples > 100_000) {
        throw new IllegalArgumentException("--samples: " + samples + " (expected: 1..100000)");
      }
      Lab lab = dir.lab();
      PrintWriter out = spec.commandLine().getOut();
      String primary = lab.topology().primary().name();
      String secondary = lab.topology().secondaries().get(0).name();
      out.println(
          "replication delay "
              + primary
              + " -> "
              + secondary
              + " (write acknowledged on the primary until readable on the replica):");
      out.println(
          "  "
              + io.summit.dr.lab.ReplicationProbe.postgres(
                      lab.component("postgres-" + primary),
                      lab.component("postgres-" + secondary),
                      samples,
                      Duration.ofSeconds(10))
                  .summary());
      out.println(
          "  "
              + io.summit.dr.lab.ReplicationProbe.redis(
                      lab.component("redis-" + primary),
                      lab.component("redis-" + secondary),
                      samples,
                      Duration.ofSeconds(10))
                  .summary());
      for (io.summit.dr.topology.Store store : lab.topology().stores()) {
        if (store.kind() == io.summit.dr.topology.StoreKind.OBJECTS
            && store.primaryRegion().equals(primary)
            && store.involves(secondary)) {
          io.summit.dr.topology.ObjectRule rule = store.objectRule();
          out.println(
              "  "
                  + io.summit.dr.lab.ReplicationProbe.objects(
                          lab.component("objects-" + primary),
                          rule.bucket(primary),
                          lab.component("objects-" + secondary),
                          rule.bucket(secondary),
                          rule.prefix(),
                          samples,
                          Duration.ofSeconds(10))
                      .summary());
        }
      }
      boolean neo4j =
          lab.topology().stores().stream()
              .anyMatch(s -> s.kind() == io.summit.dr.topology.StoreKind.NEO4J);
      if (neo4j) {
        out.println(
            "  "
                + io.summit.dr.lab.ReplicationProbe.neo4j(
                        lab.component("neo4j-" + primary),
                        lab.component("neo4j-" + secondary),
                        samples,
                        Duration.ofSeconds(10))
                    .summary());
      }
      return 0;
    }
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
