package io.summit.dr.lab.control;

import io.summit.dr.agent.AgentMain;
import io.summit.dr.lab.Lab;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The region agent as the lab runs it: {@code --lab-dir DIR} then {@link AgentMain}'s command line.
 * The lab gives the agent the local control of its zone nodes (their data directories, as the
 * postgres OS user), which rejoining a returning node as the standby needs; on AWS, RDS Multi-AZ
 * replaces its standby itself.
 */
public final class LabAgentMain {
  private LabAgentMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length < 2 || !args[0].equals("--lab-dir")) {
      System.err.println(
          "agent: --lab-dir: required first (expected: --lab-dir DIR, then the"
              + " agent's own flags)");
      System.exit(2);
      return;
    }
    Lab lab = Lab.at(Path.of(args[1]));
    AgentMain.main(
        Arrays.copyOfRange(args, 2, args.length), at -> lab.postgresControl(at).orElse(null));
  }
}
