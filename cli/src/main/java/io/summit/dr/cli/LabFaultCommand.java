package io.summit.dr.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.summit.dr.lab.Fault;
import io.summit.dr.lab.LabComponent;
import io.summit.dr.topology.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code summit-dr lab fault ...}: faults injected into the running lab, each said in one line or,
 * with {@code --json}, as one {@link Report}.
 */
@Command(
    name = "fault",
    mixinStandardHelpOptions = true,
    description = "Inject a fault into the running lab.",
    subcommands = {
      LabFaultCommand.KillRegion.class,
      LabFaultCommand.KillZone.class,
      LabFaultCommand.RestartZone.class,
      LabFaultCommand.Partition.class,
      LabFaultCommand.Isolate.class,
      LabFaultCommand.Heal.class,
      LabFaultCommand.SlowLink.class,
      LabFaultCommand.Kill.class,
      LabFaultCommand.Restart.class
    })
final class LabFaultCommand implements Runnable {
  @CommandLine.Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * What a fault did, as {@code --json} prints it: the fault's name, what it targeted (a region,
   * two locations, a component), when it took effect (the drills' T0; absent for a latency change
   * and a restart), the processes it killed, the component it started again ({@code restart}) and
   * the latency it set ({@code slow-link}).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Report(
      String fault,
      List<String> targets,
      @Nullable Instant tookEffect,
      List<Component> killed,
      @Nullable Component running,
      @Nullable String latency) {
    Report {
      targets = List.copyOf(targets);
      killed = List.copyOf(killed);
    }

    static Report of(String fault, List<String> targets, Fault f) {
      return new Report(
          fault,
          targets,
          f.tookEffect(),
          f.killed().stream().map(Component::of).toList(),
          null,
          null);
    }
  }

  /** A lab process: component name, kind, location and pid. */
  record Component(String name, String kind, String region, long pid) {
    static Component of(LabComponent c) {
      return new Component(c.name(), c.kind(), c.region(), c.pid());
    }
  }

  /** Prints {@code report} with {@code --json}, else {@code line}. */
  private static int done(CommandSpec spec, JsonOption json, Report report, String line) {
    if (json.enabled) {
      JsonOption.print(spec, report);
    } else {
      spec.commandLine().getOut().println(line);
    }
    return 0;
  }

  @Command(
      name = "kill-region",
      mixinStandardHelpOptions = true,
      description = "SIGKILL every process of REGION and cut its WAN links.")
  static final class KillRegion implements Callable<Integer> {
    @CommandLine.Spec CommandSpec spec;
    @CommandLine.Mixin LabCommand.DirOption dir = new LabCommand.DirOption();
    @CommandLine.Mixin JsonOption json = new JsonOption();

    @Parameters(paramLabel = "REGION")
    String region = "";

    @Override
    public Integer call() {
      Fault fault = dir.lab().crashRegion(region);
      return done(
          spec,
          json,
          Report.of("kill-region", List.of(region), fault),
          "fault: "
              + region
              + " killed ("
              + String.join(
                  ", ", fault.killed().stream().map(c -> c.name() + " pid " + c.pid()).toList())
              + "), its WAN links cut at "
              + fault.tookEffect()
              + " (T0)");
    }
  }

  @Command(
      name = "kill-zone",
      mixinStandardHelpOptions = true,
      description =
          "SIGKILL every process of ZONE (a zone of a multi-AZ store, e.g. us-west-2a) at once:"
              + " its store nodes and the service instances there (their cluster is told the zone"
              + " is down and starts their replacements in the other zone); the region's other"
              + " zone, agent and cluster run on.")
  static final class KillZone implements Callable<Integer> {
    @CommandLine.Spec CommandSpec spec;
    @CommandLine.Mixin LabCommand.DirOption dir = new LabCommand.DirOption();
    @CommandLine.Mixin JsonOption json = new JsonOption();

    @Parameters(paramLabel = "ZONE")
    String zone = "";

    @Override
    public Integer call() {
      Fault fault = dir.lab().crashZone(zone);
      return done(
          spec,
          json,
          Report.of("kill-zone", List.of(zone), fault),
          "fault: "
              + zone
              + " killed ("
              + String.join(
                  ", ", fault.killed().stream().map(c -> c.name() + " pid " + c.pid()).toList())
              + ")"
              + fault.description().substring(("kill-zone " + zone).length())
              + " at "
              + fault.tookEffect()
              + " (T0)");
    }
  }

  @Command(
      name = "restart-zone",
      mixinStandardHelpOptions = true,
      description =
          "Start the stopped processes of ZONE again from their own data (the region agent rejoins"
              + " an old writer node as the standby).")
  static final class RestartZone implements Callable<Integer> {
    @CommandLine.Spec CommandSpec spec;
    @CommandLine.Mixin LabCommand.DirOption dir = new LabCommand.DirOption();
    @CommandLine.Mixin JsonOption json = new JsonOption();

    @Parameters(paramLabel = "ZONE")
    String zone = "";

    @Override
    public Integer call() {
      List<LabComponent> running = dir.lab().restartZone(zone);
      return done(
          spec,
          json,
          new Report(
              "restart-zone",
              List.of(zone),
              null,
              List.of(),
              running.isEmpty() ? null : Component.of(running.get(0)),
              null),
          "fault: "
              + zone
              + " running ("
              + String.join(", ", running.stream().map(c -> c.name() + " pid " + c.pid()).toList())
              + ")");
    }
  }

  @Command(
      name = "partition",
      mixinStandardHelpOptions = true,
      description =
          "Cut the WAN link between two locations (us-west-2, us-east-1, witness, edge), or the"
              + " link between two zones of one region (us-west-2a, us-west-2b); both stay up.")
  static final class Partition implements Callable<Integer> {
    @CommandLine.Spec CommandSpec spec;
    @CommandLine.Mixin LabCommand.DirOption dir = new LabCommand.DirOption();
    @CommandLine.Mixin JsonOption json = new JsonOption();

    @Parameters(index = "0", paramLabel = "LOCATION_A")
    String a = "";

    @Parameters(index = "1", paramLabel = "LOCATION_B")
    String b = "";

    @Override
    public Integer call() {
      Fault fault = dir.lab().partition(a, b);
      return done(
          spec,
          json,
          Report.of("partition", List.of(a, b), fault),
          "fault: link " + a + " <-> " + b + " cut at " + fault.tookEffect() + " (T0)");
    }
  }

  @Command(
      name = "isolate",
      mixinStandardHelpOptions = true,
      description = "Cut every WAN link of LOCATION at once (it keeps running, alone).")
  static final class Isolate implements Callable<Integer> {
    @CommandLine.Spec CommandSpec spec;
    @CommandLine.Mixin LabCommand.DirOption dir = new LabCommand.DirOption();
    @CommandLine.Mixin JsonOption json = new JsonOption();

    @Parameters(paramLabel = "LOCATION")
    String location = "";

    @Override
    public Integer call() {
      Fault fault = dir.lab().isolate(location);
      return done(
          spec,
          json,
          Report.of("isolate", List.of(location), fault),
          "fault: "
              + location
              + " cut from every other location at "
              + fault.tookEffect()
              + " (T0)");
    }
  }

  @Command(
      name = "heal",
      mixinStandardHelpOptions = true,
      description = "Restore every WAN link at its configured latency.")
  static final class Heal implements Callable<Integer> {
    @CommandLine.Spec CommandSpec spec;
    @CommandLine.Mixin LabCommand.DirOption dir = new LabCommand.DirOption();
    @CommandLine.Mixin JsonOption json = new JsonOption();

    @Override
    public Integer call() {
      Fault fault = dir.lab().heal();
      return done(spec, json, Report.of("heal", List.of(), fault), "fault: every link restored");
    }
  }

  @Command(
      name = "slow-link",
      mixinStandardHelpOptions = true,
      description = "Set the one-way latency of the link between two locations.")
  static final class SlowLink implements Callable<Integer> {
    @CommandLine.Spec CommandSpec spec;
    @CommandLine.Mixin LabCommand.DirOption dir = new LabCommand.DirOption();
    @CommandLine.Mixin JsonOption json = new JsonOption();

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
      return done(
          spec,
          json,
          new Report("slow-link", List.of(a, b), null, List.of(), null, Durations.format(d)),
          "fault: link " + a + " <-> " + b + " one-way latency " + Durations.format(d));
    }
  }

  @Command(
      name = "kill",
      mixinStandardHelpOptions = true,
      description = "SIGKILL one component (e.g. postgres-us-west-2, etcd-witness).")
  static final class Kill implements Callable<Integer> {
    @CommandLine.Spec CommandSpec spec;
    @CommandLine.Mixin LabCommand.DirOption dir = new LabCommand.DirOption();
    @CommandLine.Mixin JsonOption json = new JsonOption();

    @Parameters(paramLabel = "COMPONENT")
    String component = "";

    @Override
    public Integer call() {
      Fault fault = dir.lab().killComponent(component);
      LabComponent c = fault.killed().get(0);
      return done(
          spec,
          json,
          Report.of("kill", List.of(component), fault),
          "fault: "
              + c.name()
              + " (pid "
              + c.pid()
              + ") killed at "
              + fault.tookEffect()
              + " (T0)");
    }
  }

  @Command(
      name = "restart",
      mixinStandardHelpOptions = true,
      description =
          "Start a stopped component again from its own data (an etcd member rejoins its"
              + " cluster).")
  static final class Restart implements Callable<Integer> {
    @CommandLine.Spec CommandSpec spec;
    @CommandLine.Mixin LabCommand.DirOption dir = new LabCommand.DirOption();
    @CommandLine.Mixin JsonOption json = new JsonOption();

    @Parameters(paramLabel = "COMPONENT")
    String component = "";

    @Override
    public Integer call() {
      LabComponent c = dir.lab().restart(component);
      return done(
          spec,
          json,
          new Report("restart", List.of(component), null, List.of(), Component.of(c), null),
          "fault: " + c.name() + " running (pid " + c.pid() + ")");
    }
  }
}
