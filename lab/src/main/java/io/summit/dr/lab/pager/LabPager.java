package io.summit.dr.lab.pager;

import io.summit.dr.access.AccessList;
import io.summit.dr.access.AccessOptions;
import io.summit.dr.lab.LabAccess;
import io.summit.dr.lab.LabExtension;
import io.summit.dr.lab.LabLayout;
import io.summit.dr.lab.LabTls;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.topology.Topology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The lab's pager wiring: its directory ({@code .lab/pager}, mode 0700) with the three secrets a
 * sender must know (PagerDuty's routing key, the Slack webhook's URL, the webhook's bearer token;
 * each 0600, written once and kept), the log of what it accepted, and the topology the lab's
 * orchestrators read: the lab's, with a {@code notifications} block that sends every default event
 * to the pager through all three formats. A topology with notifications of its own is left as it is
 * (its receivers get the notices; the pager gets none).
 */
public final class LabPager {
  public static final String KIND = "pager";
  private static final Pattern NOTIFICATIONS = Pattern.compile("(?m)^notifications\\s*:");

  private LabPager() {}

  public static Path dir(Path labDir) {
    return labDir.resolve("pager");
  }

  /** Where the pager keeps what it accepted, one JSON notice per line. */
  public static Path received(Path labDir) {
    return dir(labDir).resolve("received.jsonl");
  }

  public static Path routingKeyFile(Path labDir) {
    return dir(labDir).resolve("pagerduty.key");
  }

  public static Path slackUrlFile(Path labDir) {
    return dir(labDir).resolve("slack.url");
  }

  public static Path webhookTokenFile(Path labDir) {
    return dir(labDir).resolve("webhook.token");
  }

  /** Writes the pager's secrets for {@code pager} once; afterwards they are read back. */
  public static Pager.Secrets prepare(Path labDir, Endpoint pager) {
    try {
      Path dir = dir(labDir);
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      String key = keep(routingKeyFile(labDir), AccessList.newToken().substring(0, 32));
      // the lab's scheme and address, the token kept: a file an older lab (plain HTTP) wrote, or
      // one for another port, is brought up to date
      String base = LabTls.url(labDir, KIND, pager).toString();
      String url = keep(slackUrlFile(labDir), base + "/slack/" + AccessList.newToken());
      if (!url.startsWith(base + "/slack/")) {
        url = base + URI.create(url).getPath();
        Files.writeString(slackUrlFile(labDir), url + "\n", StandardCharsets.UTF_8);
      }
      String token = keep(webhookTokenFile(labDir), AccessList.newToken());
      return new Pager.Secrets(key, URI.create(url).getPath().substring("/slack/".length()), token);
    } catch (IOException e) {
      throw new UncheckedIOException(dir(labDir) + ": cannot write the pager's secrets", e);
    }
  }

  private static String keep(Path file, String value) throws IOException {
    if (Files.exists(file)) {
      return Files.readString(file).strip();
    }
    Files.writeString(file, value + "\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return value;
  }

  /** The pager's daemon, at the edge. */
  public static LabExtension.Daemon daemon(LabLayout layout, Path labDir) {
    prepare(labDir, layout.pager());
    List<String> args = new ArrayList<>();
    args.addAll(List.of("--listen", layout.pager().toString(), "--dir", dir(labDir).toString()));
    args.addAll(AccessOptions.arguments(LabAccess.accessList(labDir), null));
    args.addAll(LabTls.serverArguments(labDir, KIND));
    return new LabExtension.Daemon(
        KIND, "edge", PagerMain.class.getName(), args, layout.pager(), "/healthz");
  }

  /**
   * The topology file the lab's orchestrators read: {@code config} itself when it has a {@code
   * notifications} block; otherwise a copy in the lab directory with the pager's receivers added.
   */
  public static Path orchestratorTopology(
      Topology topology, Path config, Path labDir, LabLayout layout) {
    try {
      String text = Files.readString(config);
      if (!topology.notifications().receivers().isEmpty() || NOTIFICATIONS.matcher(text).find()) {
        return config;
      }
      prepare(labDir, layout.pager());
      String pager = LabTls.url(labDir, KIND, layout.pager()).toString();
      String block =
          "\n# added by summit-dr lab up: every default event to the lab's pager, in the three"
              + " formats (summit-dr lab pages)\n"
              + "notifications:\n"
              + "  receivers:\n"
              + "    - name: lab-pagerduty\n"
              + "      kind: pagerduty\n"
              + "      url: "
              + pager
              + "/v2/enqueue\n"
              + "      routing_key_file: "
              + routingKeyFile(labDir).toAbsolutePath()
              + "\n"
              + "    - name: lab-slack\n"
              + "      kind: slack\n"
              + "      url_file: "
              + slackUrlFile(labDir).toAbsolutePath()
              + "\n"
              + "    - name: lab-webhook\n"
              + "      kind: webhook\n"
              + "      url: "
              + pager
              + "/webhook\n"
              + "      token_file: "
              + webhookTokenFile(labDir).toAbsolutePath()
              + "\n";
      Path out = labDir.resolve("orchestrator-topology.yaml");
      Files.writeString(out, text + (text.endsWith("\n") ? "" : "\n") + block);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(config + ": cannot write the orchestrators' topology", e);
    }
  }

  /** Whether the lab's orchestrators notify the pager ({@link #orchestratorTopology} added it). */
  public static Optional<Path> wired(Path labDir) {
    Path derived = labDir.resolve("orchestrator-topology.yaml");
    return Files.exists(derived) ? Optional.of(derived) : Optional.empty();
  }
}
